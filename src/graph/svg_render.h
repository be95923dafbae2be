// A static picture of a laid-out graph, for reports: edges coloured by a
// category column (conn_state for the seed) with the web UI's fixed colours
// (graph/edge_classes class_colour), nodes sized by degree, on the UI's dark
// background, with a legend.
#pragma once

#include <ostream>
#include <string>

#include "graph/graph_export.h"
#include "graph/hypergraph.h"
#include "table/summary_table.h"

namespace zeekgraph::graph {

struct svg_options {
  int width = 1600, height = 1200;
  std::string color_by = "conn_state";  // an edge attribute column; absent: one colour
};

void write_svg(const hypergraph& g, const table::summary_table& t, const positions& p, const svg_options& o,
               std::ostream& out);

}  // namespace zeekgraph::graph
