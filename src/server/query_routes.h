// The question-asking routes of `serve`, for the UI's drill-down and
// filter bar (all GET, run on worker threads while the connection waits):
//
//   /api/rows?where=EXPR | node=VALUE[&role=src|dst|any] | edge=N
//            [&columns=a,b][&offset=0][&limit=200][&format=ndjson|csv|zeek][&total=1]
//     The raw connections, in input order, as `zeekgraph rows` writes
//     them. node: rows whose id.orig_h (src), id.resp_h (dst) or either
//     (any, the default) is VALUE; edge: the rows behind summary row N (its
//     key columns equal N's keys); where: any --where expression. Each
//     within the --where serve was started with (rows.where). node and
//     edge read only the blocks the row index (engine/row_index) says may
//     hold their addresses. limit is
//     at most 100,000. With total=1 the scan goes on to the end and the
//     X-Total-Count header gives every match. X-Where names the filter.
//     limit=all streams every match (after offset) as it is read, on
//     stream_threads threads, in input order and chunked: the export of
//     a node with millions of rows, in bounded memory. At most 4 streams
//     run at once (503 past that).
//   /api/requery?where=EXPR&part=meta|bin
//     The graph of the rows EXPR keeps: summary, hypergraph and layout made
//     again, as meta.json and graph.bin (the last 4 are kept, so the two
//     parts cost one scan).
//
// A bad expression is a 400 whose body is the message, the expression and
// a caret.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/row_index.h"
#include "engine/rows.h"
#include "server/graph_payload.h"
#include "server/graph_server.h"
#include "table/summary_table.h"
#include "util/result.h"

namespace zeekgraph::server {

struct query_sources {
  engine::rows_options rows;            // inputs, directory rules, reader options, serve's --where
  const table::summary_table* summary;  // the served summary, for edge=N
  // Where the rows of a node or an edge may be (null: read every input).
  const engine::row_index* index = nullptr;
  size_t key_columns = 0;               // its first columns are the group keys
  unsigned stream_threads = 0;          // threads of a limit=all stream (0: every core)
  // Builds the graph of the rows `where` keeps (empty: all), as served.
  std::function<result<graph_payload>(const std::string& where)> requery;
};

// Adds /api/rows and /api/requery to `server`; `sources` must outlive it.
void add_query_routes(graph_server& server, const query_sources& sources);

// The --where expression for the rows behind summary row `row`: each key
// column equal to its value (addresses and numbers bare, text quoted).
std::string edge_expression(const table::summary_table& summary, size_t key_columns, size_t row);

}  // namespace zeekgraph::server
