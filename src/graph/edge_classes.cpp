#include "graph/edge_classes.h"

#include <algorithm>
#include <map>

namespace zeekgraph::graph {

edge_classes classify_edges(const hypergraph& g, const table::column* by) {
  const size_t m = g.links();
  std::vector<std::string> value(m);
  std::map<std::string, uint64_t> counts;
  for (size_t e = 0; e < m; ++e) {
    if (by)
      cell_text(*by, g.row[e], value[e]);
    else
      value[e] = g.edge_type[e];
    ++counts[value[e]];
  }
  edge_classes out;
  out.classes.assign(counts.begin(), counts.end());
  std::stable_sort(out.classes.begin(), out.classes.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<std::string, uint32_t> index;
  for (uint32_t i = 0; i < out.classes.size(); ++i) index[out.classes[i].first] = i;
  out.of_edge.resize(m);
  for (size_t e = 0; e < m; ++e) out.of_edge[e] = index[value[e]];
  return out;
}

const char* class_colour(std::string_view value, std::string_view color_by) {
  static const std::pair<std::string_view, const char*> states[] = {
      {"SF", "#59a14f"},   {"S0", "#e15759"},   {"REJ", "#ff9d4d"},    {"S1", "#4e79a7"},   {"S2", "#76b7e6"},
      {"S3", "#a0cbe8"},   {"RSTO", "#edc948"}, {"RSTR", "#b6992d"},   {"RSTOS0", "#d37295"}, {"RSTRH", "#fabfd2"},
      {"SH", "#b07aa1"},   {"SHR", "#8cd17d"},  {"OTH", "#9d9da1"}};
  static const char* spare[] = {"#86bcb6", "#f1ce63", "#499894", "#e49444", "#d4a6c8", "#9467bd",
                                "#79706e", "#17becf", "#bcbd22", "#ff7f0e", "#2ca02c", "#1f77b4"};
  if (color_by == "conn_state")
    for (const auto& [name, colour] : states)
      if (name == value) return colour;
  uint32_t h = 2166136261u;
  for (unsigned char c : value) h = (h ^ c) * 16777619u;
  return spare[h % (sizeof spare / sizeof spare[0])];
}

}  // namespace zeekgraph::graph
