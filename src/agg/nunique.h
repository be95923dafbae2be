// Exact distinct counting per group, in bounded memory.
//
// Each (group, value) pair is stored packed and lossless: 8 bytes for whole
// numbers in [0, 2^32) (ports) with their group id; 20 bytes for anything
// else that fits 128 bits (numbers, [0-9A-Za-z] strings of up to 21
// characters such as Zeek uids, other strings up to 15 bytes); a string
// otherwise. The layout depends on the value alone, so equal values meet.
//
// Pairs are appended in arrival order to a buffer (a sequential write per
// row). When the buffers pass half the memory budget they are spilled: one
// counting-sort pass groups them into 1,024 partitions by a hash of the
// value and of the group's key values (see set_group_hashes), and one write
// appends them to an unlinked temporary file. Memory
// stays flat however long the input (the file lives in the page cache,
// not in our resident set). Counting reads one partition at a time, in
// memory and from the file, and dedupes it in a hash set that fits in L2.
// (Partitioning each pair as it arrived scattered its stores over 2,048
// cache lines and cost a write call per partition per spill;
// docs/PERFORMANCE.md.)
//
// Fingerprints. A column whose values are (nearly) all different, such as
// conn.log's uid, has as many distinct values per group as non-null values
// when no value repeats anywhere. A store built with `fingerprints` starts
// with a trial: its first TRIAL texts are kept both ways, as exact pairs
// and as 8-byte fingerprints (a 64-bit hash, no group id). If no two trial
// fingerprints are equal it keeps only fingerprints from then on, and the
// count of a group is its non-null values; otherwise it stays exact. A
// fingerprinted store is only right once values_distinct() has found no
// two equal fingerprints in the whole column (then no two values are
// equal); when it finds some (a repeated value, or a 1-in-2^64 collision)
// the caller must read the input again with an exact store. Only a caller
// that can read its input twice may ask for fingerprints.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agg/number.h"
#include "agg/spill_file.h"
#include "util/block_pool.h"

namespace zeekgraph::agg {


class nunique_store {
 public:
  explicit nunique_store(size_t memory_budget = size_t{64} << 20, bool fingerprints = false);
  ~nunique_store();
  nunique_store(nunique_store&&) noexcept;
  nunique_store& operator=(nunique_store&&) noexcept;

  void add_text(uint32_t gid, std::string_view s);
  void add_number(uint32_t gid, const number& n);
  // A null cell of group `gid`: a fingerprinted store counts them, since a
  // group's count is then its rows less its nulls.
  void add_null(uint32_t gid) {
    if (mode_ != mode::exact) add_null_slow(gid);
  }
  // Whether the store keeps fingerprints (decides a trial still running).
  bool fingerprinted();
  // Null cells of `gid` seen by a fingerprinted store.
  uint64_t nulls(uint32_t gid) const { return gid < nulls_.size() ? nulls_[gid] : 0; }
  // False when the store cannot count exactly: a fingerprinted store with
  // two equal fingerprints, or one that merged stores of both kinds. An
  // exact store is always true. Computed once, on `threads` threads, so
  // call it after the last value is added (a merge starts it afresh).
  bool values_distinct(unsigned threads = 1);

  // A hash of each group's key values, by group id, kept up to date by the
  // owner: pairs are partitioned by it with their value, so that one common
  // value does not fill one partition. Stores whose pairs meet (merge_from)
  // must all have one, computed the same way, or none.
  void set_group_hashes(const std::vector<uint32_t>* group_hash) { group_hash_ = group_hash; }

  // Takes the pairs of `other`, its group ids mapped through `gid_map`.
  void merge_from(nunique_store&& other, const std::vector<uint32_t>& gid_map);

  // Distinct values per group, for groups 0..groups-1. Consumes the pairs.
  // Exact stores only (a fingerprinted one throws std::logic_error).
  std::vector<uint64_t> count(size_t groups, unsigned threads = 1);

  size_t memory_bytes() const;
  uint64_t spilled_bytes() const;
  // Nothing, not even a null, was ever added or merged in.
  bool empty() const { return recent_.empty(); }

#pragma pack(push, 4)
  struct wide_entry {
    uint64_t lo, hi;
    uint32_t gid;
  };
#pragma pack(pop)

  // A fingerprint: its top PART_BITS pick the partition.
  struct fp_entry {
    uint64_t h;
  };
  // A state file's pairs (agg/state_file): each (group, value) pair once,
  // in the store's packed encodings, which depend on the value alone.
  struct pair_set {
    pooled_vector<uint64_t> small;  // gid << 32 | value
    pooled_vector<wide_entry> wide;
    std::vector<std::pair<uint32_t, std::string>> longs;
  };
  // Takes every pair out, duplicates removed, a partition at a time (on one
  // thread: in the order added within each); an exact store only (a
  // fingerprinted one throws std::logic_error). Consumes the pairs.
  pair_set take_pairs(unsigned threads = 1);
  // Adds pairs as take_pairs() gave them; the caller has checked their
  // group ids. Makes the store exact.
  void add_pairs(pair_set&& pairs);
  // Adds `n` distinct values to group `gid` that count() reports without
  // pairs: a closed state's counts, whose groups no other state shares.
  void add_count(uint32_t gid, uint64_t n);

  // A state file's fingerprints (agg/state_file). A distributed job's map
  // tasks keep fingerprints where the single-process engine would, and
  // shard them by value: fingerprint_shard(h, R) picks the reduce task that
  // checks h against every other map's fingerprints of that shard. When no
  // shard repeats, no value repeats anywhere, and a group's count is its
  // rows less its nulls, exactly; when one does (a repeated value, or a
  // 1-in-2^64 collision), the job runs again with exact pairs.
  static uint32_t fingerprint_shard(uint64_t h, uint32_t shards) {
    // The top bits of h times an odd constant: independent of both the
    // top bits (the spill partition) and the low bits (the hash set slot)
    // that values_distinct() uses.
    const unsigned __int128 x = static_cast<unsigned __int128>(h * 0x9e3779b97f4a7c15ull) * shards;
    return static_cast<uint32_t>(x >> 64);
  }
  // Calls `visit(h, n)` on runs of every fingerprint (each non-zero), from
  // the spill file, then memory, and empties the store of them; a
  // fingerprinted store only (an exact one throws std::logic_error).
  template <typename Visit>
  void take_fingerprints(Visit&& visit);
  // The same runs, leaving the store as it is (to visit them twice).
  template <typename Visit>
  void visit_fingerprints(Visit&& visit);
  // `n` fingerprints as take_fingerprints() gave them (8 bytes each, in
  // the host's order, at any alignment), none of them 0: the
  // store keeps fingerprints from now on, unless it already held exact
  // pairs, which makes it unable to count (values_distinct() is false).
  void add_fingerprints(const void* h, size_t n);
  // The partition a fingerprint falls in: its top PART_BITS.
  static size_t fingerprint_partition(uint64_t h) { return h >> (64 - PART_BITS); }
  // Where each partition of `n` fingerprints starts (PARTS + 1 entries),
  // when they are in partition order (fingerprint_partition never
  // decreases), as a state file's are; nullopt when not. `check(h)` is
  // asked of each too, in the same pass: nullopt when it says no.
  template <typename Check>
  static std::optional<std::vector<uint32_t>> partition_starts(const void* h, size_t n, Check&& check);
  // As add_fingerprints(), for fingerprints in partition order with their
  // partition_starts(): they are read where they lie, not copied, so `h`
  // must outlive the store and every store it merges into. (A reduce task
  // copied its 91 MB of fingerprints three times: decoding, merging and
  // partitioning them.)
  void add_fingerprints_in_place(const void* h, std::vector<uint32_t> starts);
  // The caller expects `factor` times the values added so far: room for
  // them in the buffer in use, up to where it would spill (a long piece
  // reserves once what doubling would fault in twice; agg::partial_aggregate::
  // expect_growth).
  void expect_growth(double factor);
  // Room for what `others` hold in memory, as merge_from() adds it: a merge
  // of many states then copies each once (a reduce task's first state's
  // pairs were copied again with every state merged into it).
  void reserve_for(const std::vector<const nunique_store*>& others);
  // `n` null cells of group `gid`, for a store fed add_fingerprints().
  void add_nulls(uint32_t gid, uint64_t n);
  // Fingerprints held (a fingerprinted store), in memory and spilled.
  size_t fingerprint_count() const {
    size_t n = fps_.buf.size();
    for (const spill_chunk& ch : fps_.spilled) n += ch.starts[PARTS];
    return n;
  }
  // Whether the store cannot count: it merged fingerprints with exact
  // pairs or numbers, or was marked so.
  bool repeated() const { return mixed_; }
  // The store cannot count (a state whose fingerprints repeated):
  // values_distinct() is false from now on.
  void mark_repeated() {
    init();
    mixed_ = true;
    distinct_ = -1;
  }

  static constexpr size_t TRIAL = 32768;

  static constexpr int PART_BITS = 10;
  static constexpr size_t PARTS = size_t{1} << PART_BITS;

  // One spill of one layout: its pairs sorted by partition at `offset` in
  // a file, where each partition starts (in pairs, PARTS + 1 entries), and
  // the group id map to apply when they are read back (null = none). One
  // record per spill, not per partition: 48-byte records per partition
  // grew the resident set by 14 MB at 22.7M rows.
  // A chunk may also lie in memory the store borrows (`bytes`, a state
  // file's fingerprints read in place: add_fingerprints_in_place), at
  // `offset` there.
  struct spill_chunk {
    std::shared_ptr<spill_file> file;
    uint64_t offset = 0;
    std::vector<uint32_t> starts;
    std::shared_ptr<const std::vector<uint32_t>> gid_map;
    const char* bytes = nullptr;
    // `n` bytes at `at` (from the chunk's file or borrowed bytes).
    void read(uint64_t at, void* to, size_t n) const;
  };

 private:
  template <typename E>
  struct layout {
    pooled_vector<E> buf;  // not yet partitioned
    std::vector<spill_chunk> spilled;
  };
  template <typename E>
  void spill_layout(layout<E>& l);
  void init();
  void maybe_spill() {
    if (bytes_ > budget_ / 2) spill();
  }
  void spill();

  enum class mode : unsigned char { exact, trial, fingerprint };
  void add_null_slow(uint32_t gid);
  void settle();  // ends a trial: fingerprints if no two were equal
  // Before fingerprints are added: whether the store keeps them (else it
  // held exact pairs, and is marked unable to count).
  bool takes_fingerprints();
  void become_exact();  // exact pairs only, from now on

  size_t budget_;
  const std::vector<uint32_t>* group_hash_ = nullptr;
  size_t bytes_ = 0;  // bytes of pairs held in memory
  mode mode_ = mode::exact;
  bool mixed_ = false;    // merged a fingerprinted store with an exact one
  int distinct_ = -1;     // values_distinct(), once computed
  layout<fp_entry> fps_;
  std::vector<uint64_t> trial_;   // the trial's fingerprints
  std::vector<uint64_t> nulls_;   // per group, while not exact
  layout<uint64_t> small_;   // gid << 32 | value
  layout<wide_entry> wide_;
  std::vector<std::pair<uint32_t, std::string>> long_;
  std::vector<uint64_t> counted_;  // add_count(), by group id
  std::vector<uint64_t> recent_;  // direct-mapped cache of small pairs just added
  static constexpr uint64_t RECENT_TRIAL = uint64_t{1} << 16;
  bool recent_on_ = true;
  uint64_t recent_hits_ = 0, recent_tries_ = 0;
  std::shared_ptr<spill_file> file_;
  std::vector<uint16_t> part_ids_;   // spill scratch: partition per pair
  std::vector<unsigned char> sorted_;  // spill scratch: pairs by partition
};

template <typename Check>
std::optional<std::vector<uint32_t>> nunique_store::partition_starts(const void* h, size_t n, Check&& check) {
  if (n >= UINT32_MAX) return std::nullopt;
  std::vector<uint32_t> starts(PARTS + 1, 0);
  const char* at = static_cast<const char*>(h);
  size_t last = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t x;
    std::memcpy(&x, at + i * 8, 8);
    const size_t p = fingerprint_partition(x);
    if (p < last || !check(x)) return std::nullopt;
    last = p;
    ++starts[p + 1];
  }
  for (size_t p = 0; p < PARTS; ++p) starts[p + 1] += starts[p];
  return starts;
}

template <typename Visit>
void nunique_store::visit_fingerprints(Visit&& visit) {
  if (!fingerprinted()) throw std::logic_error("nunique: an exact store has no fingerprints to take");
  std::vector<uint64_t> run;
  for (const spill_chunk& ch : fps_.spilled) {
    run.resize(ch.starts[PARTS]);
    if (!run.empty()) ch.read(ch.offset, run.data(), run.size() * sizeof(uint64_t));
    visit(static_cast<const uint64_t*>(run.data()), run.size());
  }
  static_assert(sizeof(fp_entry) == sizeof(uint64_t));
  if (!fps_.buf.empty()) visit(reinterpret_cast<const uint64_t*>(fps_.buf.data()), fps_.buf.size());
}

template <typename Visit>
void nunique_store::take_fingerprints(Visit&& visit) {
  visit_fingerprints(visit);
  std::vector<spill_chunk>().swap(fps_.spilled);
  pooled_vector<fp_entry>().swap(fps_.buf);
  bytes_ = 0;
}

namespace testing {
// Test hook: text `b` gets the fingerprint of text `a`, a collision of two
// distinct values that only exact pairs tell apart; two empty strings end
// it. Set it before a summary starts, never while one runs.
void collide_fingerprints(std::string a, std::string b);
}  // namespace testing

}  // namespace zeekgraph::agg
