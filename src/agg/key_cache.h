// Maps the raw bytes of a row's group key (its key fields' texts, length
// prefixed) straight to a group id, so a row whose key was seen before
// costs one hash of its key text and one probe of one cache line, instead
// of a dictionary lookup per key column and a lookup of the id tuple.
//
// Keys live inline in 64-byte slots, up to MAX_KEY bytes; a longer key
// (IPv6 pairs, say) is not cached and takes the dictionary path. The cache
// stops taking keys past `capacity` entries, so a query with tens of
// millions of groups pays memory only for the dictionaries it needs anyway.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "util/huge_page_allocator.h"

namespace zeekgraph::agg {

class key_cache {
 public:
  static constexpr size_t MAX_KEY = 48;
  static constexpr uint32_t MISS = UINT32_MAX;

  // A key as the cache stores it: zero-padded to MAX_KEY bytes.
  struct key {
    alignas(16) unsigned char bytes[MAX_KEY];
    uint32_t len = 0;
  };

  explicit key_cache(size_t capacity = size_t{1} << 20);

  static uint64_t hash(const key& k);
  void prefetch(uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }
  // The group id stored for `k`, or MISS.
  uint32_t find(const key& k, uint64_t h) const;
  // Stores `k` -> `gid` (not present yet); a no-op once the cache is full.
  void insert(const key& k, uint64_t h, uint32_t gid);

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(slot); }

 private:
  struct alignas(64) slot {
    uint64_t hash;
    uint32_t gid;  // MISS when free
    uint32_t len;
    unsigned char bytes[MAX_KEY];
  };
  static_assert(sizeof(slot) == 64);
  void grow();

  using slot_vector = std::vector<slot, huge_page_allocator<slot>>;
  slot_vector slots_;
  size_t mask_;
  size_t size_ = 0;
  size_t capacity_;
};

}  // namespace zeekgraph::agg
