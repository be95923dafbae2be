#include "graph/hypergraph.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "util/float_repr.h"

namespace zeekgraph::graph {

bool cell_text(const table::column& c, size_t row, std::string& out) {
  out.clear();
  switch (c.type) {
    case table::column_type::int64:
      out = std::to_string(c.ints[row]);
      return true;
    case table::column_type::float64:
      if (std::isnan(c.floats[row])) return false;
      append_float_repr(out, c.floats[row]);
      return true;
    case table::column_type::string:
      if (!c.string_null.empty() && c.string_null[row]) return false;
      out = c.strings[row];
      return true;
  }
  return false;
}

hypergraph_options seed_graph_options() {
  hypergraph_options o;
  o.entity_types = {"id.orig_h", "id.resp_h"};
  o.direct = true;
  o.categories = {{"ip", {"id.orig_h", "id.resp_h"}}};
  return o;
}

result<hypergraph> build_hypergraph(const table::summary_table& t, const hypergraph_options& o) {
  auto find = [&](const std::string& name) -> const table::column* { return t.find(name); };
  std::vector<std::string> entities = o.entity_types;
  if (entities.empty())
    for (const auto& c : t.columns) entities.push_back(c.name);
  entities.erase(std::remove_if(entities.begin(), entities.end(),
                                [&](const std::string& e) {
                                  return std::find(o.skip.begin(), o.skip.end(), e) != o.skip.end();
                                }),
                 entities.end());
  for (const auto& e : entities)
    if (!find(e)) return error{error_kind::usage, "no column '" + e + "' to make entities of", ""};
  std::unordered_map<std::string, std::string> category_of;
  for (const auto& [cat, cols] : o.categories)
    for (const auto& c : cols) category_of[c] = cat;
  auto cat = [&](const std::string& col) {
    auto it = category_of.find(col);
    return it == category_of.end() ? col : it->second;
  };

  hypergraph g;
  const size_t rows = t.rows();
  g.events = rows;
  std::unordered_map<std::string, uint32_t> index;
  std::string text;
  // Entities: column by column, values in row order, first sighting wins.
  for (const auto& col : entities) {
    const table::column& c = *find(col);
    for (size_t r = 0; r < rows; ++r) {
      if (!cell_text(c, r, text)) {
        if (o.drop_na) continue;
        text = "nan";  // as Graphistry's valToSafeStr writes NaN
      }
      std::string id = cat(col) + o.delim + text;
      if (index.count(id)) continue;
      index.emplace(id, static_cast<uint32_t>(g.node_id.size()));
      g.node_id.push_back(std::move(id));
      g.node_title.push_back(text);
      g.node_type.push_back(col);
      g.node_category.push_back(cat(col));
      g.is_event.push_back(false);
    }
  }
  g.entities = g.node_id.size();
  auto node_of = [&](const std::string& col, size_t r) -> int64_t {
    if (!cell_text(*find(col), r, text)) {
      if (o.drop_na) return -1;
      text = "nan";
    }
    return index.at(cat(col) + o.delim + text);
  };

  if (o.direct) {
    std::vector<std::pair<std::string, std::vector<std::string>>> shape = o.edges;
    if (shape.empty())
      for (size_t i = 0; i < entities.size(); ++i)
        shape.push_back({entities[i], std::vector<std::string>(entities.begin() + static_cast<long>(i) + 1, entities.end())});
    std::sort(shape.begin(), shape.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [c1, targets] : shape) {
      if (!find(c1)) return error{error_kind::usage, "EDGES names no column '" + c1 + "'", ""};
      for (const auto& c2 : targets) {
        if (!find(c2)) return error{error_kind::usage, "EDGES names no column '" + c2 + "'", ""};
        for (size_t r = 0; r < rows; ++r) {
          int64_t a = node_of(c1, r), b = node_of(c2, r);
          if (a < 0 || b < 0) continue;
          g.src.push_back(static_cast<uint32_t>(a));
          g.dst.push_back(static_cast<uint32_t>(b));
          g.edge_type.push_back(cat(c1) + o.delim + cat(c2));
          g.edge_category.push_back(c1 + o.delim + c2);
          g.row.push_back(static_cast<uint32_t>(r));
        }
      }
    }
  } else {
    // One event node per row; edges from it to each of its entities.
    std::vector<uint32_t> event_node(rows);
    for (size_t r = 0; r < rows; ++r) {
      event_node[r] = static_cast<uint32_t>(g.node_id.size());
      g.node_id.push_back("EventID" + o.delim + std::to_string(r));
      g.node_title.push_back(g.node_id.back());
      g.node_type.push_back("EventID");
      g.node_category.push_back("event");
      g.is_event.push_back(true);
    }
    std::vector<std::string> sorted = entities;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& col : sorted)
      for (size_t r = 0; r < rows; ++r) {
        int64_t a = node_of(col, r);
        if (a < 0) continue;
        g.src.push_back(event_node[r]);
        g.dst.push_back(static_cast<uint32_t>(a));
        g.edge_type.push_back(col);
        g.edge_category.push_back(col);
        g.row.push_back(static_cast<uint32_t>(r));
      }
  }

  g.degree.assign(g.node_id.size(), 0);
  g.sessions.assign(g.node_id.size(), 0);
  const table::column* count = find("count");
  for (size_t e = 0; e < g.src.size(); ++e) {
    ++g.degree[g.src[e]];
    ++g.degree[g.dst[e]];
    if (count && count->type == table::column_type::int64) {
      uint64_t n = static_cast<uint64_t>(count->ints[g.row[e]]);
      g.sessions[g.src[e]] += n;
      if (g.dst[e] != g.src[e]) g.sessions[g.dst[e]] += n;
    }
  }
  return g;
}

}  // namespace zeekgraph::graph
