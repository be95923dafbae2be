// Edges grouped by a category column of their row (conn_state for the
// seed), most common value first: the colour order the SVG and the web UI
// share.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "graph/hypergraph.h"
#include "table/summary_table.h"

namespace zeekgraph::graph {

struct edge_classes {
  std::vector<std::pair<std::string, uint64_t>> classes;  // value and its edge count
  std::vector<uint32_t> of_edge;                          // index into classes, per edge
};

// Classes by the text of `by` in each edge's row, or by edgeType when `by`
// is null. Ties keep the values' sorted order.
edge_classes classify_edges(const hypergraph& g, const table::column* by);

}  // namespace zeekgraph::graph
