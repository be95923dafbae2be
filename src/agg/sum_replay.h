// Sums the Kahan-summed columns (float sums and means) in input order
// across slices. pandas sums a float column with Kahan's compensated
// summation in row order. Slices read on several threads each start from
// zero, and their merged Kahan states rounded differently from pandas' in
// the last bit for about 4% of the groups (3,286 of 73,140 at 1M rows).
//
// Each slice (a whole file, a chunk, a pipelined block) logs its values in
// row order (partial_aggregate::sum_log). The thread that read the slice
// hands the log here, with the slice's place in the input. The logs are
// summed strictly in that order: a slice that finishes ahead of its turn
// waits, in memory up to a bound and in a temporary file beyond it.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/group_table.h"
#include "agg/partial_aggregate.h"
#include "agg/spill_file.h"

namespace zeekgraph::agg {

// A slice's place in the input.
struct slice_id {
  size_t item = 0;  // the summarizer's piece of work, numbered in input order
  size_t part = 0;  // the piece's blocks, in order; 0 for a whole file or a chunk
  auto operator<=>(const slice_id&) const = default;
};

class sum_replay {
 public:
  // The plan has Kahan-summed columns.
  static bool needed(const aggregate_plan& plan);

  // `items` pieces of work; slices that wait keep up to `memory` bytes of
  // values in memory. With `keep_values` the values are kept in input
  // order instead of summed, for a state file (see kept()).
  sum_replay(const aggregate_plan& plan, size_t items, size_t memory = size_t{16} << 20,
             bool keep_values = false);
  ~sum_replay();  // gives its charge back to the plan's memory budget

  // Takes what `state` logged since the last call, as the next values of
  // slice `at`; `last`: the slice has no more. Called by the thread that
  // owns `state`, from any number of threads at once.
  void take(slice_id at, partial_aggregate& state, bool last);
  // keep_values, one item: room for `factor` times the values kept so far
  // (partial_aggregate::expect_growth).
  void expect_growth(double factor);
  // Item `item` has `slices` slices (1 unless its blocks were pipelined).
  void close_item(size_t item, size_t slices);
  // Every slice of every item was summed.
  bool complete() const;
  // Values that waited in the temporary file (bytes).
  uint64_t spilled_bytes() const { return file_ ? file_->size() : 0; }

  // Sets the states of the Kahan-summed columns (count, min, max, sum) in
  // `total`'s groups (after every slice is folded in).
  void apply(partial_aggregate& total);

  // keep_values: every value, in input order, its gid in our numbering
  // (see ids_of), once complete().
  const pooled_vector<sum_entry>& kept() const { return kept_; }
  // Our group id of each of `state`'s groups; UINT32_MAX where the group
  // logged no value.
  std::vector<uint32_t> ids_of(const partial_aggregate& state);

 private:
  struct waiting {
    std::vector<pooled_vector<sum_entry>> parts;    // in memory, the oldest
    std::vector<std::pair<uint64_t, size_t>> file;  // then (offset, count) in the file
    bool done = false;
  };
  void key_of(const partial_aggregate& state, uint32_t gid);
  uint32_t id_of(const partial_aggregate& state, uint32_t gid);
  void add(const sum_entry* e, size_t n);
  void wait(waiting& w, pooled_vector<sum_entry>& log);
  void advance();

  const aggregate_plan& plan_;
  const size_t items_, memory_;
  std::vector<int> slot_;  // per plan column: index among the Kahan columns, -1 = none
  size_t width_ = 0;       // Kahan columns

  mutable std::mutex mu_;
  group_table keys_;          // a group's key values -> our group id
  std::string key_;           // scratch
  std::vector<ordered_state> sums_;  // our group id x Kahan column
  std::unordered_map<const partial_aggregate*, std::vector<uint32_t>> ids_;  // a state's ids -> ours
  slice_id next_;             // the slice whose values are summed now
  std::vector<size_t> slices_;  // per item: its slices, 0 until closed
  std::map<slice_id, waiting> waiting_;
  std::vector<pooled_vector<sum_entry>> spare_;  // emptied parts, handed back to states as logs
  size_t waiting_bytes_ = 0;
  // Bytes charged to plan_.budget: its key table and sums grow with the
  // groups (5M groups: about 0.5 GB), like the states'.
  uint64_t charged_ = 0;
  uint64_t memory_bytes() const;
  std::unique_ptr<spill_file> file_;
  const bool keep_;
  pooled_vector<sum_entry> kept_;
};

}  // namespace zeekgraph::agg
