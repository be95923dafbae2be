#include "graph/hypergraph_flags.h"

#include "util/split_list.h"

namespace zeekgraph::graph {

result<hypergraph_options> parse_hypergraph_flags(const hypergraph_flags& f) {
  hypergraph_options o;
  o.entity_types = split_list(f.entities, ',');
  o.direct = !f.events;
  o.categories.clear();
  for (const auto& c : f.categories) {
    const size_t eq = c.find('=');
    if (eq == std::string::npos)
      return error{error_kind::usage, "--category '" + c + "' is not NAME=col,col", "e.g. --category ip=id.orig_h,id.resp_h"};
    o.categories.push_back({c.substr(0, eq), split_list(c.substr(eq + 1), ',')});
  }
  o.skip = split_list(f.skip, ',');
  for (const auto& part : split_list(f.edge_shape, ';')) {
    const size_t colon = part.find(':');
    if (colon == std::string::npos)
      return error{error_kind::usage, "--edge-shape entry '" + part + "' is not col:col,col",
                   "e.g. --edge-shape 'id.orig_h:id.resp_h'"};
    o.edges.push_back({part.substr(0, colon), split_list(part.substr(colon + 1), ',')});
  }
  return o;
}

}  // namespace zeekgraph::graph
