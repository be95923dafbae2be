#include "agg/sum_replay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/scoped_env.h"

#include "agg/finalize.h"

namespace zeekgraph::agg {
namespace {

using zeek::cell;
using zeek::cell_kind;

struct row {
  std::string key, value;  // value "" = null
};

// Values whose Kahan sums depend on the order of the rows and on where a
// run of them starts: mixed magnitudes and signs (a small value between
// +1e16 and -1e16 is lost or kept by order), decimals not exact in binary.
std::vector<row> make_rows(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<row> rows;
  const double scales[] = {1e-3, 1.0, 1e7, 1e15, 3e16};
  for (size_t i = 0; i < n; ++i) {
    row r;
    r.key = "g" + std::to_string(rng() % 7);
    if (rng() % 10 != 0) {
      double v = static_cast<double>(rng() % 1000000) / 1000.0 * scales[rng() % 5];
      if (rng() % 4 == 0) v = rng() % 2 ? 1e16 : -1e16;
      if (rng() % 3 == 0) v = -v;
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v);
      r.value = buf;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

void feed(partial_aggregate& p, const std::vector<row>& rows, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    cell c[2] = {{rows[i].key, cell_kind::text},
                 rows[i].value.empty() ? cell{{}, cell_kind::null} : cell{rows[i].value, cell_kind::text}};
    p.add_row(c);
  }
}

aggregate_plan make_plan(bool ordered) {
  auto q = parse_query_spec("k", "v:sum,mean,min,max,count");
  EXPECT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {"v"});
  plan.ordered_sums = ordered;
  return plan;
}

// Every number of the table (sums, means, min, max, counts), bit for bit.
std::vector<uint64_t> bits_of(const table::summary_table& t) {
  std::vector<uint64_t> out;
  for (const auto& c : t.columns) {
    for (double d : c.floats) {
      uint64_t b;
      std::memcpy(&b, &d, 8);
      out.push_back(b);
    }
    for (int64_t i : c.ints) out.push_back(static_cast<uint64_t>(i));
  }
  return out;
}

table::summary_table one_state(const std::vector<row>& rows) {
  auto plan = make_plan(false);
  partial_aggregate p(plan);
  feed(p, rows, 0, rows.size());
  return finalize(p);
}

}  // namespace

// Six slices read by two states, handed on out of order and in pieces:
// the sums are one state's, read in row order. Merged Kahan states' are
// not (the check that the data tells the two apart).
TEST(sum_replay, slices_are_summed_in_input_order_whatever_order_they_finish_in) {
  const auto rows = make_rows(6000, 1);
  const auto expected = bits_of(one_state(rows));

  // Slice i is rows [1000 i, 1000 i + 1000); a reads the even ones, b the
  // odd. Merged Kahan states differ from one state's sums.
  auto merged_plan = make_plan(false);
  partial_aggregate ma(merged_plan), mb(merged_plan);
  for (size_t i = 0; i < 6; ++i) feed(i % 2 ? mb : ma, rows, 1000 * i, 1000 * i + 1000);
  ma.merge_from(mb);
  EXPECT_NE(bits_of(finalize(ma)), expected);

  auto plan = make_plan(true);
  ASSERT_TRUE(sum_replay::needed(plan));
  sum_replay replay(plan, 6);
  partial_aggregate a(plan), b(plan);
  for (size_t i : {1, 0, 3, 2, 5, 4}) {
    partial_aggregate& s = i % 2 ? b : a;
    feed(s, rows, 1000 * i, 1000 * i + 400);
    replay.take({i, 0}, s, false);  // a first piece
    feed(s, rows, 1000 * i + 400, 1000 * i + 1000);
    replay.take({i, 0}, s, true);
    EXPECT_FALSE(replay.complete());
    replay.close_item(i, 1);
  }
  EXPECT_TRUE(replay.complete());
  a.merge_from(b);
  replay.apply(a);
  EXPECT_EQ(bits_of(finalize(a)), expected);
  EXPECT_EQ(replay.spilled_bytes(), 0u);
}

// With no memory to wait in, slices ahead of their turn wait in the
// temporary file, and an item of several blocks is summed block by block.
TEST(sum_replay, waiting_slices_go_to_the_file_and_come_back_in_order) {
  const auto rows = make_rows(9000, 2);
  const auto expected = bits_of(one_state(rows));

  auto plan = make_plan(true);
  sum_replay replay(plan, 2, 0);
  partial_aggregate a(plan), b(plan), c(plan);
  // Item 0: three blocks of 2000 rows, finishing last to first, on a and b.
  // Item 1: one slice of 3000 rows on c, finishing first.
  feed(c, rows, 6000, 7000);
  replay.take({1, 0}, c, false);
  feed(c, rows, 7000, 9000);
  replay.take({1, 0}, c, true);
  replay.close_item(1, 1);
  feed(a, rows, 4000, 6000);
  replay.take({0, 2}, a, true);
  feed(b, rows, 2000, 4000);
  replay.take({0, 1}, b, true);
  EXPECT_GT(replay.spilled_bytes(), 0u);
  feed(a, rows, 0, 2000);
  replay.take({0, 0}, a, true);
  EXPECT_FALSE(replay.complete());  // item 0 may have more blocks until it is closed
  replay.close_item(0, 3);
  EXPECT_TRUE(replay.complete());
  a.merge_from(b);
  a.merge_from(c);
  replay.apply(a);
  EXPECT_EQ(bits_of(finalize(a)), expected);
}

// Random cuts into items and blocks, random states, random hand-over
// points and finishing orders, and a random memory bound: always one
// state's sums, count, min and max, bit for bit.
TEST(sum_replay, random_pieces_in_random_order_give_one_states_result) {
  const auto rows = make_rows(6000, 4);
  const auto expected = bits_of(one_state(rows));
  auto plan = make_plan(true);
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    // Cut the rows into items, and each item into 1-4 blocks.
    struct piece {
      size_t item, block, begin, end;
    };
    std::vector<piece> pieces;
    std::vector<size_t> blocks;
    for (size_t at = 0; at < rows.size();) {
      const size_t item = blocks.size(), n = 1 + rng() % 4;
      for (size_t b = 0; b < n && at < rows.size(); ++b) {
        const size_t end = std::min(rows.size(), at + 1 + rng() % 1000);
        pieces.push_back({item, b, at, end});
        at = end;
      }
      blocks.push_back(pieces.back().item == item ? pieces.back().block + 1 : 0);
    }
    std::shuffle(pieces.begin(), pieces.end(), rng);
    sum_replay replay(plan, blocks.size(), rng() % 2 ? 0 : size_t{1} << (rng() % 20));
    std::vector<std::unique_ptr<partial_aggregate>> states;
    for (int i = 0; i < 3; ++i) states.push_back(std::make_unique<partial_aggregate>(plan));
    std::vector<size_t> left = blocks;
    for (const piece& p : pieces) {
      partial_aggregate& s = *states[rng() % states.size()];
      const size_t mid = p.begin + rng() % (p.end - p.begin + 1);
      feed(s, rows, p.begin, mid);
      if (rng() % 2) replay.take({p.item, p.block}, s, false);
      feed(s, rows, mid, p.end);
      replay.take({p.item, p.block}, s, true);
      if (--left[p.item] == 0) replay.close_item(p.item, blocks[p.item]);
    }
    ASSERT_TRUE(replay.complete()) << trial;
    for (size_t i = 1; i < states.size(); ++i) states[0]->merge_from(*states[i]);
    replay.apply(*states[0]);
    ASSERT_EQ(bits_of(finalize(*states[0])), expected) << "trial " << trial;
  }
}

// A group with no value in the column keeps the sum of nothing (0), a
// null mean, min and max, and a count of 0, as pandas.
TEST(sum_replay, a_group_without_values_keeps_zero) {
  auto plan = make_plan(true);
  sum_replay replay(plan, 1);
  partial_aggregate p(plan);
  std::vector<row> rows = {{"a", "1.5"}, {"b", ""}, {"a", "0.1"}};
  feed(p, rows, 0, rows.size());
  replay.take({0, 0}, p, true);
  replay.close_item(0, 1);
  replay.apply(p);
  auto t = finalize(p);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns[1].floats[0], 1.6);
  EXPECT_EQ(t.columns[1].floats[1], 0.0);
  EXPECT_TRUE(std::isnan(t.columns[2].floats[1]));
  EXPECT_EQ(t.columns[3].floats[0], 0.1);  // min
  EXPECT_EQ(t.columns[4].floats[0], 1.5);  // max
  EXPECT_TRUE(std::isnan(t.columns[3].floats[1]));
  EXPECT_TRUE(std::isnan(t.columns[4].floats[1]));
  EXPECT_EQ(t.columns[5].ints[0], 2);  // count
  EXPECT_EQ(t.columns[5].ints[1], 0);
}

// A slice that must wait in the file, with no directory to make it in:
// spill_error, which the summarizer reports as an I/O error with a hint.
TEST(sum_replay, a_file_that_cannot_be_made_throws_spill_error) {
  const auto rows = make_rows(2000, 3);
  auto plan = make_plan(true);
  sum_replay replay(plan, 2, 0);
  partial_aggregate p(plan);
  feed(p, rows, 1000, 2000);
  test::scoped_env tmpdir("TMPDIR", "/nonexistent/zeekgraph-test");
  EXPECT_THROW(replay.take({1, 0}, p, true), spill_error);
}

TEST(sum_replay, integer_sums_need_no_replay) {
  auto q = parse_query_spec("k", "orig_bytes:sum;v:min,max");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(sum_replay::needed(aggregate_plan::make(*q, {}, {"v"})));
}

}  // namespace zeekgraph::agg
