#include "agg/group_table.h"

#include <cstring>

#include "util/bits.h"

namespace zeekgraph::agg {
namespace {

constexpr uint32_t EMPTY = UINT32_MAX;

// The key's bytes, zero padded to 16, without a call to memcpy: loads
// that overlap inside the key, then shifts.
inline void load16(std::string_view key, uint64_t& w0, uint64_t& w1) {
  const char* p = key.data();
  const size_t n = key.size();
  if (n >= 8) {
    w0 = load8(p);
    w1 = n == 8 ? 0 : load8(p + n - 8) >> ((16 - n) * 8);
  } else if (n >= 4) {
    w0 = load4(p) | static_cast<uint64_t>(load4(p + n - 4)) << ((n - 4) * 8);
    w1 = 0;
  } else {
    w0 = 0;
    for (size_t i = 0; i < n; ++i) w0 |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    w1 = 0;
  }
}

}  // namespace

uint64_t group_table::hash(std::string_view key) {
  // A small multiply-xor hash in the style of wyhash: 8 bytes a step; keys
  // of up to 16 bytes (nearly all) take one multiply.
  constexpr uint64_t K0 = 0xa0761d6478bd642full, K1 = 0xe7037ed1a0b428dbull;
  if (key.size() <= 16) {
    uint64_t w0, w1;
    load16(key, w0, w1);
    return mul_fold(mul_fold(w0 ^ K0 ^ key.size(), w1 ^ K1), K0);
  }
  uint64_t h = K0 ^ key.size();
  const char* p = key.data();
  size_t n = key.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mul_fold(h ^ w, K1);
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = mul_fold(h ^ w, K1 ^ n);
  }
  return mul_fold(h, K0);
}

group_table::group_table() : slots_(1024, slot{0, EMPTY, 0, 0, 0}), mask_(1023) {}

uint32_t group_table::find_or_add(std::string_view key, uint64_t h) {
  const uint32_t len = static_cast<uint32_t>(key.size());
  uint64_t w0 = 0, w1 = 0;
  const bool small = len <= 16;
  if (small) load16(key, w0, w1);
  size_t i = h & mask_;
  while (true) {
    const slot& s = slots_[i];
    if (s.id == EMPTY) break;
    if (s.hash == h && s.len == len) {
      if (small ? (s.w0 == w0 && s.w1 == w1)
                : std::memcmp(arena_.data() + offsets_[s.id], key.data(), len) == 0)
        return s.id;
    }
    i = (i + 1) & mask_;
  }
  uint32_t id = static_cast<uint32_t>(offsets_.size());
  offsets_.push_back(arena_.size());
  lengths_.push_back(len);
  arena_.insert(arena_.end(), key.begin(), key.end());
  slots_[i] = {h, id, len, w0, w1};
  if (offsets_.size() * 10 > slots_.size() * 7) grow();  // up to 70% full, as the key cache
  return id;
}

void group_table::grow() {
  slot_vector old(slots_.size() * 2, slot{0, EMPTY, 0, 0, 0});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const slot& s : old) {
    if (s.id == EMPTY) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].id != EMPTY) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

size_t group_table::memory_bytes() const {
  return slots_.capacity() * sizeof(slot) + arena_.capacity() + offsets_.capacity() * 8 +
         lengths_.capacity() * 4;
}

}  // namespace zeekgraph::agg
