// A std::allocator for big tables read at random (hash slots, per-group
// states). An array of 2 MiB or more gets its own mapping, aligned to
// 2 MiB, with a request for transparent huge pages (Debian's THP mode is
// "madvise": nothing changes unless asked). With 4 KiB pages, a random
// row's slot and state mostly missed the TLB, and a page walk in a virtual
// machine is two-dimensional; the few page walkers a core has then bound how
// many of a batch's prefetches run at once. Smaller arrays come from the heap,
// aligned to `Align`.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace zeekgraph {

template <typename T, size_t Align = alignof(T)>
struct huge_page_allocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = huge_page_allocator<U, Align>;
  };
  static constexpr size_t HUGE_PAGE = size_t{2} << 20;

  huge_page_allocator() = default;
  template <typename U>
  huge_page_allocator(const huge_page_allocator<U, Align>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < HUGE_PAGE) return static_cast<T*>(::operator new(bytes, std::align_val_t{Align}));
    // Map one huge page more than needed, then unmap the ends, so the
    // array starts on a 2 MiB boundary.
    const size_t len = round_up(bytes);
    void* raw = ::mmap(nullptr, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t at = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (at > start) ::munmap(raw, at - start);
    if (const size_t tail = start + HUGE_PAGE - at; tail) ::munmap(reinterpret_cast<void*>(at + len), tail);
    ::madvise(reinterpret_cast<void*>(at), len, MADV_HUGEPAGE);  // advice: fine if refused
    return reinterpret_cast<T*>(at);
  }
  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < HUGE_PAGE)
      ::operator delete(p, std::align_val_t{Align});
    else
      ::munmap(p, round_up(bytes));
  }
  template <typename U>
  bool operator==(const huge_page_allocator<U, Align>&) const {
    return true;
  }

 private:
  static size_t round_up(size_t bytes) { return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1); }
};

}  // namespace zeekgraph
