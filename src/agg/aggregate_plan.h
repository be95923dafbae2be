// How a query_spec runs: one plan column per input or derived column, with
// the states it needs and how its values are typed. Immutable during a pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agg/memory_budget.h"
#include "agg/query_spec.h"

namespace zeekgraph::agg {

// pandas types a column from its data: all numbers -> int64/float64,
// otherwise object (strings). A pass fixes a mode per column; the
// summarizer re-runs with corrected modes when the data disagrees.
enum class value_mode : unsigned char { numeric, text };

struct column_plan {
  std::string name;
  value_mode mode = value_mode::text;
  bool numeric_required = false;  // used by sum or mean
  bool need_minmax = false, need_sum = false, need_count = false, need_nunique = false;
  int input = -1;                 // index into aggregate_plan::inputs, -1 when derived
  int left = -1, right = -1;      // derived: plan column indices of the operands
  // Keep exact int64 min/max/sum states: set when the data held integers
  // too large for float64 to carry them exactly (see numeric_acc).
  bool exact_ints = false;
  // Sum without Kahan compensation: exact, and equal to pandas' Kahan sum,
  // while every value is an integer and every sum stays below 2^52
  // (column_facts checks it). Set for Zeek's integer fields; the
  // summarizer reads the input again with Kahan sums when data breaks it.
  bool plain_sum = false;
  // nunique of a text column may keep fingerprints (see nunique_store):
  // set by a summarizer that checks values_distinct() and reads the input
  // again without them when it is false.
  bool fingerprint_nunique = false;

  // Summed with Kahan's compensation (for sum or mean): a float column.
  bool kahan_sum() const { return mode == value_mode::numeric && need_sum && !plain_sum; }
};

// A value of a Kahan-summed column, logged in row order for sum_replay.
struct sum_entry {
  double value;
  uint32_t gid;     // the group, in the logging state's numbering (sum_replay: its own)
  uint32_t column;  // plan column
};

struct aggregate_plan {
  query_spec spec;
  std::vector<std::string> inputs;   // what the reader binds, in cell order
  std::vector<column_plan> columns;  // inputs first (same order), then derived
  std::vector<int> key_columns;      // plan column per key
  // Distinct-value pairs a column keeps in memory per slice before it
  // spills them to a temporary file: small enough that the counting sort
  // at a spill finds the pairs still in cache (docs/PERFORMANCE.md,
  // "Notes moved from the headers").
  size_t nunique_memory = size_t{2} << 20;
  // Log every value of a Kahan-summed column (a float sum or mean) in row
  // order, so that sum_replay can sum them in input order across slices:
  // Kahan sums merged from slices differ from pandas' in the last bit. A
  // state then keeps none of such a column's states (count, min, max, sum)
  // in its groups' blocks; sum_replay builds them all and apply() sets them.
  bool ordered_sums = false;
  // Charged for every group a partial state adds; may be null.
  memory_budget* budget = nullptr;

  int find(const std::string& name) const;

  // Builds a plan. `text_columns` / `numeric_columns` override the initial
  // guess (known Zeek numeric fields and sum/mean columns are numeric).
  static aggregate_plan make(const query_spec& spec, const std::vector<std::string>& text_columns,
                             const std::vector<std::string>& numeric_columns);
};

}  // namespace zeekgraph::agg
