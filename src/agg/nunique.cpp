#include "agg/nunique.h"
#include "agg/spill_file.h"
#include "util/bits.h"
#include "util/parallel.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace zeekgraph::agg {

namespace {

// Tags in the top bits of a wide entry's `hi` keep its encodings apart.
constexpr uint64_t TAG_RAW = 0, TAG_NUMBER = 1ull << 62, TAG_BIGINT = 2ull << 62,
                   TAG_ALNUM = 3ull << 62;
constexpr size_t RECENT = size_t{1} << 14;
using wide_entry = nunique_store::wide_entry;

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

// 6 bits a character (1..62, 0 = none) for up to 21 characters c0..c20:
// four 24-bit groups g_k = c4k c4k+1 c4k+2 c4k+3 and a 30-bit tail
// t = c16..c20, as lo = g0 | g1 << 24 | t << 48 and
// hi = g2 | g3 << 24 | (t >> 16) << 48, which leaves hi's top two bits free
// for the tag. A fixed position per character makes it injective.
inline void place(uint64_t g[4], uint64_t tail, uint64_t& lo, uint64_t& hi) {
  lo = g[0] | g[1] << 24 | tail << 48;
  hi = g[2] | g[3] << 24 | (tail >> 16) << 48;
}

bool pack_alnum_scalar(std::string_view s, uint64_t& lo, uint64_t& hi) {
  if (s.size() > 21) return false;
  uint64_t c[21] = {};
  for (size_t i = 0; i < s.size(); ++i) {
    int code = ALNUM.code[static_cast<unsigned char>(s[i])];
    if (code < 0) return false;
    c[i] = static_cast<uint64_t>(code);
  }
  uint64_t g[4];
  for (int k = 0; k < 4; ++k) g[k] = c[4 * k] << 18 | c[4 * k + 1] << 12 | c[4 * k + 2] << 6 | c[4 * k + 3];
  place(g, c[16] << 24 | c[17] << 18 | c[18] << 12 | c[19] << 6 | c[20], lo, hi);
  return true;
}

bool pack_alnum(std::string_view s, uint64_t& lo, uint64_t& hi) {
#if defined(__SSE2__)
  // A Zeek uid ("C" and 17 base62 characters): the first 16 characters in
  // SSE2 registers (in bounds: the string holds them), the rest one by one.
  if (s.size() >= 16 && s.size() <= 21) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
    auto in = [&](char a, char b) {
      return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(a - 1))),
                           _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(b + 1))));
    };
    const __m128i digit = in('0', '9'), upper = in('A', 'Z'), lower = in('a', 'z');
    const __m128i valid = _mm_or_si128(digit, _mm_or_si128(upper, lower));
    if (_mm_movemask_epi8(valid) != 0xFFFF) return false;
    // code = c - 47 (digits), c - 54 (upper), c - 60 (lower)
    const __m128i off = _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8(47)),
                                     _mm_or_si128(_mm_and_si128(upper, _mm_set1_epi8(54)),
                                                  _mm_and_si128(lower, _mm_set1_epi8(60))));
    const __m128i code = _mm_sub_epi8(v, off);
    // Pairs into 12 bits (first character high), then fours into 24.
    const __m128i pairs = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(code, _mm_set1_epi16(0xFF)), 6),
                                       _mm_srli_epi16(code, 8));
    const __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(4096 | 1 << 16));
    alignas(16) uint32_t g32[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(g32), fours);
    uint64_t tail = 0;
    for (size_t i = 16; i < 21; ++i) {
      uint64_t c = 0;
      if (i < s.size()) {
        int code1 = ALNUM.code[static_cast<unsigned char>(s[i])];
        if (code1 < 0) return false;
        c = static_cast<uint64_t>(code1);
      }
      tail = tail << 6 | c;
    }
    uint64_t g[4] = {g32[0], g32[1], g32[2], g32[3]};
    place(g, tail, lo, hi);
    return true;
  }
#endif
  return pack_alnum_scalar(s, lo, hi);
}

inline uint64_t mix(uint64_t a, uint64_t b) { return mul_fold(a ^ 0x9e3779b97f4a7c15ull, b | 1); }

// testing::collide_fingerprints: value `collide_b` takes the fingerprint of
// `collide_a` while `collide_on`.
bool collide_on = false;
std::string collide_a, collide_b;

// A 64-bit hash of a text (wyhash-style multiply-fold rounds over 16 bytes,
// the length folded in), never 0.
uint64_t fingerprint(std::string_view s) {
  if (collide_on) [[unlikely]]
    if (s == collide_b) s = collide_a;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x2d358dccaa6c78a5ull ^ (n * 0x8bb84b93962eacc9ull);
  for (; n > 16; p += 16, n -= 16)
    h = mul_fold(load8(p) ^ h ^ 0xa0761d6478bd642full, load8(p + 8) ^ 0xe7037ed1a0b428dbull);
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load8(p);
    b = load8(p + n - 8);
  } else if (n >= 4) {
    a = load4(p);
    b = load4(p + n - 4);
  } else if (n > 0) {
    a = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16 |
        static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 | static_cast<unsigned char>(p[n - 1]);
  }
  h = mul_fold(a ^ h ^ 0xa0761d6478bd642full, b ^ 0xe7037ed1a0b428dbull ^ n);
  h = mul_fold(h ^ 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull);
  return h ? h : 1;
}

// A hash of the value and of the group's key values picks the partition
// (not the group id, which differs between slices; a value alone put every
// pair of port 443 in one partition, whose counting set then grew with the
// input); a hash of the whole pair places it in the counting set.
inline uint64_t value_hash(uint64_t e) { return mix(e & 0xffffffffu, 0xe7037ed1a0b428dbull); }
inline uint64_t value_hash(const wide_entry& e) { return mix(e.lo, e.hi ^ 0xe7037ed1a0b428dbull); }
inline uint64_t pair_hash(uint64_t e) { return mix(e, 0x94d049bb133111ebull); }
inline uint64_t pair_hash(const wide_entry& e) { return mix(e.lo ^ e.gid, e.hi ^ 0x94d049bb133111ebull); }
inline uint32_t gid_of(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
inline uint32_t gid_of(const wide_entry& e) { return e.gid; }
inline void set_gid(uint64_t& v, uint32_t g) { v = uint64_t{g} << 32 | (v & 0xffffffffu); }
inline void set_gid(wide_entry& e, uint32_t g) { e.gid = g; }
inline bool same(uint64_t a, uint64_t b) { return a == b; }
inline bool same(const wide_entry& a, const wide_entry& b) {
  return a.gid == b.gid && a.hi == b.hi && a.lo == b.lo;
}
template <typename E>
size_t part_of(const E& e, const std::vector<uint32_t>* group_hash) {
  uint64_t h = value_hash(e);
  if (group_hash) h = mix(h, (*group_hash)[gid_of(e)]);
  return h >> (64 - nunique_store::PART_BITS);
}
template <>
size_t part_of(const nunique_store::fp_entry& e, const std::vector<uint32_t>*) {
  return nunique_store::fingerprint_partition(e.h);
}

// The in-memory pairs `buf` by partition: counted first, so that each
// partition's vector is allocated once (push_back into 1,024 growing
// vectors reallocated and faulted in 88 MB of a reduce task's
// fingerprints several times over).
template <typename E>
std::vector<pooled_vector<E>> by_partition(const pooled_vector<E>& buf, const std::vector<uint32_t>* group_hash) {
  constexpr size_t PARTS = nunique_store::PARTS;
  std::vector<pooled_vector<E>> mem(PARTS);
  if (buf.empty()) return mem;
  std::vector<uint16_t> part(buf.size());
  std::vector<size_t> n(PARTS, 0);
  for (size_t i = 0; i < buf.size(); ++i) ++n[part[i] = static_cast<uint16_t>(part_of(buf[i], group_hash))];
  for (size_t p = 0; p < PARTS; ++p) mem[p].reserve(n[p]);
  for (size_t i = 0; i < buf.size(); ++i) mem[part[i]].push_back(buf[i]);
  return mem;
}

// Partitions are counted in runs of consecutive ones, so that each spill
// chunk is read with one pread a run instead of one a partition: at 22.7M
// rows ~300 chunks x 1,024 partitions made 307K small reads (~2 KB each).
// A run holds about RUN_BYTES of pairs, so memory stays bounded.
constexpr size_t RUN_BYTES = size_t{4} << 20;

// Reads the partitions in runs and calls visit(thread, v, ranges) once per
// partition with data: its pairs are v[ranges[i].first, ranges[i].second)
// (one range per spill chunk, then memory), group ids already mapped.
// visit returns false to stop every thread.
template <typename E, typename Visit>
void visit_partitions(std::vector<pooled_vector<E>>& mem, const std::vector<nunique_store::spill_chunk>& spilled,
                      unsigned threads, Visit&& visit) {
  constexpr size_t PARTS = nunique_store::PARTS;
  threads = std::max(1u, threads);
  size_t pairs = 0;
  for (const auto& ch : spilled) pairs += ch.starts[PARTS];
  for (const auto& m : mem) pairs += m.size();
  if (pairs == 0) return;
  const size_t per_part = std::max<size_t>(1, pairs * sizeof(E) / PARTS);
  const size_t run = std::clamp<size_t>(RUN_BYTES / per_part, 1, 64);
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&](unsigned t) {
    pooled_vector<E> v;                            // the run's pairs: each chunk's range, then memory
    std::vector<size_t> chunk_at(spilled.size());  // where each chunk's range starts in v
    std::vector<size_t> mem_at(run + 1);
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t r; !stop.load(std::memory_order_relaxed) && (r = next.fetch_add(1)) * run < PARTS;) {
      const size_t p0 = r * run, p1 = std::min(PARTS, p0 + run);
      v.clear();
      for (size_t k = 0; k < spilled.size(); ++k) {
        const auto& ch = spilled[k];
        const size_t n = ch.starts[p1] - ch.starts[p0];
        chunk_at[k] = v.size();
        if (n == 0) continue;
        const size_t at = v.size();
        v.resize(at + n);
        ch.read(ch.offset + ch.starts[p0] * sizeof(E), v.data() + at, n * sizeof(E));
        if constexpr (!std::is_same_v<E, nunique_store::fp_entry>)
          if (ch.gid_map)
            for (size_t i = at; i < v.size(); ++i) set_gid(v[i], (*ch.gid_map)[gid_of(v[i])]);
      }
      for (size_t p = p0; p < p1; ++p) {
        mem_at[p - p0] = v.size();
        v.insert(v.end(), mem[p].begin(), mem[p].end());
        pooled_vector<E>().swap(mem[p]);
      }
      mem_at[p1 - p0] = v.size();
      for (size_t p = p0; p < p1; ++p) {
        ranges.clear();
        for (size_t k = 0; k < spilled.size(); ++k) {
          const auto& ch = spilled[k];
          const size_t from = chunk_at[k] + (ch.starts[p] - ch.starts[p0]);
          if (ch.starts[p + 1] > ch.starts[p]) ranges.emplace_back(from, from + (ch.starts[p + 1] - ch.starts[p]));
        }
        if (mem_at[p - p0 + 1] > mem_at[p - p0]) ranges.emplace_back(mem_at[p - p0], mem_at[p - p0 + 1]);
        if (ranges.empty()) continue;
        if (!visit(t, v, ranges)) {
          stop = true;
          return;
        }
      }
    }
  };
  run_on_threads(threads, work);
}

// Empties `slots` for a partition's pairs (a power of two, at least twice
// as many) and returns the index mask.
template <typename S>
size_t reset_set(std::vector<S>& slots, const std::vector<std::pair<size_t, size_t>>& ranges) {
  size_t n = 0;
  for (auto [from, to] : ranges) n += to - from;
  size_t cap = 16;
  while (cap < n * 2) cap <<= 1;
  slots.assign(cap, 0);
  return cap - 1;
}

// Adds v[at] (= e) to a partition's set of distinct pairs unless an equal
// pair is there already (slots hold 1 + an index into v, 0 = free): whether
// it was new.
template <typename E>
bool first_seen(std::vector<uint32_t>& slots, size_t mask, const pooled_vector<E>& v, const E& e, size_t at) {
  size_t i = pair_hash(e) & mask;
  while (slots[i] && !same(v[slots[i] - 1], e)) i = (i + 1) & mask;
  if (slots[i]) return false;
  slots[i] = static_cast<uint32_t>(at + 1);
  return true;
}

// The distinct pairs of `buf` (which it empties), as visit_partitions and a
// set per partition give them (in partition order, and within a partition
// in the order added), for pairs all in memory on one thread: sorted by
// partition into one array (the partition computed twice rather than kept)
// and deduplicated in place. A map task's pairs took 1,024 vectors, a copy
// of each partition and two of the result: 23% of its page faults.
template <typename E>
pooled_vector<E> in_memory_distinct(pooled_vector<E>& buf, const std::vector<uint32_t>* group_hash) {
  constexpr size_t PARTS = nunique_store::PARTS;
  std::vector<size_t> at(PARTS + 1, 0);
  for (const E& e : buf) ++at[part_of(e, group_hash) + 1];
  for (size_t p = 0; p < PARTS; ++p) at[p + 1] += at[p];
  pooled_vector<E> v(buf.size());
  {
    std::vector<size_t> next(at.begin(), at.end() - 1);
    for (const E& e : buf) v[next[part_of(e, group_hash)]++] = e;
  }
  pooled_vector<E>().swap(buf);
  std::vector<uint32_t> slots;
  size_t kept = 0;
  for (size_t p = 0; p < PARTS; ++p) {
    if (at[p + 1] == at[p]) continue;
    const size_t mask = reset_set(slots, {{at[p], at[p + 1]}});
    for (size_t k = at[p]; k < at[p + 1]; ++k) {
      const E e = v[k];
      if (first_seen(slots, mask, v, e, kept)) v[kept++] = e;  // kept <= k: never ahead of the pairs still to read
    }
  }
  v.resize(kept);
  return v;
}

template <typename E>
void count_layout(std::vector<pooled_vector<E>>& mem, const std::vector<nunique_store::spill_chunk>& spilled,
                  std::vector<uint64_t>& counts, unsigned threads) {
  threads = std::max(1u, threads);
  std::vector<std::vector<uint64_t>> local(threads);
  std::vector<std::vector<uint32_t>> sets(threads);
  visit_partitions(mem, spilled, threads, [&](unsigned t, const pooled_vector<E>& v, const auto& ranges) {
    std::vector<uint64_t>& c = local[t];
    if (c.empty()) c.assign(counts.size(), 0);
    // The set holds 1 + the index of a pair in v (0 = free): 4 bytes a
    // slot keep it in L2 where 20-byte pairs would not.
    std::vector<uint32_t>& slots = sets[t];
    const size_t mask = reset_set(slots, ranges);
    for (auto [from, to] : ranges)
      for (size_t k = from; k < to; ++k)
        if (first_seen(slots, mask, v, v[k], k)) ++c[gid_of(v[k])];
    return true;
  });
  for (const auto& c : local)
    for (size_t g = 0; g < c.size(); ++g) counts[g] += c[g];
}

// Whether any two fingerprints are equal: each partition's go into a set
// of 8-byte slots indexed by their low bits (the top bits chose the
// partition; fingerprints are never 0, which marks a free slot).
bool any_equal(std::vector<pooled_vector<nunique_store::fp_entry>>& mem,
               const std::vector<nunique_store::spill_chunk>& spilled, unsigned threads) {
  using E = nunique_store::fp_entry;
  std::atomic<bool> found{false};
  std::vector<std::vector<uint64_t>> sets(std::max(1u, threads));
  visit_partitions(mem, spilled, threads, [&](unsigned t, const pooled_vector<E>& v, const auto& ranges) {
    std::vector<uint64_t>& slots = sets[t];
    const size_t mask = reset_set(slots, ranges);
    for (auto [from, to] : ranges)
      for (size_t k = from; k < to; ++k) {
        const uint64_t h = v[k].h;
        size_t i = h & mask;
        while (slots[i] && slots[i] != h) i = (i + 1) & mask;
        if (slots[i]) {
          found = true;
          return false;
        }
        slots[i] = h;
      }
    return true;
  });
  return found.load();
}

}  // namespace

nunique_store::nunique_store(size_t memory_budget, bool fingerprints)
    : budget_(memory_budget), mode_(fingerprints ? mode::trial : mode::exact) {}

// Partitions are made on first use: most columns of a query never count
// distinct values.
void nunique_store::init() {
  if (!recent_.empty()) return;
  recent_.assign(RECENT, UINT64_MAX);

}
nunique_store::~nunique_store() = default;
nunique_store::nunique_store(nunique_store&&) noexcept = default;
nunique_store& nunique_store::operator=(nunique_store&&) noexcept = default;

template <typename E>
void nunique_store::spill_layout(layout<E>& l) {
  const size_t n = l.buf.size();
  if (n == 0) return;
  // Counting sort by partition, then one write.
  std::vector<uint32_t> start(PARTS + 1, 0);
  part_ids_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    size_t p = part_of(l.buf[i], group_hash_);
    part_ids_[i] = static_cast<uint16_t>(p);
    ++start[p + 1];
  }
  for (size_t p = 0; p < PARTS; ++p) start[p + 1] += start[p];
  sorted_.resize(n * sizeof(E));
  E* out = reinterpret_cast<E*>(sorted_.data());
  std::vector<uint32_t> pos(start.begin(), start.end() - 1);
  for (size_t i = 0; i < n; ++i) out[pos[part_ids_[i]]++] = l.buf[i];
  const uint64_t at = file_->append(out, n * sizeof(E));
  l.spilled.push_back({file_, at, std::move(start), nullptr});
  l.buf.clear();  // keeps the capacity: refilling it costs no page faults
}

void nunique_store::spill() {
  if (!file_) file_ = std::make_shared<spill_file>("nunique");
  spill_layout(small_);
  spill_layout(wide_);
  spill_layout(fps_);
  bytes_ = 0;
}

void nunique_store::add_text(uint32_t gid, std::string_view s) {
  init();
  if (mode_ == mode::fingerprint) {
    fps_.buf.push_back({fingerprint(s)});
    bytes_ += sizeof(fp_entry);
    maybe_spill();
    return;
  }
  if (mode_ == mode::trial) {
    trial_.push_back(fingerprint(s));
    if (trial_.size() == TRIAL) {
      settle();
      if (mode_ == mode::fingerprint) return;  // this value's fingerprint is kept
    }
  }
  uint64_t lo, hi;
  wide_entry e;
  if (pack_alnum(s, lo, hi)) {
    e = {lo, hi | TAG_ALNUM, gid};
  } else if (s.size() <= 15) {
    unsigned char b[15] = {};
    std::memcpy(b, s.data(), s.size());
    uint64_t h = 0, lo;
    std::memcpy(&h, b, 7);
    std::memcpy(&lo, b + 7, 8);
    e = {lo, TAG_RAW | static_cast<uint64_t>(s.size()) << 56 | h, gid};
  } else {
    long_.emplace_back(gid, std::string(s));
    return;
  }
  wide_.buf.push_back(e);
  bytes_ += sizeof(wide_entry);
  maybe_spill();
}

void nunique_store::add_number(uint32_t gid, const number& n) {
  init();
  if (mode_ != mode::exact) {
    // Fingerprints are for text columns; numbers make the store exact (a
    // fingerprinted one can then no longer count).
    if (mode_ == mode::fingerprint) mixed_ = true;
    become_exact();
  }
  // Equal as float64 is equal to pandas, except int64 beyond 2^53, which
  // pandas compares exactly.
  if (n.d >= 0 && n.d < 4294967296.0 && n.d == static_cast<double>(static_cast<uint32_t>(n.d)) &&
      (!n.is_int || n.i == static_cast<int64_t>(n.d))) {
    uint64_t key = uint64_t{gid} << 32 | static_cast<uint32_t>(n.d);
    if (recent_on_) {
      uint64_t& seen = recent_[(key * 0x9e3779b97f4a7c15ull) >> 50];
      if (seen == key) {
        ++recent_hits_;
        return;  // an exact repeat: counting it again changes nothing
      }
      seen = key;
      // Repeats far apart miss it (2% of the generated ports) and it costs
      // a random load a pair: judge it on the first pairs, keep it only when
      // it catches one in eight.
      if (++recent_tries_ == RECENT_TRIAL) recent_on_ = recent_hits_ * 8 >= RECENT_TRIAL;
    }
    small_.buf.push_back(key);
    bytes_ += 8;
    maybe_spill();
    return;
  }
  wide_entry e;
  if (n.is_int && (n.i > (1ll << 53) || n.i < -(1ll << 53))) {
    e = {static_cast<uint64_t>(n.i), TAG_BIGINT, gid};
  } else {
    double d = n.d == 0 ? 0.0 : n.d;
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    e = {bits, TAG_NUMBER, gid};
  }
  wide_.buf.push_back(e);
  bytes_ += sizeof(wide_entry);
  maybe_spill();
}

void nunique_store::add_null_slow(uint32_t gid) {
  init();
  if (gid >= nulls_.size()) nulls_.resize(std::max<size_t>(gid + 1, nulls_.size() * 2), 0);
  ++nulls_[gid];
}

void nunique_store::become_exact() {
  mode_ = mode::exact;
  std::vector<uint64_t>().swap(trial_);
  std::vector<uint64_t>().swap(nulls_);
}

void nunique_store::settle() {
  if (mode_ != mode::trial) return;
  // Sorted in place: the order of fingerprints does not matter.
  std::sort(trial_.begin(), trial_.end());
  if (std::adjacent_find(trial_.begin(), trial_.end()) != trial_.end()) {
    become_exact();  // values repeat: exact pairs
    return;
  }
  // No repeats: the trial's exact pairs give way to its fingerprints. (Pairs
  // already spilled stay in the file, unread.)
  mode_ = mode::fingerprint;
  for (uint64_t h : trial_) fps_.buf.push_back({h});
  std::vector<uint64_t>().swap(trial_);
  decltype(wide_.buf)().swap(wide_.buf);
  wide_.spilled.clear();
  decltype(long_)().swap(long_);
  bytes_ = fps_.buf.size() * sizeof(fp_entry) + small_.buf.size() * 8;
  maybe_spill();
}

bool nunique_store::fingerprinted() {
  settle();
  return mode_ == mode::fingerprint;
}

bool nunique_store::values_distinct(unsigned threads) {
  settle();
  if (distinct_ < 0) {
    if (mixed_) {
      distinct_ = 0;
    } else if (mode_ == mode::exact) {
      distinct_ = 1;
    } else {
      std::vector<pooled_vector<fp_entry>> mem = by_partition(fps_.buf, group_hash_);
      distinct_ = any_equal(mem, fps_.spilled, threads) ? 0 : 1;
    }
  }
  return distinct_ == 1;
}

void nunique_store::merge_from(nunique_store&& o, const std::vector<uint32_t>& gid_map) {
  for (uint32_t g = 0; g < o.counted_.size(); ++g) {
    if (!o.counted_[g]) continue;
    const uint32_t to = gid_map[g];
    if (to >= counted_.size()) counted_.resize(std::max<size_t>(to + 1, counted_.size() * 2), 0);
    counted_[to] += o.counted_[g];
  }
  std::vector<uint64_t>().swap(o.counted_);
  if (o.recent_.empty()) {  // never used
    for (auto& e : o.long_) long_.emplace_back(gid_map[e.first], std::move(e.second));
    return;
  }
  distinct_ = -1;
  mixed_ = mixed_ || o.mixed_;
  o.settle();
  if (recent_.empty())
    mode_ = o.mode_;  // nothing here yet: take the other's kind
  else
    settle();
  init();
  if (mode_ != o.mode_) {
    // One side kept fingerprints, the other exact pairs: neither can count
    // the union. values_distinct() says so; the caller reads again exactly.
    mixed_ = true;
    return;
  }
  if (mode_ == mode::fingerprint) {
    for (uint32_t g = 0; g < o.nulls_.size(); ++g) {
      if (!o.nulls_[g]) continue;
      const uint32_t to = gid_map[g];
      if (to >= nulls_.size()) nulls_.resize(std::max<size_t>(to + 1, nulls_.size() * 2), 0);
      nulls_[to] += o.nulls_[g];
    }
    bytes_ += o.fps_.buf.size() * sizeof(fp_entry);
    if (fps_.buf.empty())
      fps_.buf.swap(o.fps_.buf);
    else
      fps_.buf.insert(fps_.buf.end(), o.fps_.buf.begin(), o.fps_.buf.end());
    decltype(o.fps_.buf)().swap(o.fps_.buf);
    for (auto& ch : o.fps_.spilled) fps_.spilled.push_back(std::move(ch));
    o.fps_.spilled.clear();
    maybe_spill();
    return;
  }
  auto shared_map = std::make_shared<const std::vector<uint32_t>>(gid_map);
  auto take = [&](auto& dst, auto& src) {
    for (auto& e : src.buf) set_gid(e, gid_map[gid_of(e)]);
    bytes_ += src.buf.size() * sizeof(src.buf[0]);
    if (dst.buf.empty())
      dst.buf.swap(src.buf);
    else
      dst.buf.insert(dst.buf.end(), src.buf.begin(), src.buf.end());
    std::remove_reference_t<decltype(src.buf)>().swap(src.buf);
    for (auto& ch : src.spilled) {
      if (ch.gid_map) {  // compose: old ids -> other's ids -> ours
        auto m = std::make_shared<std::vector<uint32_t>>(*ch.gid_map);
        for (auto& g : *m) g = gid_map[g];
        ch.gid_map = std::move(m);
      } else {
        ch.gid_map = shared_map;
      }
      dst.spilled.push_back(std::move(ch));
    }
    src.spilled.clear();
  };
  take(small_, o.small_);
  take(wide_, o.wide_);
  for (auto& e : o.long_) long_.emplace_back(gid_map[e.first], std::move(e.second));
  decltype(long_)().swap(o.long_);
  maybe_spill();
}

std::vector<uint64_t> nunique_store::count(size_t groups, unsigned threads) {
  if (fingerprinted())
    throw std::logic_error("nunique: a fingerprinted store counts a group as its rows less its nulls");
  std::vector<uint64_t> out(groups, 0);
  init();
  auto counted = [&](auto& l) {
    using E = typename std::remove_reference_t<decltype(l.buf)>::value_type;
    std::vector<pooled_vector<E>> mem = by_partition(l.buf, group_hash_);
    pooled_vector<E>().swap(l.buf);
    count_layout(mem, l.spilled, out, threads);
    std::vector<spill_chunk>().swap(l.spilled);
  };
  counted(small_);
  counted(wide_);
  std::sort(long_.begin(), long_.end());
  long_.erase(std::unique(long_.begin(), long_.end()), long_.end());
  for (const auto& [gid, s] : long_) ++out[gid];
  decltype(long_)().swap(long_);
  for (size_t g = 0; g < counted_.size() && g < groups; ++g) out[g] += counted_[g];
  std::vector<uint64_t>().swap(counted_);
  bytes_ = 0;
  return out;
}

nunique_store::pair_set nunique_store::take_pairs(unsigned threads) {
  if (fingerprinted())
    throw std::logic_error("nunique: a fingerprinted store has no pairs to take");
  pair_set out;
  init();
  auto taken = [&](auto& l, auto& into) {
    using E = typename std::remove_reference_t<decltype(l.buf)>::value_type;
    if (l.spilled.empty() && threads <= 1 && into.empty()) {
      into = in_memory_distinct(l.buf, group_hash_);
      return;
    }
    std::vector<pooled_vector<E>> mem = by_partition(l.buf, group_hash_);
    pooled_vector<E>().swap(l.buf);
    threads = std::max(1u, threads);
    std::vector<pooled_vector<E>> local(threads);
    std::vector<std::vector<uint32_t>> sets(threads);
    visit_partitions(mem, l.spilled, threads, [&](unsigned t, const pooled_vector<E>& v, const auto& ranges) {
      std::vector<uint32_t>& slots = sets[t];
      const size_t mask = reset_set(slots, ranges);
      for (auto [from, to] : ranges)
        for (size_t k = from; k < to; ++k)
          if (first_seen(slots, mask, v, v[k], k)) local[t].push_back(v[k]);
      return true;
    });
    std::vector<spill_chunk>().swap(l.spilled);
    for (auto& part : local) into.insert(into.end(), part.begin(), part.end());
  };
  // In partition order, and within a partition in the order added: a state
  // read back and taken again gives the same sequence. (Sorting the pairs
  // took 16% of a map task.)
  taken(small_, out.small);
  taken(wide_, out.wide);
  std::sort(long_.begin(), long_.end());
  long_.erase(std::unique(long_.begin(), long_.end()), long_.end());
  out.longs.swap(long_);
  decltype(long_)().swap(long_);
  bytes_ = 0;
  return out;
}

void nunique_store::add_pairs(pair_set&& pairs) {
  init();
  become_exact();
  bytes_ += pairs.small.size() * 8 + pairs.wide.size() * sizeof(wide_entry);
  auto add = [](auto& to, auto& from) {
    if (to.empty())
      to.swap(from);  // a decoded state's pairs: no copy
    else
      to.insert(to.end(), from.begin(), from.end());
  };
  add(small_.buf, pairs.small);
  add(wide_.buf, pairs.wide);
  for (auto& l : pairs.longs) long_.push_back(std::move(l));
  maybe_spill();
}

void nunique_store::expect_growth(double factor) {
  auto grow = [&](auto& buf) {
    using E = typename std::remove_reference_t<decltype(buf)>::value_type;
    const double want = std::min(static_cast<double>(buf.size()) * factor, static_cast<double>(budget_ / 2 / sizeof(E)));
    if (want > static_cast<double>(buf.capacity())) buf.reserve(static_cast<size_t>(want));
  };
  if (mode_ == mode::fingerprint) {
    grow(fps_.buf);
  } else if (mode_ == mode::exact && !recent_.empty()) {
    grow(small_.buf);
    grow(wide_.buf);
  }
}

void nunique_store::reserve_for(const std::vector<const nunique_store*>& others) {
  if (recent_.empty()) return;  // nothing here yet: merge_from takes the first one's buffers
  size_t fps = 0, small = 0, wide = 0;
  for (const nunique_store* o : others) {
    fps += o->fps_.buf.size();
    small += o->small_.buf.size();
    wide += o->wide_.buf.size();
  }
  if (mode_ == mode::fingerprint) {
    fps_.buf.reserve(fps_.buf.size() + fps);
  } else if (mode_ == mode::exact) {
    small_.buf.reserve(small_.buf.size() + small);
    wide_.buf.reserve(wide_.buf.size() + wide);
  }
}

bool nunique_store::takes_fingerprints() {
  if (recent_.empty()) mode_ = mode::fingerprint;  // nothing here yet
  init();
  settle();
  distinct_ = -1;
  if (mode_ == mode::fingerprint) return true;
  mixed_ = true;  // exact pairs and fingerprints cannot count together
  return false;
}

void nunique_store::add_fingerprints(const void* h, size_t n) {
  if (!takes_fingerprints()) return;
  const size_t at = fps_.buf.size();
  fps_.buf.resize(at + n);
  static_assert(sizeof(fp_entry) == sizeof(uint64_t));
  if (n) std::memcpy(fps_.buf.data() + at, h, n * sizeof(uint64_t));
  bytes_ += n * sizeof(fp_entry);
  maybe_spill();
}

void nunique_store::spill_chunk::read(uint64_t at, void* to, size_t n) const {
  if (bytes)
    std::memcpy(to, bytes + at, n);
  else
    file->read(at, to, n);
}

void nunique_store::add_fingerprints_in_place(const void* h, std::vector<uint32_t> starts) {
  if (!takes_fingerprints()) return;
  if (starts[PARTS] == 0) return;
  spill_chunk ch;
  ch.bytes = static_cast<const char*>(h);
  ch.starts = std::move(starts);
  fps_.spilled.push_back(std::move(ch));
}

void nunique_store::add_nulls(uint32_t gid, uint64_t n) {
  if (mode_ != mode::fingerprint || n == 0) return;
  if (gid >= nulls_.size()) nulls_.resize(std::max<size_t>(gid + 1, nulls_.size() * 2), 0);
  nulls_[gid] += n;
}

void nunique_store::add_count(uint32_t gid, uint64_t n) {
  init();
  become_exact();
  if (gid >= counted_.size()) counted_.resize(std::max<size_t>(gid + 1, counted_.size() * 2), 0);
  counted_[gid] += n;
}

size_t nunique_store::memory_bytes() const {
  size_t b = long_.capacity() * sizeof(long_[0]) + recent_.capacity() * 8 + small_.buf.capacity() * 8 +
             wide_.buf.capacity() * sizeof(wide_entry) + part_ids_.capacity() * 2 + sorted_.capacity() +
             fps_.buf.capacity() * sizeof(fp_entry) + trial_.capacity() * 8 + nulls_.capacity() * 8;
  for (const auto* l : {&small_.spilled, &wide_.spilled, &fps_.spilled})
    for (const auto& ch : *l) b += sizeof(ch) + ch.starts.capacity() * 4;
  return b;
}

uint64_t nunique_store::spilled_bytes() const { return file_ ? file_->size() : 0; }

void testing::collide_fingerprints(std::string a, std::string b) {
  collide_a = std::move(a);
  collide_b = std::move(b);
  collide_on = !collide_b.empty() && collide_a != collide_b;
}

}  // namespace zeekgraph::agg
