// A list flag's items: "a,b,,c" split at `sep`, empty items dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zeekgraph {

inline std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) p = s.size();
    if (p > start) out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
  return out;
}

}  // namespace zeekgraph
