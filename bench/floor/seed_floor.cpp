// A floor for the seed's summary on this machine: the least work the query
// needs, fused by hand into one loop for the headerless MACCDC-like conn.log
// that `zeekgraph gen` writes, with none of the engine's obligations.
//
// It is a measuring tool, not a second engine. It skips, on purpose:
//   - output (no sort, no CSV), and float sums in input order across threads
//     (each thread keeps its own Kahan sums; the engine replays them);
//   - flat memory (every nunique pair stays in memory: ~0.9 GB at 22.7M rows,
//     where the engine spills and stays near 100 MB);
//   - the input's variety: a header, an escape, a short line or a non-number
//     stops it with a message, and a host is keyed by its first 16 bytes and
//     its length (gen's IPv6 hosts differ before that; run.sh's count check
//     would show it if not);
//   - types: every column is read as the seed's conn.log has it.
// What it keeps is the query's real work: every line found and split up to
// conn_state, `ts`, `duration`, both byte counts and `id.resp_p` parsed, the
// three keys grouped exactly (81K groups at 22.7M rows), every state updated,
// exact distinct (group, port) counts, and a check that no two uid
// fingerprints are equal. Lines and numbers go through the engine's own
// scanner (zeek/line_scanner) and number parser (agg/number), so the floor
// differs from the engine in what it does with them, not in how it reads.
//
// usage: seed_floor MODE FILE [THREADS]
// MODE: read | split | one-group | full | partitioned | compact-keys
//   read          pread the file, nothing else (the kernel's copy)
//   split         + find the fields and parse the numbers, no grouping
//   one-group     + every state update, with every row in one group
//   full          the seed's work: a hash table of the three key texts, rows
//                 applied in batches of 128 with prefetches
//   partitioned   full, with rows first scattered into 64 partitions by key
//                 hash and applied a window of 512K rows at a time, so that
//                 a partition's groups stay in the cache
//   compact-keys  full, with IPv4 hosts parsed to 32 bits and a group's hot
//                 states in its hash slot (one random line a row)
// It prints the counts `run.sh` checks against zeekgraph's output and the
// seconds of its phases.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "agg/number.h"
#include "util/bits.h"
#include "zeek/line_scanner.h"

namespace {

using zeekgraph::load8;
using zeekgraph::mul_fold;

enum class mode { read, split, one_group, full, partitioned, compact_keys };

uint64_t mix(uint64_t a, uint64_t b) { return mul_fold(a ^ 0x9E3779B97F4A7C15ull, b ^ 0xD6E8FEB86659FD93ull); }

// Up to 8 bytes of p; the buffer always has 8 readable bytes past a line.
uint64_t load_prefix(const char* p, size_t n) {
  const uint64_t v = load8(p);
  return n >= 8 ? v : (v & ((1ull << (n * 8)) - 1));
}

// The three key texts, up to 16 + 16 + 8 bytes, lengths folded in.
struct text_key {
  uint64_t w[5];
};

text_key make_key(const char* o, size_t on, const char* r, size_t rn, const char* s, size_t sn) {
  text_key k;
  k.w[0] = load_prefix(o, std::min<size_t>(on, 8));
  k.w[1] = (on > 8 ? load_prefix(o + 8, on - 8) : 0) | (uint64_t{on} << 56);
  k.w[2] = load_prefix(r, std::min<size_t>(rn, 8));
  k.w[3] = (rn > 8 ? load_prefix(r + 8, rn - 8) : 0) | (uint64_t{rn} << 56);
  k.w[4] = load_prefix(s, sn);
  return k;
}

uint64_t hash_key(const text_key& k) { return mix(mix(k.w[0], k.w[1]) ^ k.w[4], mix(k.w[2], k.w[3])); }

// A number cell through the engine's parser (its %.6f and integer fast paths).
zeekgraph::agg::number parse(const char* p, size_t n) {
  zeekgraph::agg::number v;
  if (!zeekgraph::agg::parse_number_fast(std::string_view(p, n), v, zeekgraph::agg::float_parser::pandas)) {
    std::fprintf(stderr, "seed_floor: not a number: %.*s\n", static_cast<int>(n), p);
    std::exit(1);
  }
  return v;
}

// A canonical dotted quad (no leading zeros, parts up to 255) as 32 bits.
bool parse_ipv4(const char* p, size_t n, uint32_t& out) {
  uint32_t v = 0, part = 0;
  int dots = 0, digits = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '.') {
      if (digits == 0 || part > 255) return false;
      v = v << 8 | part;
      part = 0;
      digits = 0;
      ++dots;
      continue;
    }
    unsigned d = static_cast<unsigned>(p[i] - '0');
    if (d > 9 || (digits > 0 && part == 0)) return false;
    part = part * 10 + d;
    ++digits;
  }
  if (dots != 3 || digits == 0 || part > 255) return false;
  out = v << 8 | part;
  return true;
}

struct row {
  text_key key;
  uint64_t hash;
  double ts, duration;
  int64_t orig_bytes, resp_bytes;
  uint32_t port;
  bool has_duration, has_orig, has_resp;
};

struct numeric_states {
  double d_min = INFINITY, d_max = -INFINITY, d_sum = 0, d_comp = 0;
  uint64_t d_n = 0;
  int64_t ob_min = INT64_MAX, ob_max = INT64_MIN, ob_sum = 0;
  uint64_t ob_n = 0;
  int64_t rb_min = INT64_MAX, rb_max = INT64_MIN, rb_sum = 0;
  uint64_t rb_n = 0;
  int64_t sb_min = INT64_MAX, sb_max = INT64_MIN, sb_sum = 0;
  uint64_t sb_n = 0;

  void add(const row& r) {
    if (r.has_duration) {
      d_min = std::min(d_min, r.duration);
      d_max = std::max(d_max, r.duration);
      double y = r.duration - d_comp, t = d_sum + y;
      d_comp = (t - d_sum) - y;
      d_sum = t;
      ++d_n;
    }
    if (r.has_orig) {
      ob_min = std::min(ob_min, r.orig_bytes);
      ob_max = std::max(ob_max, r.orig_bytes);
      ob_sum += r.orig_bytes;
      ++ob_n;
    }
    if (r.has_resp) {
      rb_min = std::min(rb_min, r.resp_bytes);
      rb_max = std::max(rb_max, r.resp_bytes);
      rb_sum += r.resp_bytes;
      ++rb_n;
    }
    if (r.has_orig && r.has_resp) {
      int64_t v = r.orig_bytes + r.resp_bytes;
      sb_min = std::min(sb_min, v);
      sb_max = std::max(sb_max, v);
      sb_sum += v;
      ++sb_n;
    }
  }
};

struct alignas(64) group_state {
  uint64_t count = 0, uids = 0;
  double ts_min = INFINITY, ts_max = -INFINITY;
  numeric_states numbers;

  void add(const row& r) {
    ++count;
    ++uids;
    ts_min = std::min(ts_min, r.ts);
    ts_max = std::max(ts_max, r.ts);
    numbers.add(r);
  }
};

// compact-keys: the hot states live in the hash slot, the rest beside it.
struct alignas(64) hot_slot {
  uint64_t hosts = 0;
  uint32_t state_id = 0, group = ~0u;
  uint64_t count = 0, uids = 0;
  double ts_min = INFINITY, ts_max = -INFINITY;
};

struct slot {
  uint32_t tag = 0, group = 0;
};

// The tables have a fixed size, enough for gen's logs (81K groups at 22.7M rows).
[[noreturn]] void too_many_groups() {
  std::fprintf(stderr, "seed_floor: more groups than its fixed tables hold (it is for gen's logs)\n");
  std::exit(1);
}

class thread_state {
 public:
  std::vector<text_key> keys;
  std::vector<group_state> groups;
  std::vector<uint64_t> port_pairs;    // group << 16 | port
  std::vector<uint64_t> uid_hashes;

  thread_state() : slots_(1u << 19), mask_((1u << 19) - 1) {
    groups.reserve(1u << 17);
    keys.reserve(1u << 17);
    port_pairs.reserve(12u << 20);
    uid_hashes.reserve(12u << 20);
  }

  void prefetch_slot(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  uint32_t find(const text_key& k, uint64_t hash) {
    uint32_t tag = static_cast<uint32_t>(hash >> 32) | 1;
    for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.tag == tag && std::memcmp(&keys[s.group], &k, sizeof k) == 0) return s.group;
      if (s.tag == 0) {
        if (groups.size() > mask_ / 2) too_many_groups();
        s = slot{tag, static_cast<uint32_t>(groups.size())};
        keys.push_back(k);
        groups.emplace_back();
        return s.group;
      }
    }
  }

  // compact-keys
  std::vector<hot_slot> hot = std::vector<hot_slot>(1u << 18);
  std::vector<numeric_states> cold;
  std::vector<uint64_t> state_words;

  uint32_t state_id(uint64_t word) {
    for (size_t i = 0; i < state_words.size(); ++i)
      if (state_words[i] == word) return static_cast<uint32_t>(i);
    state_words.push_back(word);
    return static_cast<uint32_t>(state_words.size() - 1);
  }

  hot_slot& find_hot(uint64_t hosts, uint32_t state, uint64_t hash) {
    const uint64_t mask = hot.size() - 1;
    for (uint64_t i = hash & mask;; i = (i + 1) & mask) {
      hot_slot& s = hot[i];
      if (s.group != ~0u && s.hosts == hosts && s.state_id == state) return s;
      if (s.group == ~0u) {
        if (cold.size() > mask / 2) too_many_groups();
        s.hosts = hosts;
        s.state_id = state;
        s.group = static_cast<uint32_t>(cold.size());
        cold.emplace_back();
        return s;
      }
    }
  }

 private:
  std::vector<slot> slots_;
  uint64_t mask_;
};

class scanner {
 public:
  scanner(mode m, thread_state& state) : mode_(m), s_(state) {
    if (m == mode::partitioned)
      for (auto& p : partitions_) p.reserve(WINDOW / PARTITIONS * 2);
  }

  void run(int fd, size_t begin, size_t end) {
    std::vector<char> buf(BUFFER + 64);
    size_t carry = 0, offset = begin;
    for (;;) {
      size_t want = std::min(BUFFER - carry, end - offset);
      ssize_t got = want > 0 ? pread(fd, buf.data() + carry, want, static_cast<off_t>(offset)) : 0;
      if (got < 0) got = 0;
      offset += static_cast<size_t>(got);
      size_t n = carry + static_cast<size_t>(got);
      if (n == 0) break;
      if (mode_ == mode::read) {
        carry = 0;
        continue;
      }
      const bool at_end = offset >= end;
      if (at_end && buf[n - 1] != '\n') buf[n++] = '\n';  // the last line, unended
      size_t last = n;  // whole lines only
      while (last > 0 && buf[last - 1] != '\n') --last;
      split_lines(buf.data(), last);
      carry = n - last;
      std::memmove(buf.data(), buf.data() + last, carry);
      if (at_end) break;
    }
    flush();
    drain();
  }

  double checksum() const { return checksum_; }

 private:
  static constexpr size_t BUFFER = 1u << 20;
  static constexpr size_t BATCH = 128;
  static constexpr size_t PARTITIONS = 64;
  static constexpr size_t WINDOW = 512u << 10;
  static constexpr size_t LAST_FIELD = 11;  // conn_state

  // Lines in [d, d + last), each ending in '\n', classified a span at a time
  // and walked in the span's masks, as the engine's reader does.
  void split_lines(const char* d, size_t last) {
    for (size_t at = 0; at < last;) {
      span_.scan(d + at, last - at, '\t');
      size_t s = 0;  // the line's offset in the span
      while (s < span_.size()) {
        const char* line = d + at + s;
        const zeekgraph::zeek::scanned_line r =
            zeekgraph::zeek::scan_line(span_, s, LAST_FIELD, SIZE_MAX, [&](size_t i, size_t b, size_t e) {
              field_[i] = line + b;
              length_[i] = e - b;
            });
        if (r.status == zeekgraph::zeek::scan_status::no_newline && s > 0) break;  // cut: a new span from here
        if (r.status != zeekgraph::zeek::scan_status::ok || r.fields <= LAST_FIELD) {
          std::fprintf(stderr, "seed_floor: a line it cannot read (escapes, few fields, or over 16 KiB)\n");
          std::exit(1);
        }
        add_line();
        s += r.length + 1;
      }
      at += s;
    }
  }

  void add_line() {
    const char* const* f = field_;
    const size_t* len = length_;
    row& r = batch_[batch_size_];
    if (mode_ == mode::compact_keys) {
      uint32_t a, b;
      if (!parse_ipv4(f[2], len[2], a)) a = static_cast<uint32_t>(mix(load_prefix(f[2], 8), len[2]));
      if (!parse_ipv4(f[4], len[4], b)) b = static_cast<uint32_t>(mix(load_prefix(f[4], 8), len[4]));
      r.key.w[0] = uint64_t{a} << 32 | b;
      r.key.w[1] = s_.state_id(load_prefix(f[11], len[11]));
      r.hash = mix(r.key.w[0], r.key.w[1]);
    } else {
      r.key = make_key(f[2], len[2], f[4], len[4], f[11], len[11]);
      if (mode_ == mode::one_group) r.key = text_key{};
      r.hash = hash_key(r.key);
    }
    r.ts = parse(f[0], len[0]).d;
    // A uid's fingerprint: its first 8 and last 8 of 18 bytes.
    s_.uid_hashes.push_back(mix(load8(f[1]), load8(f[1] + 10) ^ (len[1] << 1)));
    r.port = static_cast<uint32_t>(parse(f[5], len[5]).i);
    r.has_duration = f[8][0] != '-';
    if (r.has_duration) r.duration = parse(f[8], len[8]).d;
    r.has_orig = f[9][0] != '-';
    if (r.has_orig) r.orig_bytes = parse(f[9], len[9]).i;
    r.has_resp = f[10][0] != '-';
    if (r.has_resp) r.resp_bytes = parse(f[10], len[10]).i;
    if (++batch_size_ == BATCH) flush();
  }

  void flush() {
    switch (mode_) {
      case mode::read:
        break;
      case mode::split:
        for (size_t i = 0; i < batch_size_; ++i) checksum_ += batch_[i].ts + batch_[i].port;
        break;
      case mode::partitioned:
        for (size_t i = 0; i < batch_size_; ++i) partitions_[batch_[i].hash >> 58].push_back(batch_[i]);
        in_partitions_ += batch_size_;
        if (in_partitions_ >= WINDOW) drain();
        break;
      case mode::compact_keys:
        flush_compact();
        break;
      default:
        for (size_t i = 0; i < batch_size_; ++i) s_.prefetch_slot(batch_[i].hash);
        for (size_t i = 0; i < batch_size_; ++i) {
          group_[i] = s_.find(batch_[i].key, batch_[i].hash);
          __builtin_prefetch(&s_.groups[group_[i]]);
          __builtin_prefetch(reinterpret_cast<const char*>(&s_.groups[group_[i]]) + 64);
        }
        for (size_t i = 0; i < batch_size_; ++i) apply(batch_[i], group_[i]);
    }
    batch_size_ = 0;
  }

  void flush_compact() {
    for (size_t i = 0; i < batch_size_; ++i) __builtin_prefetch(&s_.hot[batch_[i].hash & (s_.hot.size() - 1)]);
    hot_slot* hot[BATCH];
    for (size_t i = 0; i < batch_size_; ++i) {
      const row& r = batch_[i];
      hot[i] = &s_.find_hot(r.key.w[0], static_cast<uint32_t>(r.key.w[1]), r.hash);
      if (r.has_duration || r.has_orig || r.has_resp) __builtin_prefetch(&s_.cold[hot[i]->group]);
    }
    for (size_t i = 0; i < batch_size_; ++i) {
      const row& r = batch_[i];
      hot_slot& h = *hot[i];
      ++h.count;
      ++h.uids;
      h.ts_min = std::min(h.ts_min, r.ts);
      h.ts_max = std::max(h.ts_max, r.ts);
      s_.port_pairs.push_back(uint64_t{h.group} << 16 | r.port);
      if (r.has_duration || r.has_orig || r.has_resp) s_.cold[h.group].add(r);
    }
  }

  void apply(const row& r, uint32_t group) {
    s_.groups[group].add(r);
    s_.port_pairs.push_back(uint64_t{group} << 16 | r.port);
  }

  void drain() {
    for (auto& p : partitions_) {
      for (const row& r : p) apply(r, s_.find(r.key, r.hash));
      p.clear();
    }
    in_partitions_ = 0;
  }

  mode mode_;
  thread_state& s_;
  zeekgraph::zeek::span_masks span_;
  const char* field_[LAST_FIELD + 1];
  size_t length_[LAST_FIELD + 1];
  row batch_[BATCH];
  uint32_t group_[BATCH];
  size_t batch_size_ = 0;
  std::vector<row> partitions_[PARTITIONS];
  size_t in_partitions_ = 0;
  double checksum_ = 0;  // split: keeps the parsed values from being optimised away
};

// Equal values among v: partitioned by hash into 1,024 parts, each deduped in
// a cache-sized open-addressing set (the engine's way, without its spill).
size_t count_repeats(const std::vector<uint64_t>& v) {
  constexpr int BITS = 10, PARTS = 1 << BITS;
  auto part = [](uint64_t x) { return (x * 0x9E3779B97F4A7C15ull) >> (64 - BITS); };
  std::vector<size_t> start(PARTS + 1, 0);
  for (uint64_t x : v) ++start[part(x) + 1];
  for (int i = 0; i < PARTS; ++i) start[i + 1] += start[i];
  std::vector<uint64_t> sorted(v.size());
  std::vector<size_t> pos(start.begin(), start.end() - 1);
  for (uint64_t x : v) sorted[pos[part(x)]++] = x;
  size_t repeats = 0;
  std::vector<uint64_t> set;
  for (int i = 0; i < PARTS; ++i) {
    size_t cap = 1;
    while (cap < 2 * (start[i + 1] - start[i])) cap <<= 1;
    set.assign(cap, ~0ull);
    for (size_t j = start[i]; j < start[i + 1]; ++j) {
      uint64_t x = sorted[j];
      size_t h = ((x * 0xD6E8FEB86659FD93ull) >> 20) & (cap - 1);
      while (set[h] != ~0ull && set[h] != x) h = (h + 1) & (cap - 1);
      if (set[h] == x)
        ++repeats;
      else
        set[h] = x;
    }
  }
  return repeats;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::pair<std::string, mode>> modes = {
      {"read", mode::read},           {"split", mode::split},       {"one-group", mode::one_group},
      {"full", mode::full},           {"partitioned", mode::partitioned}, {"compact-keys", mode::compact_keys}};
  auto chosen = std::find_if(modes.begin(), modes.end(), [&](auto& m) { return argc > 1 && m.first == argv[1]; });
  if (argc < 3 || chosen == modes.end()) {
    std::fprintf(stderr, "usage: seed_floor read|split|one-group|full|partitioned|compact-keys FILE [THREADS]\n");
    return 2;
  }
  const mode m = chosen->second;
  const int threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
  const auto start = std::chrono::steady_clock::now();
  int fd = open(argv[2], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  std::vector<size_t> cut(threads + 1, size);
  cut[0] = 0;
  for (int t = 1; t < threads; ++t) {  // each piece starts after a newline
    size_t o = size * t / threads;
    char c;
    while (pread(fd, &c, 1, static_cast<off_t>(o)) == 1 && c != '\n') ++o;
    cut[t] = o + 1;
  }
  std::vector<thread_state> states(threads);
  double sink = 0;
  {
    std::vector<std::thread> pool;
    std::vector<double> sinks(threads);
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        scanner s(m, states[t]);
        s.run(fd, cut[t], cut[t + 1]);
        sinks[t] = s.checksum();
      });
    for (auto& p : pool) p.join();
    for (double s : sinks) sink += s;
  }
  const double rows_s = seconds_since(start);

  // Fold the threads into the first: groups by key, pairs remapped.
  const auto merge_start = std::chrono::steady_clock::now();
  thread_state& total = states[0];
  uint64_t rows = 0, uids = 0;
  size_t groups = 0;
  if (m == mode::compact_keys) {
    // Groups stay per thread here (a group seen by both counts twice), and
    // pairs join unmapped: the counts are not checked, only the time.
    for (auto& s : states)
      for (auto& h : s.hot)
        if (h.group != ~0u) rows += h.count, uids += h.uids, ++groups;
    for (int t = 1; t < threads; ++t)
      total.port_pairs.insert(total.port_pairs.end(), states[t].port_pairs.begin(), states[t].port_pairs.end());
  } else {
    for (int t = 1; t < threads; ++t) {
      std::vector<uint32_t> remap(states[t].groups.size());
      for (size_t g = 0; g < remap.size(); ++g) {
        const text_key& k = states[t].keys[g];
        remap[g] = total.find(k, hash_key(k));
        group_state& a = total.groups[remap[g]];
        const group_state& b = states[t].groups[g];
        a.count += b.count;
        a.uids += b.uids;
        a.ts_min = std::min(a.ts_min, b.ts_min);
        a.ts_max = std::max(a.ts_max, b.ts_max);
        a.numbers.d_sum += b.numbers.d_sum;
        a.numbers.ob_sum += b.numbers.ob_sum;
        a.numbers.rb_sum += b.numbers.rb_sum;
        a.numbers.sb_sum += b.numbers.sb_sum;
      }
      for (uint64_t x : states[t].port_pairs) total.port_pairs.push_back(uint64_t{remap[x >> 16]} << 16 | (x & 0xffff));
    }
    for (auto& g : total.groups) rows += g.count, uids += g.uids;
    groups = total.groups.size();
  }
  for (int t = 1; t < threads; ++t)
    total.uid_hashes.insert(total.uid_hashes.end(), states[t].uid_hashes.begin(), states[t].uid_hashes.end());
  const double merge_s = seconds_since(merge_start);

  // The two distinct counts, one thread each.
  const auto nunique_start = std::chrono::steady_clock::now();
  size_t port_repeats = 0, uid_repeats = 0;
  {
    std::thread ports([&] { port_repeats = count_repeats(total.port_pairs); });
    uid_repeats = count_repeats(total.uid_hashes);
    ports.join();
  }
  const double nunique_s = seconds_since(nunique_start);

  std::printf("mode=%s threads=%d groups=%zu rows=%llu port_distinct=%zu uid_distinct=%zu uid_repeats=%zu\n",
              chosen->first.c_str(), threads, groups, static_cast<unsigned long long>(rows),
              total.port_pairs.size() - port_repeats, static_cast<size_t>(uids), uid_repeats);
  std::printf("seconds rows=%.3f merge=%.3f nunique=%.3f total=%.3f checksum=%.0f\n", rows_s, merge_s,
              nunique_s, seconds_since(start), sink);
  return 0;
}
