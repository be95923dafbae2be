#include "server/node_ports.h"

#include <utility>

#include "table/table_writer.h"
#include "util/json_string.h"

namespace zeekgraph::server {

std::string node_ports_json(const table::summary_table& t) {
  std::string j = "{\"host\":[";
  if (t.columns.size() >= 2) {
    for (size_t r = 0; r < t.rows(); ++r) {
      if (r) j += ',';
      table::append_cell(j, t.columns[0], r, table::table_format::ndjson);
    }
    j += "],\"ports\":[";
    for (size_t r = 0; r < t.rows(); ++r) {
      if (r) j += ',';
      table::append_cell(j, t.columns[1], r, table::table_format::ndjson);
    }
  } else {
    j += "],\"ports\":[";
  }
  return j + "]}";
}

void add_node_ports_route(graph_server& server, summarize_fn summarize) {
  server.add_route(
      "/api/node-ports",
      [summarize = std::move(summarize)](const http_request& req) {
        const std::string where(req.query_value("where").value_or(""));
        auto t = summarize(where, "id.orig_h", "id.resp_p:nunique");
        if (!t) {
          const error& e = t.err();
          std::string body = e.message + "\n";
          if (!e.source.empty()) {
            body += "  " + e.source + "\n";
            if (e.at != std::string::npos) body += "  " + std::string(e.at, ' ') + "^\n";
          }
          if (!e.hint.empty()) body += "hint: " + e.hint + "\n";
          return http_reply::text(e.kind == error_kind::usage ? 400 : 500, body);
        }
        http_reply r = http_reply::text(200, node_ports_json(*t));
        r.content_type = "application/json";
        return r;
      },
      route_thread::worker);
}

}  // namespace zeekgraph::server
