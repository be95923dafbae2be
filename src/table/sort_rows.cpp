#include "table/sort_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zeekgraph::table {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_null(const column& c, size_t r) {
  switch (c.type) {
    case column_type::int64: return false;
    case column_type::float64: return std::isnan(c.floats[r]);
    case column_type::string: return !c.string_null.empty() && c.string_null[r];
  }
  return false;
}

// -1, 0 or 1 for two non-null values.
int compare(const column& c, size_t a, size_t b) {
  switch (c.type) {
    case column_type::int64: return c.ints[a] < c.ints[b] ? -1 : c.ints[a] > c.ints[b];
    case column_type::float64: return c.floats[a] < c.floats[b] ? -1 : c.floats[a] > c.floats[b];
    case column_type::string: {
      const int r = c.strings[a].compare(c.strings[b]);  // bytes: UTF-8 keeps code point order
      return r < 0 ? -1 : r > 0;
    }
  }
  return 0;
}

template <typename T>
void permute(std::vector<T>& v, const std::vector<size_t>& order) {
  if (v.empty()) return;
  std::vector<T> out;
  out.reserve(order.size());
  for (size_t r : order) out.push_back(std::move(v[r]));
  v = std::move(out);
}

}  // namespace

result<std::vector<sort_key>> parse_sort_keys(std::string_view text) {
  std::vector<sort_key> keys;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    sort_key k;
    if (size_t colon = part.rfind(':'); colon != std::string_view::npos) {
      std::string_view order = trim(part.substr(colon + 1));
      if (order == "desc")
        k.descending = true;
      else if (order != "asc")
        return error{error_kind::usage, "--sort order '" + std::string(order) + "' is neither asc nor desc",
                     "write --sort 'column:desc,other column'"};
      part = trim(part.substr(0, colon));
    }
    if (part.empty()) return error{error_kind::usage, "--sort has an empty column name", "write --sort 'column:desc'"};
    k.column = std::string(part);
    keys.push_back(std::move(k));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return keys;
}

status sort_rows(summary_table& t, const std::vector<sort_key>& keys, size_t limit) {
  std::vector<const column*> by;
  for (const auto& k : keys) {
    const column* c = t.find(k.column);
    if (!c) {
      std::string names;
      for (const auto& col : t.columns) names += (names.empty() ? "" : ", ") + col.name;
      return error{error_kind::usage, "--sort names '" + k.column + "', which the summary does not have",
                   "its columns are: " + names};
    }
    by.push_back(c);
  }
  const size_t rows = t.rows();
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), size_t{0});
  if (!by.empty())
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      for (size_t i = 0; i < by.size(); ++i) {
        const column& c = *by[i];
        const bool na = is_null(c, a), nb = is_null(c, b);
        if (na || nb) {
          if (na && nb) continue;
          return nb;  // nulls last, in either direction
        }
        int r = compare(c, a, b);
        if (r != 0) return keys[i].descending ? r > 0 : r < 0;
      }
      return false;
    });
  if (limit && limit < order.size()) order.resize(limit);
  for (auto& c : t.columns) {
    permute(c.ints, order);
    permute(c.floats, order);
    permute(c.strings, order);
    permute(c.string_null, order);
  }
  return ok_status();
}

}  // namespace zeekgraph::table
