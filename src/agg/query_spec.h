// What to summarize: group keys, and per column the aggregate functions,
// with pandas' meaning. The seed's summary is query_spec::seed().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace zeekgraph::agg {

enum class agg_fn {
  min,      // skips nulls; null when all null
  max,
  size,     // rows in the group, nulls included (pandas 'size')
  count,    // non-null values (pandas 'count')
  nunique,  // distinct non-null values
  sum,      // skips nulls; 0 when all null
  mean,     // skips nulls; null when all null
};

const char* to_string(agg_fn f);

struct agg_column {
  std::string column;
  std::vector<agg_fn> fns;
};

// A column computed per row as `left + right`, null when either is null
// (the seed's sum_bytes = orig_bytes + resp_bytes).
struct derived_column {
  std::string name, left, right;
};

struct query_spec {
  std::vector<std::string> keys;
  std::vector<agg_column> aggs;
  std::vector<derived_column> derived;
  // The seed renames 'time size' to 'count' and appends conn_state_uid,
  // the keys joined by '_'.
  bool seed_extras = false;

  // The seed's 24-column summary of a conn log.
  static query_spec seed();

  // Output column names, in order.
  std::vector<std::string> output_names() const;

  // The input columns a reader must bind, in a fixed order.
  std::vector<std::string> input_columns() const;
};

// Parses --by "a,b,c" and --agg "col:fn,fn;col2:fn;name=a+b:sum".
// Either may be empty: --by alone counts rows; --agg alone groups by the
// seed's keys. Errors (error_kind::usage) name the bad token.
result<query_spec> parse_query_spec(std::string_view by, std::string_view agg);

}  // namespace zeekgraph::agg
