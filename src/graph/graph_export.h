// Writes a hypergraph for other tools: Graphistry-style node and edge CSVs
// (edges carry every table column), GEXF 1.2 (the version both Gephi and
// networkx read; networkx rejects 1.3) and GraphML. Positions, when given, go into GEXF's viz:position and
// GraphML's x/y attributes.
#pragma once

#include <ostream>
#include <vector>

#include "graph/hypergraph.h"
#include "table/summary_table.h"

namespace zeekgraph::graph {

struct positions {
  std::vector<float> x, y;  // per node; empty when not laid out
};

void write_nodes_csv(const hypergraph& g, const positions& p, std::ostream& out);
void write_edges_csv(const hypergraph& g, const table::summary_table& t, std::ostream& out);
void write_gexf(const hypergraph& g, const table::summary_table& t, const positions& p, std::ostream& out);
void write_graphml(const hypergraph& g, const table::summary_table& t, const positions& p, std::ostream& out);

}  // namespace zeekgraph::graph
