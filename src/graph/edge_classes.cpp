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

}  // namespace zeekgraph::graph
