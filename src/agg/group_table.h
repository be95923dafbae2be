// Maps key bytes to a dense id, 0, 1, 2, ... Open addressing with linear
// probing. Keys of up to 16 bytes (an IPv4 address, a conn_state, a tuple
// of dictionary ids) live in the slot itself, so a lookup touches one
// cache line and never calls memcmp; longer keys compare against the arena.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "util/huge_page_allocator.h"

namespace zeekgraph::agg {

class group_table {
 public:
  group_table();

  // Returns the id of `key`, adding it when new.
  uint32_t find_or_add(std::string_view key) { return find_or_add(key, hash(key)); }
  uint32_t find_or_add(std::string_view key, uint64_t hash);

  size_t size() const { return offsets_.size(); }
  // Starts loading the slot `hash` probes first.
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  std::string_view key(uint32_t id) const {
    return {arena_.data() + offsets_[id], lengths_[id]};
  }
  size_t memory_bytes() const;

  static uint64_t hash(std::string_view key);

 private:
  void grow();

  struct slot {
    uint64_t hash;
    uint32_t id;   // EMPTY when free
    uint32_t len;
    uint64_t w0, w1;  // the key when len <= 16, zero padded
  };
  using slot_vector = std::vector<slot, huge_page_allocator<slot>>;
  slot_vector slots_;
  size_t mask_;
  std::vector<char> arena_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> lengths_;
};

}  // namespace zeekgraph::agg
