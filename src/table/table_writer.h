// Writes a summary_table as CSV exactly like pandas' DataFrame.to_csv(
// index=False) (floats as Python repr, NaN as an empty cell, minimal
// quoting), or as NDJSON with nulls and JSON numbers.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "table/summary_table.h"

namespace zeekgraph::table {

enum class table_format { csv, ndjson };

// Rows are formatted on up to `threads` threads (0: every core) and written
// in order.
void write_table(const summary_table& t, table_format f, std::ostream& out, unsigned threads = 1);

// The line write_table writes before the rows: CSV's column names; NDJSON
// has none.
std::string header_line(const summary_table& t, table_format f);
// Row `r` of `t` as write_table writes it, its line break included.
void append_row(std::string& out, const summary_table& t, size_t r, table_format f);

// One cell of a table as write_table writes it (CSV: empty for null).
void append_cell(std::string& out, const column& c, size_t row, table_format f);
// A CSV field with Python csv's minimal quoting. (JSON string literals:
// util/json_string.h.)
void append_csv_field(std::string& out, std::string_view s);

}  // namespace zeekgraph::table
