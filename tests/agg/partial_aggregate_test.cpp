#include "agg/partial_aggregate.h"

#include <cmath>

#include <gtest/gtest.h>

#include "agg/finalize.h"

namespace zeekgraph::agg {
namespace {

using zeek::cell;
using zeek::cell_kind;

cell T(std::string_view s) { return {s, cell_kind::text}; }
cell N() { return {{}, cell_kind::null}; }

}  // namespace

TEST(partial_aggregate, pandas_null_rules) {
  auto q = parse_query_spec("k", "v:min,max,size,count,nunique,sum,mean");
  ASSERT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {"v"});
  partial_aggregate p(plan);
  ASSERT_EQ(plan.inputs, (std::vector<std::string>{"k", "v"}));
  cell rows[][2] = {{T("a"), T("1")}, {T("a"), N()}, {T("a"), T("3")}, {T("b"), N()}, {N(), T("9")}};
  for (auto& r : rows) p.add_row(r);
  auto t = finalize(p);
  ASSERT_EQ(t.rows(), 2u);
  // The column has nulls, so pandas reads it as float64.
  EXPECT_EQ(t.columns[1].type, table::column_type::float64);
  EXPECT_EQ(t.columns[1].floats[0], 1.0);
  EXPECT_TRUE(std::isnan(t.columns[1].floats[1]));    // min of all-null is null
  EXPECT_EQ(t.columns[3].ints[0], 3);                 // size counts nulls
  EXPECT_EQ(t.columns[4].ints[0], 2);                 // count does not
  EXPECT_EQ(t.columns[5].ints[1], 0);                 // nunique of all-null is 0
  EXPECT_EQ(t.columns[6].floats[1], 0.0);             // sum of all-null is 0
  EXPECT_TRUE(std::isnan(t.columns[7].floats[1]));    // mean of all-null is null
  EXPECT_EQ(t.columns[7].floats[0], 2.0);
}

// A column with only min and max keeps no count: a group is empty while its
// min (from +inf) is above its max (from -inf). Infinities are values.
TEST(partial_aggregate, min_max_without_a_count) {
  auto q = parse_query_spec("k", "v:min,max");
  ASSERT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {"v"});
  partial_aggregate p(plan);
  cell rows[][2] = {{T("a"), T("inf")}, {T("b"), N()}, {T("c"), T("-inf")}, {T("c"), T("5")},
                    {T("d"), T("-0.0")}, {T("d"), T("0.0")}};
  for (auto& r : rows) p.add_row(r);
  auto t = finalize(p);
  ASSERT_EQ(t.rows(), 4u);
  ASSERT_EQ(t.columns[1].type, table::column_type::float64);
  EXPECT_EQ(t.columns[1].floats[0], HUGE_VAL);
  EXPECT_EQ(t.columns[2].floats[0], HUGE_VAL);
  EXPECT_TRUE(std::isnan(t.columns[1].floats[1]));
  EXPECT_TRUE(std::isnan(t.columns[2].floats[1]));
  EXPECT_EQ(t.columns[1].floats[2], -HUGE_VAL);
  EXPECT_EQ(t.columns[2].floats[2], 5.0);
  EXPECT_TRUE(std::signbit(t.columns[1].floats[3]));  // the first of equal values, as pandas
  EXPECT_TRUE(std::signbit(t.columns[2].floats[3]));
}

TEST(partial_aggregate, int_columns_stay_int_and_null_keys_drop) {
  auto q = parse_query_spec("k", "v:min,sum");
  ASSERT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {"v"});
  partial_aggregate p(plan);
  cell a[] = {T("x"), T("5")}, b[] = {T("x"), T("7")}, c[] = {N(), T("1")};
  EXPECT_EQ(p.add_row(a).outcome, zeek::row_outcome::used);
  EXPECT_EQ(p.add_row(b).outcome, zeek::row_outcome::used);
  EXPECT_EQ(p.add_row(c).outcome, zeek::row_outcome::null_key);
  auto t = finalize(p);
  EXPECT_EQ(t.columns[1].type, table::column_type::int64);
  EXPECT_EQ(t.columns[2].ints[0], 12);
}

TEST(partial_aggregate, required_numbers_reject_the_row) {
  auto q = parse_query_spec("k", "v:sum");
  ASSERT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {});
  partial_aggregate p(plan);
  cell a[] = {T("x"), T("abc")};
  auto v = p.add_row(a);
  EXPECT_EQ(v.outcome, zeek::row_outcome::rejected);
  EXPECT_EQ(v.bad_column, 1);
}

TEST(partial_aggregate, merge_equals_one_pass) {
  auto q = parse_query_spec("k", "v:min,max,count,nunique,sum");
  ASSERT_TRUE(q.ok());
  auto plan = aggregate_plan::make(*q, {}, {"v"});
  partial_aggregate one(plan), left(plan), right(plan);
  std::vector<std::string> keys, vals;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(std::string("k").append(std::to_string(i % 13)));
    vals.push_back(std::to_string(i % 17));
  }
  for (int i = 0; i < 1000; ++i) {
    cell r[] = {T(keys[i]), T(vals[i])};
    one.add_row(r);
    (i < 400 ? left : right).add_row(r);
  }
  left.merge_from(right);
  auto a = finalize(one), b = finalize(left);
  ASSERT_EQ(a.rows(), b.rows());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].ints, b.columns[c].ints) << c;
    EXPECT_EQ(a.columns[c].strings, b.columns[c].strings) << c;
  }
}

namespace {

// Rows of many groups (more than merge_from and finalize prefetch ahead),
// with decimals that sum exactly, a text min/max and two nunique columns.
struct wide_rows {
  std::vector<std::string> keys, nums, texts;
  explicit wide_rows(int n) {
    for (int i = 0; i < n; ++i) {
      keys.push_back("k" + std::to_string(i * 7919 % 211));
      nums.push_back(i % 23 == 0 ? "-" : std::to_string(i % 37) + "." + std::to_string(i % 4 * 25));
      texts.push_back("C" + std::to_string(i % 101));
    }
  }
  void add(partial_aggregate& p, int i) const {
    cell r[] = {T(keys[static_cast<size_t>(i)]),
                nums[static_cast<size_t>(i)] == "-" ? N() : T(nums[static_cast<size_t>(i)]),
                T(texts[static_cast<size_t>(i)])};
    p.add_row(r);
  }
};

void expect_same_table(const table::summary_table& a, const table::summary_table& b) {
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].type, b.columns[c].type) << c;
    EXPECT_EQ(a.columns[c].ints, b.columns[c].ints) << c;
    EXPECT_EQ(a.columns[c].strings, b.columns[c].strings) << c;
    EXPECT_EQ(a.columns[c].string_null, b.columns[c].string_null) << c;
    ASSERT_EQ(a.columns[c].floats.size(), b.columns[c].floats.size()) << c;
    for (size_t r = 0; r < a.columns[c].floats.size(); ++r) {
      const double x = a.columns[c].floats[r], y = b.columns[c].floats[r];
      EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << c << " row " << r << ": " << x << " " << y;
    }
  }
}

aggregate_plan wide_plan() {
  auto q = parse_query_spec("k", "v:min,max,count,nunique,sum,mean;t:min,max,nunique");
  EXPECT_TRUE(q.ok());
  return aggregate_plan::make(*q, {}, {"v"});
}

}  // namespace

TEST(partial_aggregate, merge_of_many_groups_equals_one_pass) {
  auto plan = wide_plan();
  const wide_rows rows(5000);
  partial_aggregate one(plan), left(plan), right(plan);
  for (int i = 0; i < 5000; ++i) {
    rows.add(one, i);
    rows.add(i % 3 == 0 ? left : right, i);
  }
  left.merge_from(right);
  auto a = finalize(one);
  ASSERT_EQ(a.rows(), 211u);
  expect_same_table(a, finalize(left));
}

// The engine lets an empty total take the first state whole; that is only
// right while folding a state into an empty one gives that state.
TEST(partial_aggregate, an_empty_state_folds_into_the_other) {
  auto plan = wide_plan();
  const wide_rows rows(3000);
  partial_aggregate empty(plan), full(plan), copy(plan);
  EXPECT_TRUE(empty.empty());
  for (int i = 0; i < 3000; ++i) {
    rows.add(full, i);
    rows.add(copy, i);
  }
  EXPECT_FALSE(full.empty());
  empty.merge_from(full);
  EXPECT_FALSE(empty.empty());
  expect_same_table(finalize(copy), finalize(empty));

  // A row without a key makes no group but counts in the column facts.
  partial_aggregate null_key(plan);
  cell r[] = {N(), T("1.5"), T("x")};
  EXPECT_EQ(null_key.add_row(r).outcome, zeek::row_outcome::null_key);
  EXPECT_FALSE(null_key.empty());
}

TEST(partial_aggregate, finalize_on_threads_equals_one_thread) {
  auto plan = wide_plan();
  const wide_rows rows(4000);
  partial_aggregate a(plan), b(plan);
  for (int i = 0; i < 4000; ++i) {
    rows.add(a, i);
    rows.add(b, i);
  }
  expect_same_table(finalize(a, 1), finalize(b, 3));
}

}  // namespace zeekgraph::agg
