#include "table/sort_rows.h"

#include <cmath>

#include <gtest/gtest.h>

namespace zeekgraph::table {
namespace {

summary_table sample() {
  summary_table t;
  column host{"host", column_type::string, {}, {}, {"a", "b", "c", "d", "e"}, {0, 0, 1, 0, 0}};
  column n{"n", column_type::int64, {3, 1, 3, 2, 3}, {}, {}, {}};
  column mean{"mean", column_type::float64, {}, {0.5, NAN, 2.5, -0.0, 0.0}, {}, {}};
  t.columns = {host, n, mean};
  return t;
}

std::vector<std::string> hosts(const summary_table& t) { return t.columns[0].strings; }

}  // namespace

TEST(sort_rows, parses_keys_with_spaces_and_orders) {
  auto k = parse_sort_keys("id.resp_p nunique:desc, count ,time min:asc");
  ASSERT_TRUE(k.ok());
  ASSERT_EQ(k->size(), 3u);
  EXPECT_EQ((*k)[0].column, "id.resp_p nunique");
  EXPECT_TRUE((*k)[0].descending);
  EXPECT_EQ((*k)[1].column, "count");
  EXPECT_FALSE((*k)[1].descending);
  EXPECT_EQ((*k)[2].column, "time min");
  EXPECT_FALSE(parse_sort_keys("count:down").ok());
  EXPECT_FALSE(parse_sort_keys("count,,n").ok());
}

TEST(sort_rows, descending_is_stable_and_limited) {
  auto t = sample();
  ASSERT_TRUE(sort_rows(t, {{"n", true}}, 0).ok());
  EXPECT_EQ(hosts(t), (std::vector<std::string>{"a", "c", "e", "d", "b"}));  // ties keep input order
  EXPECT_EQ(t.columns[1].ints, (std::vector<int64_t>{3, 3, 3, 2, 1}));
  EXPECT_EQ(t.columns[0].string_null, (std::vector<unsigned char>{0, 1, 0, 0, 0}));  // moves with its row
  t = sample();
  ASSERT_TRUE(sort_rows(t, {{"n", true}}, 2).ok());
  EXPECT_EQ(hosts(t), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(t.rows(), 2u);
}

TEST(sort_rows, nulls_come_last_either_way_and_zeros_tie) {
  for (bool desc : {false, true}) {
    auto t = sample();
    ASSERT_TRUE(sort_rows(t, {{"mean", desc}}, 0).ok());
    EXPECT_EQ(hosts(t).back(), "b") << desc;  // NaN last
    if (!desc) EXPECT_EQ(hosts(t), (std::vector<std::string>{"d", "e", "a", "c", "b"}));  // -0.0 and 0.0 tie
    t = sample();
    ASSERT_TRUE(sort_rows(t, {{"host", desc}}, 0).ok());
    EXPECT_EQ(hosts(t).back(), "c") << desc;  // the null text
  }
}

TEST(sort_rows, several_keys_and_unknown_columns) {
  auto t = sample();
  ASSERT_TRUE(sort_rows(t, {{"n", false}, {"host", true}}, 0).ok());
  EXPECT_EQ(hosts(t), (std::vector<std::string>{"b", "d", "e", "a", "c"}));
  auto bad = sort_rows(t, {{"count", false}}, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().message, "--sort names 'count', which the summary does not have");
  EXPECT_EQ(bad.err().hint, "its columns are: host, n, mean");
}

}  // namespace zeekgraph::table
