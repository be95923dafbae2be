#include "table/summary_table.h"

namespace zeekgraph::table {

size_t column::size() const {
  switch (type) {
    case column_type::int64: return ints.size();
    case column_type::float64: return floats.size();
    case column_type::string: return strings.size();
  }
  return 0;
}

const column* summary_table::find(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace zeekgraph::table
