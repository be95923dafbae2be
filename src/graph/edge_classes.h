// Edges grouped by a category column of their row (conn_state for the
// seed), most common value first: the colour order the SVG and the web UI
// share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// The colour of a class value, the same in every graph and in the web UI
// (web/src/zeek.js classColour): each Zeek conn_state has its own when
// `color_by` is conn_state; any other value gets one of 12 spare colours by
// the FNV-1a hash of its bytes (the UI hashes UTF-16 code units, so the two
// agree on ASCII values).
const char* class_colour(std::string_view value, std::string_view color_by);

}  // namespace zeekgraph::graph
