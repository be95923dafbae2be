#include "agg/key_cache.h"

#include "util/bits.h"

namespace zeekgraph::agg {
namespace {

inline uint64_t word(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline bool same_bytes(const unsigned char* a, const unsigned char* b, uint32_t len) {
  // Both sides are zero-padded: compare whole words up to the length.
  uint64_t diff = 0;
  for (uint32_t i = 0; i < len; i += 8) diff |= word(a + i) ^ word(b + i);
  return diff == 0;
}

}  // namespace

key_cache::key_cache(size_t capacity)
    : slots_(1024, slot{0, MISS, 0, {}}), mask_(1023), capacity_(capacity) {}

uint64_t key_cache::hash(const key& k) {
  constexpr uint64_t K0 = 0xa0761d6478bd642full, K1 = 0xe7037ed1a0b428dbull;
  uint64_t h = K0 ^ k.len;
  for (uint32_t i = 0; i < k.len; i += 16)
    h = mul_fold(h ^ word(k.bytes + i), word(k.bytes + i + 8) ^ K1);
  return mul_fold(h, K0);
}

uint32_t key_cache::find(const key& k, uint64_t h) const {
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    const slot& s = slots_[i];
    if (s.gid == MISS) return MISS;
    if (s.hash == h && s.len == k.len && same_bytes(s.bytes, k.bytes, k.len)) return s.gid;
  }
}

void key_cache::insert(const key& k, uint64_t h, uint32_t gid) {
  if (size_ >= capacity_) return;
  size_t i = h & mask_;
  while (slots_[i].gid != MISS) i = (i + 1) & mask_;
  slot& s = slots_[i];
  s.hash = h;
  s.gid = gid;
  s.len = k.len;
  std::memcpy(s.bytes, k.bytes, MAX_KEY);
  if (++size_ * 10 > slots_.size() * 7) grow();  // up to 70% full
}

void key_cache::grow() {
  slot_vector old(slots_.size() * 2, slot{0, MISS, 0, {}});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const slot& s : old) {
    if (s.gid == MISS) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].gid != MISS) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace zeekgraph::agg
