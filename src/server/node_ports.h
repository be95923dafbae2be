// /api/node-ports?where=EXPR: for the top talkers, each originator's
// number of distinct destination ports (id.resp_p) over the rows EXPR keeps
// (empty: every row), exactly: a summary by id.orig_h with id.resp_p
// nunique, made as the served summary was (same inputs, same serve
// --where). The summary rows cannot give it, as a host's ports spread over
// its (orig, resp, conn_state) groups and counting distinct values does not
// add up across them.
//
// Answer: {"host":["10.0.0.1",..],"ports":[3,..]} (application/json), one
// entry per originator. A bad expression is a 400 with its caret, as for
// /api/requery; a log without id.orig_h or id.resp_p is a 400 naming it.
#pragma once

#include <functional>
#include <string>

#include "server/graph_server.h"
#include "table/summary_table.h"
#include "util/result.h"

namespace zeekgraph::server {

// `summarize(where, by, agg)` runs a summary of the served inputs with the
// filter, --by and --agg given, as summarize would, and returns its table.
using summarize_fn =
    std::function<result<table::summary_table>(const std::string& where, const std::string& by, const std::string& agg)>;

// Adds /api/node-ports to `server`; `summarize` must outlive it.
void add_node_ports_route(graph_server& server, summarize_fn summarize);

// The JSON answer for a table whose first column is the host and second
// the count.
std::string node_ports_json(const table::summary_table& t);

}  // namespace zeekgraph::server
