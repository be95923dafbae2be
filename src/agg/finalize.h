// Turns the merged aggregate state into the result table: groups sorted by
// their keys (strings bytewise, numbers by value, as pandas sorts), one
// column per (column, function) with pandas' dtype and null rules.
#pragma once

#include "agg/partial_aggregate.h"
#include "table/summary_table.h"

namespace zeekgraph::agg {

// Consumes the distinct-value pairs held in `total`.
table::summary_table finalize(partial_aggregate& total, unsigned threads = 1);

}  // namespace zeekgraph::agg
