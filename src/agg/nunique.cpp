#include "agg/nunique.h"

#include <algorithm>
#include <cstring>

namespace zeekgraph::agg {
namespace {

// Tags in the top bits of `hi` keep the encodings apart.
constexpr uint64_t TAG_NUMBER = 1ull << 62, TAG_BIGINT = 2ull << 62, TAG_ALNUM = 3ull << 62;
constexpr uint64_t TAG_RAW = 0;

int alnum_code(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0' + 1;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 11;
  if (c >= 'a' && c <= 'z') return c - 'a' + 37;
  return -1;
}

// 6 bits a character, 0 = none: up to 21 characters in 126 bits.
bool pack_alnum(std::string_view s, uint64_t& hi, uint64_t& lo) {
  if (s.size() > 21) return false;
  unsigned __int128 v = 0;
  for (size_t i = 0; i < 21; ++i) {
    int code = 0;
    if (i < s.size()) {
      code = alnum_code(static_cast<unsigned char>(s[i]));
      if (code < 0) return false;
    }
    v = (v << 6) | static_cast<unsigned>(code);
  }
  hi = static_cast<uint64_t>(v >> 64) | TAG_ALNUM;
  lo = static_cast<uint64_t>(v);
  return true;
}

bool pack_raw(std::string_view s, uint64_t& hi, uint64_t& lo) {
  if (s.size() > 15) return false;
  unsigned char b[15] = {};
  std::memcpy(b, s.data(), s.size());
  uint64_t h = 0;
  std::memcpy(&h, b, 7);
  std::memcpy(&lo, b + 7, 8);
  hi = TAG_RAW | (static_cast<uint64_t>(s.size()) << 56) | h;  // 7 bytes fill bits 0..55
  return true;
}

}  // namespace

void nunique_store::add_text(uint32_t gid, std::string_view s) {
  uint64_t hi, lo;
  if (pack_alnum(s, hi, lo) || pack_raw(s, hi, lo)) {
    packed_.push_back({gid, hi, lo});
    if (packed_.size() >= next_compact_) maybe_compact();
  } else {
    long_.emplace_back(gid, std::string(s));
  }
}

void nunique_store::add_number(uint32_t gid, const number& n) {
  uint64_t hi, lo;
  // Equal as float64 means equal to pandas, except int64 beyond 2^53,
  // which pandas compares exactly.
  if (n.is_int && (n.i > (1ll << 53) || n.i < -(1ll << 53))) {
    hi = TAG_BIGINT;
    lo = static_cast<uint64_t>(n.i);
  } else {
    double d = n.d == 0 ? 0.0 : n.d;  // -0.0 == 0.0
    hi = TAG_NUMBER;
    std::memcpy(&lo, &d, 8);
  }
  packed_.push_back({gid, hi, lo});
  if (packed_.size() >= next_compact_) maybe_compact();
}

void nunique_store::maybe_compact() {
  // Repeated values (ports) shrink a lot; unique ones (uids) do not, and
  // then compaction stops, so the cost stays one sort.
  size_t before = packed_.size();
  auto less = [](const entry& a, const entry& b) {
    if (a.gid != b.gid) return a.gid < b.gid;
    if (a.hi != b.hi) return a.hi < b.hi;
    return a.lo < b.lo;
  };
  auto eq = [](const entry& a, const entry& b) {
    return a.gid == b.gid && a.hi == b.hi && a.lo == b.lo;
  };
  std::sort(packed_.begin(), packed_.end(), less);
  packed_.erase(std::unique(packed_.begin(), packed_.end(), eq), packed_.end());
  if (packed_.size() * 4 > before * 3)
    next_compact_ = SIZE_MAX;
  else
    next_compact_ = std::max(packed_.size() * 2, size_t{1} << 20);
}

void nunique_store::merge_from(const nunique_store& other, const std::vector<uint32_t>& gid_map) {
  packed_.reserve(packed_.size() + other.packed_.size());
  for (const entry& e : other.packed_) packed_.push_back({gid_map[e.gid], e.hi, e.lo});
  for (const auto& [gid, s] : other.long_) long_.emplace_back(gid_map[gid], s);
}

std::vector<uint64_t> nunique_store::count(size_t groups) {
  std::vector<uint64_t> out(groups, 0);
  std::sort(packed_.begin(), packed_.end(), [](const entry& a, const entry& b) {
    if (a.gid != b.gid) return a.gid < b.gid;
    if (a.hi != b.hi) return a.hi < b.hi;
    return a.lo < b.lo;
  });
  for (size_t i = 0; i < packed_.size(); ++i) {
    const entry& e = packed_[i];
    if (i == 0 || e.gid != packed_[i - 1].gid || e.hi != packed_[i - 1].hi ||
        e.lo != packed_[i - 1].lo)
      ++out[e.gid];
  }
  std::sort(long_.begin(), long_.end());
  long_.erase(std::unique(long_.begin(), long_.end()), long_.end());
  for (const auto& [gid, s] : long_) ++out[gid];
  std::vector<entry>().swap(packed_);
  decltype(long_)().swap(long_);
  return out;
}

size_t nunique_store::memory_bytes() const {
  return packed_.capacity() * sizeof(entry) + long_.capacity() * sizeof(long_[0]);
}

}  // namespace zeekgraph::agg
