// Top-N: a summary's rows ordered by some of its columns, and cut to the
// first N. The order is pandas' sort_values(by, ascending, kind="stable",
// na_position="last"): rows that tie keep their order, and nulls come
// last whichever the direction.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "table/summary_table.h"
#include "util/result.h"

namespace zeekgraph::table {

struct sort_key {
  std::string column;  // an output column's name ("id.resp_p nunique")
  bool descending = false;
};

// Parses --sort "COL[:desc|:asc][,COL[:desc|:asc]...]". Names may hold
// spaces. Errors: error_kind::usage for an empty name or an unknown order.
result<std::vector<sort_key>> parse_sort_keys(std::string_view text);

// Orders `t`'s rows by `keys` (none: as they are), then keeps the first
// `limit` rows (0: all). Errors: error_kind::usage naming a key column `t`
// does not have, with its columns as the hint.
status sort_rows(summary_table& t, const std::vector<sort_key>& keys, size_t limit);

}  // namespace zeekgraph::table
