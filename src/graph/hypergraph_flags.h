// Graphistry's hypergraph arguments as the command line spells them, and
// the hypergraph_options they mean: `graph` and `serve` take these flags.
#pragma once

#include <string>
#include <vector>

#include "graph/hypergraph.h"
#include "util/result.h"

namespace zeekgraph::graph {

struct hypergraph_flags {
  std::string entities;                 // --entities: ENTITY_TYPES, "col,col"
  std::vector<std::string> categories;  // --category: each "NAME=col,col"
  bool events = false;                  // --events: event nodes instead of direct edges
  std::string edge_shape;               // --edge-shape: Graphistry's EDGES, "a:b,c;b:c"
  std::string skip;                     // --skip: SKIP, columns never made entities, "col,col"
};

// Errors: error_kind::usage, naming the flag and the malformed entry.
result<hypergraph_options> parse_hypergraph_flags(const hypergraph_flags& flags);

}  // namespace zeekgraph::graph
