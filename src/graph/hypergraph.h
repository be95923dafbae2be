// Graphistry's hypergraph over a table, with its semantics: entity nodes
// '<category>::<value>' (a column is its own category unless CATEGORIES
// puts it in one), and either one event node per row linked to each of its
// entities (direct = false) or, with direct = true, entity-to-entity edges
// per row for each pair of the EDGES shape (by default every column to
// every later column). Null entities are dropped. Edges keep their row, so
// every table column is an edge attribute.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "table/summary_table.h"
#include "util/result.h"

namespace zeekgraph::graph {

struct hypergraph_options {
  std::vector<std::string> entity_types;  // empty: every column not in skip
  bool direct = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> categories;
  std::vector<std::pair<std::string, std::vector<std::string>>> edges;  // direct: column -> columns
  std::vector<std::string> skip;
  bool drop_na = true;
  std::string delim = "::";
};

struct hypergraph {
  // Nodes, in Graphistry's order: entities column by column in row order
  // (first sighting wins), then event nodes when not direct.
  std::vector<std::string> node_id, node_title, node_type, node_category;
  std::vector<uint64_t> degree;     // edge ends at the node; a self-loop counts twice
  std::vector<uint64_t> sessions;   // summed 'count' of the rows of its edges, when the table has one
  std::vector<bool> is_event;
  // Edges, in Graphistry's order: by source column (sorted), then row.
  std::vector<uint32_t> src, dst;
  std::vector<std::string> edge_type;      // '<category>::<category>' (direct) or the column
  std::vector<std::string> edge_category;  // '<column>::<column>' (direct) or the column
  std::vector<uint32_t> row;               // the table row: EventID::<row>, and its attributes
  size_t events = 0, entities = 0;
  size_t links() const { return src.size(); }
};

// Errors: error_kind::usage when an entity, category or edge column is not
// in the table.
result<hypergraph> build_hypergraph(const table::summary_table& t, const hypergraph_options& o);

// A cell as Graphistry's valToSafeStr writes it; false for null (NaN).
bool cell_text(const table::column& c, size_t row, std::string& out);

// The seed's graph: entities id.orig_h and id.resp_h in one category 'ip', direct.
hypergraph_options seed_graph_options();

}  // namespace zeekgraph::graph
