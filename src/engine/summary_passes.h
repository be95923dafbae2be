// The summarizer's passes over the input, apart from finalize(): what
// engine::summarize() finalizes into a table, and what
// engine::summarize_state() writes as a state file. Internal to engine/.
#pragma once

#include <memory>

#include "agg/aggregate_plan.h"
#include "agg/memory_budget.h"
#include "agg/partial_aggregate.h"
#include "agg/sum_replay.h"
#include "engine/summarize.h"
#include "util/result.h"

namespace zeekgraph::engine {

struct summary_passes {
  summarize_result result;  // the table too, unless for_state
  // for_state, unless --strict stopped: the merged state of the last pass,
  // the plan and budget it refers to, and the Kahan-summed columns' values
  // in input order (null when the plan has no such column).
  std::unique_ptr<agg::aggregate_plan> plan;
  std::unique_ptr<agg::memory_budget> budget;
  std::unique_ptr<agg::partial_aggregate> total;
  std::unique_ptr<agg::sum_replay> replay;

  summary_passes() = default;
  summary_passes(summary_passes&&) = default;
  summary_passes& operator=(summary_passes&&) = default;
  ~summary_passes() {
    // The states refer to the plan and charge the budget: they go first.
    replay.reset();
    total.reset();
  }
};

// Reads the inputs as many times as typing and exactness need (see
// summarize()). for_state: every float sum's values are kept in order and
// nunique keeps exact pairs, and the state is handed back unfinalized.
// Errors: those of summarize().
result<summary_passes> run_passes(const summarize_options& opts, bool for_state);

}  // namespace zeekgraph::engine
