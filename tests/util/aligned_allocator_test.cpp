#include "util/aligned_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace zeekgraph {

TEST(aligned_allocator, every_allocation_starts_on_the_boundary) {
  std::vector<uint64_t, aligned_allocator<uint64_t, 64>> v;
  for (int i = 0; i < 5000; ++i) {
    v.push_back(static_cast<uint64_t>(i));  // reallocates as it grows
    ASSERT_EQ(reinterpret_cast<uintptr_t>(v.data()) % 64, 0u) << i;
  }
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], static_cast<uint64_t>(i));
}

}  // namespace zeekgraph
