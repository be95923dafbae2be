// The one place that decides whether summarize() reads its input again.
// A pass types each column by a guess and keeps states that assume what it
// has seen so far; pandas types by the whole column and reads rows in input
// order. After each pass, judge_pass() compares the pass's facts with what
// its states assumed and says how the next pass must read, if at all.
#pragma once

#include <string>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/partial_aggregate.h"

namespace zeekgraph::engine {

// What the pass runner saw, besides the states.
struct pass_facts {
  bool rereadable = true;     // no stdin among the inputs
  bool stopped = false;       // --strict stopped the pass
  bool sums_in_order = true;  // the Kahan sums are pandas' (no chunked file read again alone)
  bool read_apart = false;    // rows met in different states
  bool chunked_shrank = false;  // a file read in chunks shrank during the pass
  unsigned pass = 1;          // 1-based
  unsigned threads = 1;
  // A distributed job's map state: its reduces check the fingerprints of
  // every piece, this one's included, so a repeat here is found there (and
  // the job runs again with exact pairs) without a check of its own.
  bool distinct_checked_later = false;
  const std::vector<std::string>& force_text;  // the caller's text columns: never made numeric
};

// How the passes read, carried from pass to pass; judge_pass adds to it.
// (References to the pass loop's own variables.)
struct pass_state {
  std::vector<std::string>& as_text;        // read as text: a non-number was met
  std::vector<std::string>& as_numeric;     // read as numbers: every value is one
  std::vector<std::string>& exact_ints;     // integers past 2^53
  std::vector<std::string>& kahan_sums;     // not all small integers
  std::vector<std::string>& exact_nunique;  // a distinct value's fingerprint repeats
  bool& sequential;     // one thread reads every row in input order
  bool& unordered;      // order was lost and stdin cannot be read again: the result says so
  bool& shrank_reread;  // a shrunk chunked file was read again (once)
};

enum class pass_verdict {
  done,         // the pass's states are the answer
  read_again,   // with the columns retyped or their states made exact
  in_order,     // on one thread, every row in input order
  stdin_twice,  // a column must be retyped, and stdin cannot be read again
};

// At most this many passes retype; the last one's states stand.
inline constexpr unsigned MAX_RETYPING_PASSES = 4;

// Throws agg::spill_error when checking distinct values reads a spill file
// that fails.
pass_verdict judge_pass(const agg::aggregate_plan& plan, agg::partial_aggregate& total, const pass_facts& facts,
                        pass_state& state);

}  // namespace zeekgraph::engine
