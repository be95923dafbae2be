// A std::allocator that asks the kernel for transparent huge pages on big
// arrays. Group states, key caches and hash slots are read at random, one
// row at a time: with 4 KiB pages their 10-30 MB need thousands of TLB
// entries, so most state loads also missed the TLB. With THP in "madvise"
// mode (Debian's default) nothing changes unless we ask.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace zeekgraph {

template <typename T>
struct huge_page_allocator {
  using value_type = T;
  static constexpr size_t HUGE = size_t{2} << 20;

  huge_page_allocator() = default;
  template <typename U>
  huge_page_allocator(const huge_page_allocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < HUGE) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    void* p = nullptr;
    if (::posix_memalign(&p, HUGE, bytes) != 0) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: fine if it is refused
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < HUGE)
      ::operator delete(p, std::align_val_t{alignof(T)});
    else
      std::free(p);
  }
  template <typename U>
  bool operator==(const huge_page_allocator<U>&) const {
    return true;
  }
};

}  // namespace zeekgraph
