// Exact distinct counting per group. Each (group, value) pair is stored
// packed, in the narrowest of four lossless layouts chosen by the value
// alone, so equal values always meet in the same layout:
//   8 bytes  whole numbers in [0, 2^32) (ports) with the group id;
//   16 bytes [0-9A-Za-z] strings of up to 18 characters (Zeek uids), for
//            group ids below 2^20;
//   24 bytes anything else that packs into 128 bits;
//   a string otherwise.
// Pairs are appended to one of 1,024 partitions chosen by a hash of the
// value alone (so equal values meet, whatever their group ids become after
// a merge). Counting then dedupes one partition at a time in a hash set
// that fits in L2, on several threads. An earlier version sorted all pairs
// after an in-place hash partition; its random swaps cost a cache miss per
// pair and made nunique the largest cost of the seed query. Memory is the
// pairs themselves: 8 + 16 bytes a row for the seed's two nunique columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agg/number.h"

namespace zeekgraph::agg {

class nunique_store {
 public:
  nunique_store();
  void add_text(uint32_t gid, std::string_view s);
  void add_number(uint32_t gid, const number& n);

  // Moves the pairs of `other` here, its group ids mapped through `gid_map`.
  void merge_from(nunique_store&& other, const std::vector<uint32_t>& gid_map);

  // Distinct values per group, for groups 0..groups-1. Consumes the pairs.
  std::vector<uint64_t> count(size_t groups, unsigned threads = 1);

  size_t memory_bytes() const;

  struct mid_entry {
    uint64_t lo, hi;  // hi: group id in the top 20 bits, value bits 64..107 below
  };
  struct wide_entry {
    uint64_t lo, hi;
    uint32_t gid;
  };

 private:
  static constexpr int PART_BITS = 10;
  static constexpr size_t PARTS = size_t{1} << PART_BITS;
  std::vector<std::vector<uint64_t>> small_;  // gid << 32 | value
  std::vector<std::vector<mid_entry>> mid_;
  std::vector<std::vector<wide_entry>> wide_;
  std::vector<std::pair<uint32_t, std::string>> long_;
  void add_mid(uint32_t gid, unsigned __int128 v18);
  void add_wide(const wide_entry& e);
  std::vector<uint64_t> recent_;  // direct-mapped cache of small_ pairs just added
};

}  // namespace zeekgraph::agg
