#include "util/block_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace zeekgraph {
namespace {

constexpr size_t MiB = size_t{1} << 20;

// The pool is the process's: each test starts and ends with none kept.
class block_pool : public ::testing::Test {
 protected:
  void SetUp() override { set_block_pool_limit(0); }
  void TearDown() override { set_block_pool_limit(0); }
};

pooled_vector<uint64_t> filled(size_t n, uint64_t seed) {
  pooled_vector<uint64_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i * seed;
  return v;
}

TEST_F(block_pool, without_a_limit_nothing_is_kept) {
  {
    auto v = filled(4 * MiB / 8, 3);
    EXPECT_EQ(v[12345], 12345u * 3);
  }
  EXPECT_EQ(block_pool_kept(), 0u);
}

TEST_F(block_pool, a_freed_block_is_handed_to_the_next_allocation_that_fits) {
  set_block_pool_limit(64 * MiB);
  const void* first;
  {
    auto v = filled(4 * MiB / 8, 3);
    first = v.data();
  }
  EXPECT_EQ(block_pool_kept(), 4 * MiB);
  auto w = filled(4 * MiB / 8, 5);
  EXPECT_EQ(static_cast<const void*>(w.data()), first);
  EXPECT_EQ(block_pool_kept(), 0u);
  for (size_t i = 0; i < w.size(); i += 4097) ASSERT_EQ(w[i], i * 5);
}

TEST_F(block_pool, a_bigger_block_is_carved_and_its_rest_kept) {
  set_block_pool_limit(64 * MiB);
  const char* first;
  {
    auto v = filled(8 * MiB / 8, 3);
    first = reinterpret_cast<const char*>(v.data());
  }
  auto a = filled(3 * MiB / 8, 5);
  EXPECT_EQ(reinterpret_cast<const char*>(a.data()), first);
  EXPECT_EQ(block_pool_kept(), 5 * MiB);
  auto b = filled(5 * MiB / 8, 7);  // the rest, whole
  EXPECT_EQ(reinterpret_cast<const char*>(b.data()), first + 3 * MiB);
  EXPECT_EQ(block_pool_kept(), 0u);
  for (size_t i = 0; i < a.size(); i += 4097) ASSERT_EQ(a[i], i * 5);
  for (size_t i = 0; i < b.size(); i += 4097) ASSERT_EQ(b[i], i * 7);
  a = pooled_vector<uint64_t>();  // pieces of one mapping go back one by one
  b = pooled_vector<uint64_t>();
  EXPECT_EQ(block_pool_kept(), 8 * MiB);
}

TEST_F(block_pool, the_smallest_block_that_fits_is_taken) {
  set_block_pool_limit(64 * MiB);
  const void* small_one;
  {
    auto big = filled(8 * MiB / 8, 1);
    auto small = filled(2 * MiB / 8, 1);
    small_one = small.data();
  }
  EXPECT_EQ(block_pool_kept(), 10 * MiB);
  auto v = filled(2 * MiB / 8, 7);
  EXPECT_EQ(static_cast<const void*>(v.data()), small_one);  // not carved from the big one
  EXPECT_EQ(block_pool_kept(), 8 * MiB);
}

TEST_F(block_pool, a_kept_block_too_small_is_grown_and_the_vector_keeps_its_values) {
  set_block_pool_limit(64 * MiB);
  { auto v = filled(2 * MiB / 8, 1); }
  pooled_vector<uint64_t> v;
  const size_t n = 9 * MiB / 8;
  for (size_t i = 0; i < n; ++i) v.push_back(i * 11);  // regrows past the kept block
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], i * 11);
  EXPECT_EQ(v.back(), (n - 1) * 11);
}

TEST_F(block_pool, pages_grown_anew_send_as_many_kept_ones_back) {
  set_block_pool_limit(64 * MiB);
  {
    auto a = filled(3 * MiB / 8, 1);
    auto b = filled(3 * MiB / 8, 2);
    auto c = filled(MiB / 8, 3);
  }
  EXPECT_EQ(block_pool_kept(), 7 * MiB);
  // Fits none: one 3 MiB block grows by 2 MiB, and 2 MiB or more of the
  // smallest others go (the 1 MiB block, then the other 3 MiB one).
  auto v = filled(5 * MiB / 8, 4);
  EXPECT_EQ(block_pool_kept(), 0u);
  for (size_t i = 0; i < v.size(); i += 4097) ASSERT_EQ(v[i], i * 4);
}

TEST_F(block_pool, blocks_past_the_limit_go_back_to_the_kernel) {
  set_block_pool_limit(5 * MiB);
  {
    auto a = filled(4 * MiB / 8, 1);
    auto b = filled(4 * MiB / 8, 2);
  }
  EXPECT_EQ(block_pool_kept(), 4 * MiB);
  set_block_pool_limit(MiB);  // lowering it lets go of what no longer fits
  EXPECT_EQ(block_pool_kept(), 0u);
}

TEST_F(block_pool, blocks_outlive_a_change_of_limit_either_way) {
  auto from_heap = filled(2 * MiB / 8, 1);  // no limit yet: the heap's
  set_block_pool_limit(64 * MiB);
  auto from_pool = filled(2 * MiB / 8, 2);
  from_heap = pooled_vector<uint64_t>();  // freed to the heap, not kept
  EXPECT_EQ(block_pool_kept(), 0u);
  set_block_pool_limit(0);
  from_pool = pooled_vector<uint64_t>();  // unmapped, not kept
  EXPECT_EQ(block_pool_kept(), 0u);
}

TEST_F(block_pool, small_allocations_never_reach_the_pool) {
  set_block_pool_limit(64 * MiB);
  { pooled_string s(POOLED_MIN_BYTES / 2, 'x'); }
  EXPECT_EQ(block_pool_kept(), 0u);
  { pooled_string s(2 * MiB, 'x'); }
  EXPECT_GE(block_pool_kept(), 2 * MiB);
}

TEST_F(block_pool, threads_take_and_give_concurrently) {
  set_block_pool_limit(32 * MiB);
  std::vector<std::thread> ts;
  for (unsigned t = 0; t < 4; ++t)
    ts.emplace_back([t] {
      for (size_t round = 0; round < 20; ++round) {
        auto v = filled((1 + (round + t) % 5) * MiB / 8, t + 1);
        for (size_t i = 0; i < v.size(); i += 997) ASSERT_EQ(v[i], i * (t + 1));
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_LE(block_pool_kept(), 32 * MiB);
}

}  // namespace
}  // namespace zeekgraph
