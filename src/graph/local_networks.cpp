#include "graph/local_networks.h"

#include <algorithm>
#include <cassert>
#include <utility>

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

namespace {

// Each bool column Zeek writes for it, and the address column it marks.
constexpr std::pair<const char*, const char*> LOGGED_LOCAL[] = {{"local_orig", "id.orig_h"},
                                                                {"local_resp", "id.resp_h"}};

}  // namespace

std::vector<std::string> logged_local_columns(size_t inputs,
                                              const std::function<result<zeek::log_schema>(size_t)>& probe,
                                              const std::vector<std::string>& aggregated) {
  std::vector<std::string> out;
  if (inputs == 0) return out;
  for (const auto& column : LOGGED_LOCAL)
    if (std::find(aggregated.begin(), aggregated.end(), column.first) == aggregated.end())
      out.emplace_back(column.first);
  for (size_t i = 0; i < inputs && !out.empty(); ++i) {
    const result<zeek::log_schema> schema = probe(i);
    std::erase_if(out, [&](const std::string& name) {
      return !schema || schema->format == zeek::input_format::json ||
             std::none_of(schema->columns.begin(), schema->columns.end(),
                          [&](const zeek::schema_column& k) { return k.name == name; });
    });
  }
  return out;
}

void take_logged_local(table::summary_table& t, const std::vector<std::string>& added, local_networks& local) {
  for (const auto& [name, host] : LOGGED_LOCAL) {
    if (std::find(added.begin(), added.end(), name) == added.end()) continue;
    const std::string col = std::string(name) + " max";
    auto it = std::find_if(t.columns.begin(), t.columns.end(), [&](const table::column& c) { return c.name == col; });
    if (it == t.columns.end()) continue;
    const table::column* h = t.find(host);
    if (h && h->type == table::column_type::string && it->type == table::column_type::string)
      for (size_t r = 0; r < t.rows(); ++r)
        if (it->strings[r] == "T" && (it->string_null.empty() || !it->string_null[r]) &&
            (h->string_null.empty() || !h->string_null[r]))
          local.logged.insert(h->strings[r]);
    t.columns.erase(it);
  }
}

}  // namespace zeekgraph::graph
