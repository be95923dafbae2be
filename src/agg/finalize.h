// Turns the merged aggregate state into the result table: groups sorted by
// their keys (strings bytewise, numbers by value, as pandas sorts), one
// column per (column, function) with pandas' dtype and null rules.
#pragma once

#include <cstdint>

#include "agg/partial_aggregate.h"
#include "table/summary_table.h"

namespace zeekgraph::agg {

// Consumes the distinct-value pairs held in `total`.
table::summary_table finalize(partial_aggregate& total, unsigned threads = 1);

// About what finalize(total) allocates for its table: 8 bytes a number and
// 64 a text value (a std::string and its heap copy past 15 bytes), so a
// summary too big for the memory budget is refused before it is built.
uint64_t finalize_bytes(const partial_aggregate& total);

}  // namespace zeekgraph::agg
