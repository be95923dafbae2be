#include "util/block_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace zeekgraph {
namespace {

struct block {
  void* p;
  size_t bytes;  // mapped, a multiple of the page size
};

// One per process: a worker's tasks run on threads of its own choosing.
struct pool {
  std::mutex mu;
  size_t limit = 0;
  size_t kept_bytes = 0;
  std::vector<block> kept;
  std::unordered_map<void*, size_t> mapped;  // blocks in use that the pool mapped: their size
};

pool& the_pool() {
  static pool* p = new pool;  // never destroyed: buffers may be freed after static destructors run
  return *p;
}

size_t page_round(size_t bytes) {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

void unmap(const std::vector<block>& blocks) {
  for (const block& b : blocks) ::munmap(b.p, b.bytes);
}

}  // namespace

void set_block_pool_limit(size_t bytes) {
  pool& P = the_pool();
  std::vector<block> drop;
  {
    std::lock_guard lock(P.mu);
    P.limit = bytes;
    // Drops the largest first.
    std::sort(P.kept.begin(), P.kept.end(),
              [](const block& a, const block& b) { return a.bytes < b.bytes; });
    while (P.kept_bytes > P.limit) {
      drop.push_back(P.kept.back());
      P.kept_bytes -= P.kept.back().bytes;
      P.kept.pop_back();
    }
  }
  unmap(drop);
}

size_t block_pool_limit() {
  pool& P = the_pool();
  std::lock_guard lock(P.mu);
  return P.limit;
}

size_t block_pool_kept() {
  pool& P = the_pool();
  std::lock_guard lock(P.mu);
  return P.kept_bytes;
}

namespace detail {

void* pool_take(size_t bytes) {
  pool& P = the_pool();
  const size_t want = page_round(bytes);
  std::unique_lock lock(P.mu);
  if (P.limit == 0) {
    lock.unlock();
    return ::operator new(bytes);
  }
  // The smallest kept block that holds `want`, its rest kept as a block of
  // its own (any page range of an anonymous mapping can be unmapped or
  // moved apart); else the largest, grown (its pages move with it, and only
  // the rest are new). A small buffer must not take a big one's block whole:
  // the next big buffer would find none and fault in all its pages.
  auto fit = P.kept.end(), largest = P.kept.end();
  for (auto it = P.kept.begin(); it != P.kept.end(); ++it) {
    if (it->bytes >= want && (fit == P.kept.end() || it->bytes < fit->bytes)) fit = it;
    if (largest == P.kept.end() || it->bytes > largest->bytes) largest = it;
  }
  block b{nullptr, 0};
  if (fit != P.kept.end()) {
    b = {fit->p, want};
    if (fit->bytes > want) {
      *fit = {static_cast<char*>(fit->p) + want, fit->bytes - want};
    } else {
      *fit = P.kept.back();
      P.kept.pop_back();
    }
    P.kept_bytes -= want;
  } else if (largest != P.kept.end()) {
    b = *largest;
    P.kept_bytes -= b.bytes;
    *largest = P.kept.back();
    P.kept.pop_back();
  }
  // Pages that must be new: as many kept ones go back to the kernel, the
  // smallest blocks first, so that what the process maps never passes the
  // most its buffers held at once. Kept blocks in pieces that no buffer
  // fits would otherwise pile up to the limit, job after job.
  std::vector<block> drop;
  if (b.bytes < want && !P.kept.empty()) {
    std::sort(P.kept.begin(), P.kept.end(),
              [](const block& x, const block& y) { return x.bytes > y.bytes; });
    for (size_t fresh = want - b.bytes, dropped = 0; dropped < fresh && !P.kept.empty();) {
      dropped += P.kept.back().bytes;
      P.kept_bytes -= P.kept.back().bytes;
      drop.push_back(P.kept.back());
      P.kept.pop_back();
    }
  }
  lock.unlock();
  unmap(drop);
  if (b.p && b.bytes < want) {
    void* grown = ::mremap(b.p, b.bytes, want, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) {
      ::munmap(b.p, b.bytes);
      b.p = nullptr;
    } else {
      b = {grown, want};
    }
  }
  if (!b.p) {
    void* p = ::mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    b = {p, want};
  }
  lock.lock();
  try {
    P.mapped.emplace(b.p, b.bytes);
  } catch (...) {
    ::munmap(b.p, b.bytes);
    throw;
  }
  return b.p;
}

void pool_give(void* p, size_t bytes) noexcept {
  (void)bytes;
  pool& P = the_pool();
  std::unique_lock lock(P.mu);
  const auto it = P.mapped.find(p);
  if (it == P.mapped.end()) {  // taken from the heap, while no limit was set
    lock.unlock();
    ::operator delete(p);
    return;
  }
  const block b{p, it->second};
  P.mapped.erase(it);
  if (P.kept_bytes + b.bytes <= P.limit) {
    try {
      P.kept.push_back(b);
      P.kept_bytes += b.bytes;
      return;
    } catch (const std::bad_alloc&) {
    }
  }
  lock.unlock();
  ::munmap(b.p, b.bytes);
}

}  // namespace detail
}  // namespace zeekgraph
