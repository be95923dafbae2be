#include "engine/work_order.h"

#include <gtest/gtest.h>

namespace zeekgraph::engine {

TEST(work_order, starts_the_biggest_pieces_first_and_keeps_ties_in_order) {
  EXPECT_EQ(largest_first({10, 40, 20, 40, 30}, 2), (std::vector<size_t>{1, 3, 4, 2, 0}));
  EXPECT_EQ(largest_first({5, 5, 5}, 4), (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(largest_first({}, 2).empty());
}

TEST(work_order, one_thread_keeps_input_order) {
  EXPECT_EQ(largest_first({10, 40, 20}, 1), (std::vector<size_t>{0, 1, 2}));
}

}  // namespace zeekgraph::engine
