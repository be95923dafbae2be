#include "agg/group_table.h"

#include <cstring>

namespace zeekgraph::agg {
namespace {

constexpr uint32_t EMPTY = UINT32_MAX;

inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace

uint64_t group_table::hash(std::string_view key) {
  // A small multiply-xor hash in the style of wyhash: 8 bytes a step.
  constexpr uint64_t K0 = 0xa0761d6478bd642full, K1 = 0xe7037ed1a0b428dbull;
  uint64_t h = K0 ^ key.size();
  const char* p = key.data();
  size_t n = key.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w, K1);
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = mix(h ^ w, K1 ^ n);
  }
  return mix(h, K0);
}

group_table::group_table() : slots_(1024, slot{0, EMPTY}), mask_(1023) {}

uint32_t group_table::find_or_add(std::string_view key) { return find_or_add(key, hash(key)); }

uint32_t group_table::find_or_add(std::string_view key, uint64_t h) {
  size_t i = h & mask_;
  while (true) {
    slot& s = slots_[i];
    if (s.gid == EMPTY) break;
    if (s.hash == h && lengths_[s.gid] == key.size() &&
        std::memcmp(arena_.data() + offsets_[s.gid], key.data(), key.size()) == 0)
      return s.gid;
    i = (i + 1) & mask_;
  }
  uint32_t gid = static_cast<uint32_t>(offsets_.size());
  offsets_.push_back(arena_.size());
  lengths_.push_back(static_cast<uint32_t>(key.size()));
  arena_.insert(arena_.end(), key.begin(), key.end());
  slots_[i] = {h, gid};
  if (offsets_.size() * 2 > slots_.size()) grow();
  return gid;
}

void group_table::grow() {
  std::vector<slot> old(slots_.size() * 2, slot{0, EMPTY});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const slot& s : old) {
    if (s.gid == EMPTY) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].gid != EMPTY) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

size_t group_table::memory_bytes() const {
  return slots_.capacity() * sizeof(slot) + arena_.capacity() + offsets_.capacity() * 8 +
         lengths_.capacity() * 4;
}

}  // namespace zeekgraph::agg
