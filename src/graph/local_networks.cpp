#include "graph/local_networks.h"

#include <cassert>

namespace zeekgraph::graph {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool local_networks::contains(std::string_view text) const {
  if (!logged.empty() && logged.count(std::string(text))) return true;
  query::ip_address a;
  if (!query::parse_ip(text, a)) return false;
  for (const auto& n : nets)
    if (n.contains(a)) return true;
  return false;
}

local_networks default_local_networks() {
  local_networks out;
  for (std::string_view s : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8",
                             "fc00::/7", "fe80::/10", "::1/128"}) {
    query::ip_network n;
    bool had_prefix = false;
    [[maybe_unused]] auto e = query::parse_network(s, n, had_prefix);
    assert(e == query::network_error::none);
    out.nets.push_back(n);
  }
  return out;
}

result<local_networks> parse_local_networks(std::string_view list) {
  local_networks out = default_local_networks();
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view part = trimmed(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (part.empty()) continue;
    query::ip_network n;
    bool had_prefix = false;
    switch (query::parse_network(part, n, had_prefix)) {
      case query::network_error::none: out.nets.push_back(n); continue;
      case query::network_error::bad_address:
        return error{error_kind::usage, "--local-nets: '" + std::string(part) + "' is not an address or network",
                     "write networks as CIDR, comma separated: 10.20.0.0/16,2001:db8::/32"};
      case query::network_error::bad_prefix:
      case query::network_error::long_prefix:
        return error{error_kind::usage, "--local-nets: '" + std::string(part) + "' has a bad prefix length",
                     "IPv4 prefixes are 0 to 32 bits, IPv6 0 to 128"};
    }
  }
  return out;
}

}  // namespace zeekgraph::graph
