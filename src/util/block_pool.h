// Big buffers that a long-lived process keeps for its next task.
//
// A Dask worker runs one map or reduce task after another, and each fills
// hundreds of megabytes of buffers (fingerprints, pairs, float values, the
// state files it hands over) that the last one freed. A fresh page costs a
// fault, a zeroing and a cgroup charge, several times what writing a page
// already held costs (measured in docs/PERFORMANCE.md, "Stop 27"). With a
// limit set (set_block_pool_limit), blocks of POOLED_MIN_BYTES or more that
// a pool_allocator frees are kept, up to the limit, and handed to the next
// allocation they fit (carved, or grown in place with mremap, their pages
// kept). Without one (the default: the CLI, which runs once) a
// pool_allocator is std::allocator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

namespace zeekgraph {

// glibc's mmap threshold, which Dask's workers pin (MALLOC_TRIM_THRESHOLD_):
// every block this big would be a new mapping.
inline constexpr size_t POOLED_MIN_BYTES = size_t{128} << 10;

// At most `bytes` of freed blocks kept, process-wide; 0 keeps none and
// unmaps what was kept. Blocks in use are not counted.
void set_block_pool_limit(size_t bytes);
size_t block_pool_limit();
// Bytes of freed blocks held now.
size_t block_pool_kept();

namespace detail {
// `bytes` (POOLED_MIN_BYTES or more): a kept block, a kept one grown, or a
// new one; from the heap while no limit is set.
void* pool_take(size_t bytes);
// Back to the pool, or to the heap or the kernel; `bytes` as taken.
void pool_give(void* p, size_t bytes) noexcept;
}  // namespace detail

template <typename T>
struct pool_allocator {
  using value_type = T;
  static_assert(alignof(T) <= alignof(std::max_align_t),
                "pool_allocator: over-aligned types not supported");

  pool_allocator() = default;
  template <typename U>
  pool_allocator(const pool_allocator<U>&) {}

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < POOLED_MIN_BYTES) return static_cast<T*>(::operator new(bytes));
    return static_cast<T*>(detail::pool_take(bytes));
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < POOLED_MIN_BYTES)
      ::operator delete(p);
    else
      detail::pool_give(p, bytes);
  }
  template <typename U>
  bool operator==(const pool_allocator<U>&) const {
    return true;
  }
};

template <typename T>
using pooled_vector = std::vector<T, pool_allocator<T>>;
using pooled_string = std::basic_string<char, std::char_traits<char>, pool_allocator<char>>;

}  // namespace zeekgraph
