// IPv4 and IPv6 addresses and networks as 128-bit values, for --where: parsed
// once per literal and once per compared cell, compared without allocating.
#pragma once

#include <cstdint>
#include <string_view>

namespace zeekgraph::query {

struct ip_address {
  uint64_t hi = 0;     // v6: the first 64 bits; v4: 0
  uint64_t lo = 0;     // v6: the last 64 bits; v4: the address in the low 32 bits
  uint8_t family = 0;  // 4 or 6 (0 until parsed)

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

// Numeric order of two addresses of one family: <0, 0, >0. Addresses of
// different families have no order (the caller checks family first).
inline int compare(const ip_address& a, const ip_address& b) {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
  return 0;
}

// A strict dotted quad: four decimal parts 0-255, no leading zeros ("10.0.0.01"
// and "256.1.1.1" fail), nothing else around it. No library call.
bool parse_ipv4(std::string_view text, ip_address& out);

// parse_ipv4, or, for text holding a ':', an IPv6 address as inet_pton
// accepts it ("::ffff:10.0.0.1" is IPv6, a different address from "10.0.0.1").
bool parse_ip(std::string_view text, ip_address& out);

// A network: the address with its host bits cleared, and the prefix length.
struct ip_network {
  ip_address net;  // masked
  uint64_t mask_hi = 0, mask_lo = 0;
  uint8_t prefix = 0;  // 0..32 (v4) or 0..128 (v6)

  bool contains(const ip_address& a) const {
    return a.family == net.family && (a.hi & mask_hi) == net.hi && (a.lo & mask_lo) == net.lo;
  }
};

enum class network_error : uint8_t {
  none,
  bad_address,  // the part before '/' is not an address (parse_ip)
  bad_prefix,   // the part after '/' is not 1-3 decimal digits
  long_prefix,  // more than 32 bits for IPv4 or 128 for IPv6
};

// "ADDRESS" (a /32 or /128) or "ADDRESS/PREFIX". Host bits may be set: the
// network is the address masked ("10.1.2.3/8" is 10.0.0.0/8). `had_prefix`
// tells whether a '/' was written.
network_error parse_network(std::string_view text, ip_network& out, bool& had_prefix);

// The network of `prefix` bits around `a` (prefix no longer than a's family).
ip_network make_network(const ip_address& a, unsigned prefix);

}  // namespace zeekgraph::query
