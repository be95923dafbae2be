#include "util/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace zeekgraph {

TEST(huge_page_allocator, small_allocations_start_on_the_requested_boundary) {
  std::vector<uint64_t, huge_page_allocator<uint64_t, 64>> v;
  for (int i = 0; i < 5000; ++i) {
    v.push_back(static_cast<uint64_t>(i));  // reallocates as it grows
    ASSERT_EQ(reinterpret_cast<uintptr_t>(v.data()) % 64, 0u) << i;
  }
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], static_cast<uint64_t>(i));
}

TEST(huge_page_allocator, big_arrays_start_on_a_huge_page_and_keep_their_values_as_they_grow) {
  std::vector<uint64_t, huge_page_allocator<uint64_t, 64>> v;
  const size_t n = (size_t{9} << 20) / 8;  // 9 MiB: crosses the threshold, several huge pages
  for (size_t i = 0; i < n; ++i) {
    v.push_back(i * 7);
    if (v.capacity() * 8 >= (size_t{2} << 20)) {
      ASSERT_EQ(reinterpret_cast<uintptr_t>(v.data()) % (size_t{2} << 20), 0u) << i;
    }
  }
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], i * 7);
  EXPECT_EQ(v.back(), (n - 1) * 7);
  v.clear();
  v.shrink_to_fit();  // gives the mapping back
  EXPECT_EQ(v.capacity(), 0u);
}

TEST(huge_page_allocator, an_exact_multiple_of_the_huge_page_is_usable_to_its_last_byte) {
  huge_page_allocator<char> a;
  const size_t n = size_t{4} << 20;
  char* p = a.allocate(n);
  p[0] = 1;
  p[n - 1] = 2;
  EXPECT_EQ(p[0] + p[n - 1], 3);
  a.deallocate(p, n);
}

}  // namespace zeekgraph
