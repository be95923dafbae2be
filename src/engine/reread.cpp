#include "engine/reread.h"

#include <algorithm>

namespace zeekgraph::engine {

pass_verdict judge_pass(const agg::aggregate_plan& plan, agg::partial_aggregate& total, const pass_facts& f,
                        pass_state& st) {
  auto listed = [](const std::vector<std::string>& v, const std::string& n) {
    return std::find(v.begin(), v.end(), n) != v.end();
  };
  // pandas types each column by its data. When ours was typed otherwise
  // (a non-number in a column taken as numeric, or numbers only in one
  // taken as text) read again with the data's type.
  bool again = false;
  bool order_lost = !f.sums_in_order;
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const auto& cp = plan.columns[c];
    const auto& facts = total.facts(c);
    if (cp.mode == agg::value_mode::numeric && (cp.need_minmax || cp.need_sum) && !cp.exact_ints &&
        facts.reads_as_int() && !facts.ints_exact_in_double()) {
      st.exact_ints.push_back(cp.name);  // integers past 2^53: read again with exact states
      again = true;
    }
    if (cp.mode == agg::value_mode::numeric && cp.need_sum && cp.plain_sum &&
        (facts.float_text > 0 || !facts.ints_exact_in_double())) {
      st.kahan_sums.push_back(cp.name);  // not all small integers: read again with Kahan sums
      again = true;
    }
    if (cp.fingerprint_nunique && !f.stopped && !f.distinct_checked_later &&
        !total.distinct(c).values_distinct(f.threads)) {
      st.exact_nunique.push_back(cp.name);  // a value repeats: read again with exact pairs
      again = true;
    }
    // pandas keeps the first of equal values, so a float min or max of
    // zero has the sign of the first zero in row order. Slices read apart
    // (and a thread's pieces, taken largest first) cannot tell which came
    // first, unless sum_replay kept the column in order.
    if (f.read_apart && cp.mode == agg::value_mode::numeric && cp.need_minmax &&
        !(plan.ordered_sums && cp.kahan_sum()) && !facts.reads_as_int() && facts.negative_zeros > 0)
      order_lost = true;
    if (cp.numeric_required) continue;
    if (cp.mode == agg::value_mode::numeric && facts.not_numeric > 0) {
      st.as_text.push_back(cp.name);
      again = true;
    } else if (cp.mode == agg::value_mode::text && facts.values > 0 && facts.not_numeric == 0 &&
               !listed(f.force_text, cp.name)) {
      st.as_numeric.push_back(cp.name);
      again = true;
    }
  }
  // Results pandas gets from rows in input order, which states read
  // apart could not keep: the Kahan sums of a file read again alone, and
  // the sign of a zero min or max. One thread reads the rows in order;
  // stdin cannot be read again, so then the result says so instead.
  if (!again && !f.stopped && !st.sequential && order_lost) {
    if (f.rereadable) {
      st.sequential = true;
      return pass_verdict::in_order;
    }
    st.unordered = true;
  }
  // A file read in chunks that shrank during the pass: read it all again
  // (once), which takes exactly the lines before its new end at any -j.
  if (f.chunked_shrank && f.rereadable && !st.shrank_reread && !f.stopped) {
    st.shrank_reread = true;
    again = true;
  }
  if (again && f.pass < MAX_RETYPING_PASSES && !f.stopped)
    return f.rereadable ? pass_verdict::read_again : pass_verdict::stdin_twice;
  return pass_verdict::done;
}

}  // namespace zeekgraph::engine
