// A partial aggregate written out, read back and merged exactly: the state
// file behind `summarize --save-state` / `--merge-state` and the Dask
// shuffle (python/zeekgraph/distributed.py).
//
// A saved state holds everything finalize() needs and everything a merge
// needs to stay pandas' to the last bit:
// - the query it answers (keys, aggregates, derived columns) and the
//   --where text, so that states of different questions are refused;
// - the typing pandas' data decided for each column (numeric or text,
//   exact int64 states, plain integer sums), so that states typed apart
//   are refused rather than merged into a result no single run gives;
// - the pieces of input it read, as (path, begin, end) in input order:
//   merged states replay in that order, and overlapping or interleaved
//   pieces are refused;
// - per group: its key values, row count, numeric and text states;
// - the float values of each Kahan-summed column (float sums and means),
//   per group in input order, since pandas' Kahan sum depends on order and
//   cannot be merged from two sums; a merge replays them state by state;
// - nunique's (group, value) pairs, exact and deduplicated; or, in a
//   distributed job's map states (summarize_options::state_fingerprints),
//   8-byte fingerprints of a text column's values, sharded by value, where
//   the single-process engine would keep them (see below);
// - the facts that type each output column (nulls, decimals, big ints).
//
// A *closed* state has no more values to replay: its Kahan columns hold
// their final count, min, max and sum and its nunique columns their
// counts. Reduce tasks write them for disjoint sets of groups (one hash
// partition each), which then merge by union.
//
// Fingerprints stay exact as in the engine (agg/nunique): partition file r
// of a map state holds the fingerprints of shard r
// (nunique_store::fingerprint_shard), whatever their groups, and each
// group's null cells. Reduce r merges shard r of every map and checks it
// for two equal fingerprints. Its closed state counts each group's values
// as its rows less its nulls and says whether shard r was free of repeats
// (nunique_kind::fingerprints) or not (repeated). The counts stand only
// when every partition's shard was free of repeats: then no two values of
// the column are equal anywhere. merge_states() refuses closed states
// whose counts do not stand, and recount_columns() names the columns, so
// that a distributed job runs them again with exact pairs.
//
// Layout (little-endian; version 2):
//   "ZGSTATE\n" u32 version
//   sections, each: u32 tag, u64 payload bytes, payload, u32 crc32 of
//   tag + length + payload (zlib's crc32)
//     META (1)   the query, --where, column typing, pieces (order, path,
//                byte range), per-file line
//                counts, closed flag, partition r of R
//     FACTS (2)  per plan column: its column_facts
//     GROUPS (3) group count, then per group: key values, row count,
//                numeric states (count, min/max, sum, Kahan compensation:
//                those the plan keeps), exact int64 states, text states
//     FLOATS (4) open: per group and Kahan column, a count and its values
//                in input order; closed: count, min, max, sum
//     UNIQUE (5) per nunique column, a kind byte (nunique_kind) then,
//                open: exact: packed pairs; fingerprints: u64 count, the
//                fingerprints (u64 each; written in the order of their top
//                10 bits, which a reader checks before it relies on it),
//                each group's nulls; repeated:
//                nothing. closed: exact or fingerprints: each group's
//                count; repeated: nothing
//     END (6)    empty; a file without it was cut short
// Integers inside payloads are LEB128 varints where they count things;
// doubles are their 8 bytes. Any other byte sequence is refused with a
// message naming the file and what is wrong: never a crash (fuzzed by
// fuzz/state_file_fuzz.cpp).
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/partial_aggregate.h"
#include "table/summary_table.h"
#include "util/block_pool.h"
#include "util/result.h"

namespace zeekgraph::agg {

// 2: nunique fingerprints (the kind byte in UNIQUE).
inline constexpr uint32_t STATE_FILE_VERSION = 2;

// How a state holds one nunique column's distinct values or counts.
enum class nunique_kind : uint8_t {
  exact = 0,         // (group, value) pairs, or counts made from them
  fingerprints = 1,  // fingerprints of one shard, or counts that stand if no shard repeats
  repeated = 2,      // fingerprints that repeat, or kinds mixed: exact pairs are needed
};

// A piece of input a state read: a file, or the lines starting in
// [begin, end) of one (end = UINT64_MAX: to its end). Pieces sort by
// `order`, then path bytes, then begin. States saved apart have order 0, so
// they merge in the order a directory or glob expands in; a distributed job
// numbers its inputs as listed, as one run reads them.
struct state_piece {
  uint64_t order = 0;
  std::string path;
  uint64_t begin = 0, end = UINT64_MAX;
  auto operator<=>(const state_piece&) const = default;
};

// A file's line accounting, as the summarize report counts it.
struct state_file_counts {
  std::string path;
  uint64_t lines_read = 0, rows_used = 0, rows_rejected = 0, rows_null_key = 0, rows_filtered = 0,
           problems = 0;
};

// How one plan column was typed by the data it saw.
struct column_typing {
  std::string name;
  value_mode mode = value_mode::text;
  bool exact_ints = false, plain_sum = false;
  bool operator==(const column_typing&) const = default;
};

struct saved_state {
  query_spec spec;
  std::string where;                    // the --where text, empty for none
  std::vector<column_typing> typing;    // per plan column
  std::vector<state_piece> pieces;      // in input order
  std::vector<state_file_counts> files; // one per file read, in input order
  bool closed = false;
  uint32_t partition = 0, partitions = 1;

  // The plan the groups were built with (ordered_sums: Kahan-summed
  // columns live in `values`, or in the groups' ordered states if closed).
  std::unique_ptr<aggregate_plan> plan;
  std::unique_ptr<partial_aggregate> groups;
  // Open states: group g's values of Kahan column k (its index among the
  // plan's kahan_sum() columns), in input order, are
  // values[value_start[g * K + k] .. value_start[g * K + k + 1]).
  std::vector<uint64_t> value_start;
  std::vector<double> values;
  // Closed states: how each nunique column's counts were made, in the
  // plan's order of nunique columns (empty: all exact).
  std::vector<nunique_kind> nunique_kinds;

  saved_state();
  ~saved_state();
  saved_state(saved_state&&) noexcept;
  saved_state& operator=(saved_state&&) noexcept;
};

// nunique pairs and fingerprints a decoded state's column keeps in memory
// before it spills (aggregate_plan::nunique_memory): a merge's states are
// in memory already, as their bytes, and a reduce task's partition is
// bounded; spilling them at 2 MiB took 16% of a reduce task.
inline constexpr size_t STATE_NUNIQUE_MEMORY = size_t{256} << 20;

// The plan for `spec` with `typing` applied, as state files use it
// (ordered_sums, exact nunique pairs, STATE_NUNIQUE_MEMORY). `typing`
// empty: the initial guess.
// Errors: error_kind::usage when `typing` does not name the plan's columns.
result<std::unique_ptr<aggregate_plan>> state_plan(const query_spec& spec, const std::vector<column_typing>& typing);

// The typing of each of `plan`'s columns.
std::vector<column_typing> typing_of(const aggregate_plan& plan);

// Encodes `state` as `partitions` state files: file r holds the groups
// whose key values hash to r (every group when partitions is 1), the
// values and pairs of those groups, and the whole state's facts, pieces
// and counts (so a reducer merging one partition of every state sees the
// whole input's facts). Consumes the state's nunique pairs.
std::vector<pooled_string> encode_state(saved_state& state, uint32_t partitions = 1);

// Decodes a state file's bytes; `name` is the file's name for messages.
// `borrow`: fingerprints in partition order (as encode_state writes them)
// are read in place, not copied, so `bytes` must outlive the state and any
// state it is merged into (a reduce task's inputs).
// Errors: error_kind::corrupt for anything but a whole, valid state file of
// this version (bad magic, another version, a checksum mismatch, a cut
// file, counts past the payload, a group id out of range, an unknown
// aggregate).
result<saved_state> decode_state(std::string_view bytes, const std::string& name, bool borrow = false);

// Merges states of one query into one, in input order (by their first
// pieces). Open states merge into an open state whose per-group values are
// the concatenation in that order; closed states (disjoint groups) into a
// closed one. `close`: the result is closed (Kahan columns summed, nunique
// counted). Errors: error_kind::usage when the states answer different
// queries or --where, were typed apart (naming the column, and how to
// make them alike), overlap or interleave in the input, mix open and
// closed states, closed states share a group or lack a partition (closed
// states merge only whole: every partition of one input); error_kind::format when
// the merged data needs states a state file cannot carry (a plain integer
// sum that no longer fits float64 exactly), or closed states' nunique
// counts do not stand (recount_columns). Merged closed states' counts
// stand: their kinds are all exact.
result<saved_state> merge_states(std::vector<saved_state>&& states, bool close = false, unsigned threads = 1);

// The nunique columns of closed `states` (every partition of one job)
// whose counts do not stand: their fingerprints repeated in some shard, or
// states of both kinds met. Their job must run again with exact pairs.
std::vector<std::string> recount_columns(const std::vector<saved_state>& states);

// How closed state `st` counts nunique column `column`, the i-th of its
// plan's nunique columns: repeated when its store met a repeat; when it
// still holds fingerprints (merged, not yet written), fingerprints if they
// stand in its shard, else repeated; otherwise as its file said (exact
// when it said nothing). Checks held fingerprints on `threads`.
nunique_kind count_kind(saved_state& st, size_t i, int column, unsigned threads = 1);

// The kinds one nunique column was counted in, across the partitions of a
// job, and whether its counts stand together: none repeated, and no
// fingerprints mixed with exact pairs (recount_columns).
struct count_kinds {
  bool exact = false, fingerprints = false, repeated = false;
  void add(nunique_kind k) {
    exact = exact || k == nunique_kind::exact;
    fingerprints = fingerprints || k == nunique_kind::fingerprints;
    repeated = repeated || k == nunique_kind::repeated;
  }
  bool stand() const { return !repeated && !(exact && fingerprints); }
};

// The summary of a state (open or closed), as summarize() would build it.
// Errors: error_kind::usage for a state of one hash partition (its summary
// would lack the other partitions' groups); check_facts' as merge_states;
// error_kind::format when its nunique fingerprints repeat.
result<table::summary_table> finalize_state(saved_state& state, unsigned threads = 1);

// Reads and decodes a state file. Errors: error_kind::io when it cannot be
// read, else as decode_state.
result<saved_state> read_state_file(const std::string& path);

}  // namespace zeekgraph::agg
