#include "agg/nunique.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

namespace zeekgraph::agg {
namespace {

// Tags in the top bits of a wide entry's `hi` keep its encodings apart.
constexpr uint64_t TAG_RAW = 0, TAG_NUMBER = 1ull << 62, TAG_BIGINT = 2ull << 62,
                   TAG_ALNUM = 3ull << 62;
constexpr uint32_t MID_MAX_GID = 1u << 20;
constexpr size_t RECENT = size_t{1} << 14;

struct alnum_table {
  signed char code[256];
  alnum_table() {
    std::memset(code, -1, sizeof code);
    for (int c = '0'; c <= '9'; ++c) code[c] = static_cast<signed char>(c - '0' + 1);
    for (int c = 'A'; c <= 'Z'; ++c) code[c] = static_cast<signed char>(c - 'A' + 11);
    for (int c = 'a'; c <= 'z'; ++c) code[c] = static_cast<signed char>(c - 'a' + 37);
  }
};
const alnum_table ALNUM;

// 6 bits a character (1..62), left aligned in `width` characters, 0 = none.
bool pack_alnum(std::string_view s, size_t width, unsigned __int128& v) {
  if (s.size() > width) return false;
  v = 0;
  for (unsigned char c : s) {
    int code = ALNUM.code[c];
    if (code < 0) return false;
    v = (v << 6) | static_cast<unsigned>(code);
  }
  v <<= 6 * (width - s.size());
  return true;
}

inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a ^ 0x9e3779b97f4a7c15ull) * (b | 1);
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t MID_VALUE_MASK = (uint64_t{1} << 44) - 1;

// Hashes of the value alone pick the partition; hashes of the whole pair
// place it in the counting set.
inline uint64_t value_hash(uint64_t e) { return mix(e & 0xffffffffu, 0xe7037ed1a0b428dbull); }
inline uint64_t value_hash(const nunique_store::mid_entry& e) { return mix(e.lo, (e.hi & MID_VALUE_MASK) ^ 0xe7037ed1a0b428dbull); }
inline uint64_t value_hash(const nunique_store::wide_entry& e) { return mix(e.lo, e.hi ^ 0xe7037ed1a0b428dbull); }
inline uint64_t pair_hash(uint64_t e) { return mix(e, 0x94d049bb133111ebull); }
inline uint64_t pair_hash(const nunique_store::mid_entry& e) { return mix(e.lo ^ 0x94d049bb133111ebull, e.hi); }
inline uint64_t pair_hash(const nunique_store::wide_entry& e) { return mix(e.lo ^ e.gid, e.hi ^ 0x94d049bb133111ebull); }
inline uint32_t gid_of(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
inline uint32_t gid_of(const nunique_store::mid_entry& e) { return static_cast<uint32_t>(e.hi >> 44); }
inline uint32_t gid_of(const nunique_store::wide_entry& e) { return e.gid; }
inline bool same(uint64_t a, uint64_t b) { return a == b; }
inline bool same(const nunique_store::mid_entry& a, const nunique_store::mid_entry& b) {
  return a.hi == b.hi && a.lo == b.lo;
}
inline bool same(const nunique_store::wide_entry& a, const nunique_store::wide_entry& b) {
  return a.gid == b.gid && a.hi == b.hi && a.lo == b.lo;
}

template <typename E>
size_t part_of(const E& e) {
  return value_hash(e) >> (64 - 10);
}

// Adds, per group, the number of distinct pairs in each partition to
// `counts`, deduping each partition in an open-addressing set.
template <typename E>
void count_distinct(std::vector<std::vector<E>>& parts, std::vector<uint64_t>& counts, unsigned threads) {
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  if (total == 0) return;
  threads = std::max(1u, threads);
  std::vector<std::vector<uint64_t>> local(threads);
  std::atomic<size_t> next{0};
  auto work = [&](unsigned t) {
    std::vector<uint64_t>& c = local[t];
    c.assign(counts.size(), 0);
    std::vector<E> set;
    std::vector<unsigned char> used;
    for (size_t p; (p = next.fetch_add(1)) < parts.size();) {
      std::vector<E>& v = parts[p];
      if (v.empty()) continue;
      size_t cap = 16;
      while (cap < v.size() * 2) cap <<= 1;
      set.resize(cap);
      used.assign(cap, 0);
      const size_t mask = cap - 1;
      for (const E& e : v) {
        size_t i = pair_hash(e) & mask;
        while (used[i] && !same(set[i], e)) i = (i + 1) & mask;
        if (!used[i]) {
          used[i] = 1;
          set[i] = e;
          ++c[gid_of(e)];
        }
      }
      std::vector<E>().swap(v);
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  for (const auto& c : local)
    for (size_t g = 0; g < counts.size(); ++g) counts[g] += c[g];
}

}  // namespace

nunique_store::nunique_store() : small_(PARTS), mid_(PARTS), wide_(PARTS), recent_(RECENT, UINT64_MAX) {}

void nunique_store::add_mid(uint32_t gid, unsigned __int128 v) {
  mid_entry e{static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64) | uint64_t{gid} << 44};
  mid_[part_of(e)].push_back(e);
}

void nunique_store::add_wide(const wide_entry& e) { wide_[part_of(e)].push_back(e); }

void nunique_store::add_text(uint32_t gid, std::string_view s) {
  unsigned __int128 v;
  if (gid < MID_MAX_GID && pack_alnum(s, 18, v)) {
    add_mid(gid, v);
    return;
  }
  if (pack_alnum(s, 21, v)) {
    add_wide({static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64) | TAG_ALNUM, gid});
  } else if (s.size() <= 15) {
    unsigned char b[15] = {};
    std::memcpy(b, s.data(), s.size());
    uint64_t h = 0, lo;
    std::memcpy(&h, b, 7);
    std::memcpy(&lo, b + 7, 8);
    add_wide({lo, TAG_RAW | static_cast<uint64_t>(s.size()) << 56 | h, gid});
  } else {
    long_.emplace_back(gid, std::string(s));
  }
}

void nunique_store::add_number(uint32_t gid, const number& n) {
  // Equal as float64 is equal to pandas, except int64 beyond 2^53, which
  // pandas compares exactly.
  if (n.d >= 0 && n.d < 4294967296.0 && n.d == static_cast<double>(static_cast<uint32_t>(n.d)) &&
      (!n.is_int || n.i == static_cast<int64_t>(n.d))) {
    uint64_t key = uint64_t{gid} << 32 | static_cast<uint32_t>(n.d);
    uint64_t& seen = recent_[(key * 0x9e3779b97f4a7c15ull) >> 50];
    if (seen == key) return;  // an exact repeat: counting it again changes nothing
    seen = key;
    small_[part_of(key)].push_back(key);
    return;
  }
  if (n.is_int && (n.i > (1ll << 53) || n.i < -(1ll << 53))) {
    add_wide({static_cast<uint64_t>(n.i), TAG_BIGINT, gid});
  } else {
    double d = n.d == 0 ? 0.0 : n.d;
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    add_wide({bits, TAG_NUMBER, gid});
  }
}

void nunique_store::merge_from(nunique_store&& o, const std::vector<uint32_t>& gid_map) {
  auto append = [](auto& dst, auto& src, auto remap) {
    for (auto& e : src) remap(e);
    if (dst.empty()) {
      dst.swap(src);
    } else {
      dst.insert(dst.end(), src.begin(), src.end());
    }
    std::remove_reference_t<decltype(src)>().swap(src);
  };
  for (size_t p = 0; p < PARTS; ++p) {
    append(small_[p], o.small_[p], [&](uint64_t& e) { e = uint64_t{gid_map[e >> 32]} << 32 | (e & 0xffffffffu); });
    append(wide_[p], o.wide_[p], [&](wide_entry& e) { e.gid = gid_map[e.gid]; });
    for (auto& e : o.mid_[p]) {
      uint32_t g = gid_map[gid_of(e)];
      if (g < MID_MAX_GID) {
        e.hi = (e.hi & MID_VALUE_MASK) | uint64_t{g} << 44;
        mid_[p].push_back(e);
      } else {
        // The new group id no longer fits: re-encode the 18 characters as 21.
        unsigned __int128 v = (static_cast<unsigned __int128>(e.hi & MID_VALUE_MASK) << 64 | e.lo) << 18;
        add_wide({static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64) | TAG_ALNUM, g});
      }
    }
    std::vector<mid_entry>().swap(o.mid_[p]);
  }
  for (auto& e : o.long_) long_.emplace_back(gid_map[e.first], std::move(e.second));
  decltype(long_)().swap(o.long_);
}

std::vector<uint64_t> nunique_store::count(size_t groups, unsigned threads) {
  std::vector<uint64_t> out(groups, 0);
  // One layout per (group, value): a short alphanumeric value that went
  // wide (its group id was large in a slice) returns to mid where it fits.
  for (auto& part : wide_) {
    for (auto& e : part) {
      if ((e.hi & (3ull << 62)) != TAG_ALNUM || e.gid >= MID_MAX_GID || (e.lo & ((1u << 18) - 1))) continue;
      unsigned __int128 v = (static_cast<unsigned __int128>(e.hi & ~(3ull << 62)) << 64 | e.lo) >> 18;
      add_mid(e.gid, v);
      e.gid = UINT32_MAX;
    }
    part.erase(std::remove_if(part.begin(), part.end(), [](const wide_entry& e) { return e.gid == UINT32_MAX; }),
               part.end());
  }
  count_distinct(small_, out, threads);
  count_distinct(mid_, out, threads);
  count_distinct(wide_, out, threads);
  std::sort(long_.begin(), long_.end());
  long_.erase(std::unique(long_.begin(), long_.end()), long_.end());
  for (const auto& [gid, s] : long_) ++out[gid];
  decltype(long_)().swap(long_);
  return out;
}

size_t nunique_store::memory_bytes() const {
  size_t b = long_.capacity() * sizeof(long_[0]) + recent_.capacity() * 8;
  for (size_t p = 0; p < PARTS; ++p)
    b += small_[p].capacity() * 8 + mid_[p].capacity() * sizeof(mid_entry) + wide_[p].capacity() * sizeof(wide_entry);
  return b;
}

}  // namespace zeekgraph::agg
