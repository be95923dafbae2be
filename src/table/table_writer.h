// Writes a summary_table as CSV exactly like pandas' DataFrame.to_csv(
// index=False) (floats as Python repr, NaN as an empty cell, minimal
// quoting), or as NDJSON with nulls and JSON numbers.
#pragma once

#include <ostream>

#include "table/summary_table.h"

namespace zeekgraph::table {

enum class table_format { csv, ndjson };

void write_table(const summary_table& t, table_format f, std::ostream& out);

}  // namespace zeekgraph::table
