#include "query/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace zeekgraph::query {

bool parse_ipv4(std::string_view t, ip_address& out) {
  if (t.size() < 7 || t.size() > 15) return false;
  const char* p = t.data();
  const char* e = p + t.size();
  uint32_t addr = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == e || *p != '.') return false;
      ++p;
    }
    const char* start = p;
    unsigned v = 0;
    while (p < e && p - start < 3 && static_cast<unsigned>(*p - '0') <= 9)
      v = v * 10 + (*p++ - '0');
    const size_t n = static_cast<size_t>(p - start);
    if (n == 0 || v > 255 || (n > 1 && *start == '0')) return false;
    addr = addr << 8 | v;
  }
  if (p != e) return false;
  out.hi = 0;
  out.lo = addr;
  out.family = 4;
  return true;
}

bool parse_ip(std::string_view t, ip_address& out) {
  if (t.find(':') == std::string_view::npos) return parse_ipv4(t, out);
  // inet_pton wants a terminated string; the longest IPv6 text is 45 bytes.
  char buf[INET6_ADDRSTRLEN];
  if (t.size() >= sizeof buf || std::memchr(t.data(), 0, t.size())) return false;
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = 0;
  unsigned char b[16];
  if (inet_pton(AF_INET6, buf, b) != 1) return false;
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | b[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | b[i];
  out.hi = hi;
  out.lo = lo;
  out.family = 6;
  return true;
}

ip_network make_network(const ip_address& a, unsigned prefix) {
  ip_network n;
  n.prefix = static_cast<uint8_t>(prefix);
  if (a.family == 4) {
    n.mask_hi = 0;
    n.mask_lo = prefix == 0 ? 0 : (0xFFFFFFFFull << (32 - prefix)) & 0xFFFFFFFFull;
  } else {
    n.mask_hi = prefix == 0 ? 0 : prefix >= 64 ? ~0ull : ~0ull << (64 - prefix);
    n.mask_lo = prefix <= 64 ? 0 : prefix == 128 ? ~0ull : ~0ull << (128 - prefix);
  }
  n.net.family = a.family;
  n.net.hi = a.hi & n.mask_hi;
  n.net.lo = a.lo & n.mask_lo;
  return n;
}

network_error parse_network(std::string_view t, ip_network& out, bool& had_prefix) {
  const size_t slash = t.find('/');
  had_prefix = slash != std::string_view::npos;
  ip_address a;
  if (!parse_ip(t.substr(0, slash), a)) return network_error::bad_address;
  const unsigned width = a.family == 4 ? 32 : 128;
  unsigned prefix = width;
  if (had_prefix) {
    std::string_view d = t.substr(slash + 1);
    if (d.empty() || d.size() > 3) return network_error::bad_prefix;
    prefix = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return network_error::bad_prefix;
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > width) return network_error::long_prefix;
  }
  out = make_network(a, prefix);
  return network_error::none;
}

}  // namespace zeekgraph::query
