// Exact distinct counting per group. Each (group, value) pair is packed into
// 128 bits where that is lossless (numbers; strings of up to 21 [0-9A-Za-z]
// characters such as Zeek uids; other strings up to 15 bytes), otherwise
// kept as a string. Counting sorts the pairs and counts runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agg/number.h"

namespace zeekgraph::agg {

class nunique_store {
 public:
  void add_text(uint32_t gid, std::string_view s);
  void add_number(uint32_t gid, const number& n);

  // Appends `other` with its group ids mapped through `gid_map`.
  void merge_from(const nunique_store& other, const std::vector<uint32_t>& gid_map);

  // Distinct values per group, for groups 0..groups-1. Consumes the pairs.
  std::vector<uint64_t> count(size_t groups);

  size_t memory_bytes() const;

 private:
  struct entry {
    uint32_t gid;
    uint64_t hi, lo;
  };
  void maybe_compact();
  std::vector<entry> packed_;
  std::vector<std::pair<uint32_t, std::string>> long_;
  size_t next_compact_ = size_t{1} << 20;
};

}  // namespace zeekgraph::agg
