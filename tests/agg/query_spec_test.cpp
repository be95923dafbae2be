#include "agg/query_spec.h"

#include <gtest/gtest.h>

#include "agg/aggregate_plan.h"

namespace zeekgraph::agg {

TEST(query_spec, seed_has_the_24_columns_in_order) {
  auto names = query_spec::seed().output_names();
  ASSERT_EQ(names.size(), 24u);
  EXPECT_EQ(names[0], "id.orig_h");
  EXPECT_EQ(names[3], "time min");
  EXPECT_EQ(names[5], "count");
  EXPECT_EQ(names[6], "id.resp_p nunique");
  EXPECT_EQ(names[7], "uid nunique");
  EXPECT_EQ(names[22], "sum_bytes mean");
  EXPECT_EQ(names[23], "conn_state_uid");
}

TEST(query_spec, empty_options_mean_the_seed) {
  auto q = parse_query_spec("", "");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->seed_extras);
}

TEST(query_spec, by_and_agg) {
  auto q = parse_query_spec("id.orig_h, id.resp_p", "duration:min,max,mean;uid:nunique");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->keys, (std::vector<std::string>{"id.orig_h", "id.resp_p"}));
  ASSERT_EQ(q->aggs.size(), 2u);
  EXPECT_EQ(q->aggs[0].fns.size(), 3u);
  EXPECT_FALSE(q->seed_extras);
  EXPECT_EQ(q->output_names().back(), "uid nunique");
}

TEST(query_spec, derived_columns) {
  auto q = parse_query_spec("proto", "total=orig_bytes+resp_bytes:sum");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->derived.size(), 1u);
  EXPECT_EQ(q->derived[0].left, "orig_bytes");
  auto inputs = q->input_columns();
  EXPECT_EQ(inputs, (std::vector<std::string>{"proto", "orig_bytes", "resp_bytes"}));
}

TEST(query_spec, errors_name_the_bad_token) {
  auto a = parse_query_spec("", "duration:median");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.err().kind, error_kind::usage);
  EXPECT_NE(a.err().message.find("median"), std::string::npos);
  auto b = parse_query_spec("", "duration");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.err().message.find("no ':'"), std::string::npos);
  EXPECT_FALSE(parse_query_spec("a,,b", "").ok());
  EXPECT_FALSE(parse_query_spec("a,a", "").ok());
  EXPECT_FALSE(parse_query_spec("", "x=a:sum").ok());
  // Found by the fuzzer: a derived column that uses itself.
  EXPECT_FALSE(parse_query_spec("", "t=t+s:count").ok());
  EXPECT_FALSE(parse_query_spec("", "a=b+c:sum;d=a+b:sum").ok());
  EXPECT_FALSE(parse_query_spec("a", "a=b+c:sum").ok());
}

// Found by the fuzzer with library coverage: the seed's sum_bytes, added
// when a query aggregates it, was added after the derived columns were
// checked, so one could use it as an operand, and the plan then looked it
// up among the input columns (index -1).
TEST(query_spec, the_seeds_derived_column_is_checked_like_the_users) {
  auto used = parse_query_spec("", "t=duration+sum_bytes:sum;sum_bytes:sum");
  ASSERT_FALSE(used.ok());
  EXPECT_NE(used.err().message.find("uses the derived column 'sum_bytes'"), std::string::npos) << used.err().message;
  EXPECT_FALSE(parse_query_spec("sum_bytes", "sum_bytes:sum").ok());  // a key and a derived column
  // Not aggregated, sum_bytes is a column of the log like any other.
  auto operand = parse_query_spec("", "t=duration+sum_bytes:sum");
  ASSERT_TRUE(operand.ok());
  EXPECT_EQ(operand->derived.size(), 1u);
  auto plan = aggregate_plan::make(*operand, {}, {});
  for (const auto& c : plan.columns) {
    if (c.input >= 0) continue;
    EXPECT_GE(c.left, 0);
    EXPECT_GE(c.right, 0);
  }
}

}  // namespace zeekgraph::agg
