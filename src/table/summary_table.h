// A finished result: named, typed columns of equal length, as pandas would
// hold them (int64, float64 with NaN, or strings).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zeekgraph::table {

enum class column_type : unsigned char { int64, float64, string };

struct column {
  std::string name;
  column_type type = column_type::string;
  std::vector<int64_t> ints;
  std::vector<double> floats;       // NaN = null
  std::vector<std::string> strings;
  std::vector<unsigned char> string_null;  // per row, for string columns; empty = none null
  size_t size() const;
};

struct summary_table {
  std::vector<column> columns;
  size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const column* find(const std::string& name) const;
};

}  // namespace zeekgraph::table
