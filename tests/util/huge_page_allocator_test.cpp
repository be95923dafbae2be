#include "util/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace zeekgraph {

TEST(huge_page_allocator, small_and_big_vectors_hold_their_values_and_alignment) {
  struct alignas(64) line {
    uint64_t v[8];
  };
  for (size_t n : {size_t{3}, size_t{100000}}) {  // 192 bytes and 6.4 MB
    std::vector<line, huge_page_allocator<line>> a(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
    for (size_t i = 0; i < n; ++i) a[i].v[7] = i;
    a.resize(n * 2);  // moves into a new allocation
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(a[i].v[7], i);
  }
}

}  // namespace zeekgraph
