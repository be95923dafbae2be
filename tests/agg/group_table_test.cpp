#include "agg/group_table.h"

#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::agg {

TEST(group_table, dense_ids_and_lookup_after_growth) {
  group_table t;
  for (int i = 0; i < 100000; ++i) EXPECT_EQ(t.find_or_add("key" + std::to_string(i)), static_cast<uint32_t>(i));
  EXPECT_EQ(t.size(), 100000u);
  for (int i = 0; i < 100000; i += 997) EXPECT_EQ(t.find_or_add("key" + std::to_string(i)), static_cast<uint32_t>(i));
  EXPECT_EQ(t.key(42), "key42");
  EXPECT_EQ(t.size(), 100000u);
}

TEST(group_table, empty_and_binary_keys) {
  group_table t;
  std::string a("\0\0\1", 3), b("\0\0\2", 3);
  uint32_t e = t.find_or_add("");
  EXPECT_NE(t.find_or_add(a), t.find_or_add(b));
  EXPECT_EQ(t.find_or_add(""), e);
}

}  // namespace zeekgraph::agg
