// Which node addresses are internal: the private and local ranges (RFC 1918,
// RFC 4193 unique local, IPv4 and IPv6 link-local, loopback), the
// networks of `--local-nets CIDR,...`, and the addresses the log itself
// marks local (Zeek's local_orig and local_resp, where the log has them).
// The UI colours internal and external nodes apart.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "query/ip_address.h"
#include "table/summary_table.h"
#include "util/result.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::graph {

struct local_networks {
  std::vector<query::ip_network> nets;
  // Addresses, as the log writes them, that it marks local: the originator
  // of a row with local_orig T, the responder of one with local_resp T
  // (Zeek's Site::local_nets, which may also hold multicast or broadcast).
  std::unordered_set<std::string> logged;
  // True when `text` is in logged, or is an IPv4 or IPv6 address inside one
  // of nets. Other text (a host name, a hypergraph event) is not.
  bool contains(std::string_view text) const;
};

// The built-in ranges: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
// 169.254.0.0/16, 127.0.0.0/8, fc00::/7, fe80::/10, ::1/128.
local_networks default_local_networks();

// The built-in ranges plus each network of `list` ("10.20.0.0/16,2001:db8::/32";
// a bare address is its /32 or /128; spaces around commas are allowed).
// Errors: error_kind::usage naming the entry that is not a network.
result<local_networks> parse_local_networks(std::string_view list);

// The addresses the log marks local are learnt from the summary itself: the
// max of a bool column per group ("T" when any row had it). Of Zeek's
// local_orig and local_resp, the columns whose max a query adds for that:
// those every input has, as a TSV log (a JSON bool is no scalar cell, and
// a file without the column would have every row rejected), and that the
// query does not aggregate already (`aggregated`). `probe(i)`: input i's
// schema, or the error of one that cannot be probed (stdin); called once an
// input, in order, and no more once no column is left to learn.
std::vector<std::string> logged_local_columns(size_t inputs,
                                              const std::function<result<zeek::log_schema>(size_t)>& probe,
                                              const std::vector<std::string>& aggregated);

// An originator of a group whose "local_orig max" is T, a responder of one
// whose "local_resp max" is T, into local.logged, for the columns of
// `added` (those logged_local_columns gave, which the query added); those
// columns then leave `t`, so that the graph, its exports and the inspector
// show what the query asked for.
void take_logged_local(table::summary_table& t, const std::vector<std::string>& added, local_networks& local);

}  // namespace zeekgraph::graph
