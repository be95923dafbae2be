// A std::allocator that aligns every allocation to `Align` bytes, so a
// vector of per-group states can start on a cache line and each state's
// lines are known from its index alone.
#pragma once

#include <cstddef>
#include <new>

namespace zeekgraph {

template <typename T, size_t Align>
struct aligned_allocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = aligned_allocator<U, Align>;
  };
  aligned_allocator() = default;
  template <typename U>
  aligned_allocator(const aligned_allocator<U, Align>&) {}

  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{Align})); }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t{Align}); }
  template <typename U>
  bool operator==(const aligned_allocator<U, Align>&) const { return true; }
};

}  // namespace zeekgraph
