// Maps a group's encoded key bytes to a dense group id, 0, 1, 2, ...
// Open addressing with linear probing; keys live in one arena.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace zeekgraph::agg {

class group_table {
 public:
  group_table();

  // Returns the id of `key`, adding it when new.
  uint32_t find_or_add(std::string_view key);
  uint32_t find_or_add(std::string_view key, uint64_t hash);

  size_t size() const { return offsets_.size(); }
  std::string_view key(uint32_t gid) const {
    return {arena_.data() + offsets_[gid], lengths_[gid]};
  }
  size_t memory_bytes() const;

  static uint64_t hash(std::string_view key);

 private:
  void grow();

  struct slot {
    uint64_t hash;
    uint32_t gid;  // UINT32_MAX = empty
  };
  std::vector<slot> slots_;
  size_t mask_;
  std::vector<char> arena_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> lengths_;
};

}  // namespace zeekgraph::agg
