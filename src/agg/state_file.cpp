#include "agg/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "agg/byte_codec.h"
#include "agg/finalize.h"
#include "agg/group_table.h"

namespace zeekgraph::agg {

namespace {

using codec::reader;
using codec::writer;

constexpr char MAGIC[8] = {'Z', 'G', 'S', 'T', 'A', 'T', 'E', '\n'};
enum section_tag : uint32_t { META = 1, FACTS = 2, GROUPS = 3, FLOATS = 4, UNIQUE = 5, END = 6 };

// ---- the query ---------------------------------------------------------------

void put_spec(writer& w, const query_spec& q) {
  w.var(q.keys.size());
  for (const auto& k : q.keys) w.str(k);
  w.var(q.aggs.size());
  for (const auto& a : q.aggs) {
    w.str(a.column);
    w.var(a.fns.size());
    for (agg_fn f : a.fns) w.u8(static_cast<uint8_t>(f));
  }
  w.var(q.derived.size());
  for (const auto& d : q.derived) {
    w.str(d.name);
    w.str(d.left);
    w.str(d.right);
  }
  w.u8(q.seed_extras);
}

std::string spec_bytes(const query_spec& q) {
  writer w;
  put_spec(w, q);
  return std::string(w.b);
}

// A spec that aggregate_plan::make can build: every name it looks up is
// there, derived operands come before their use.
bool spec_buildable(const query_spec& q) {
  if (q.keys.empty()) return false;
  std::vector<std::string> names = q.input_columns();
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  for (const auto& d : q.derived) {
    if (!has(d.left) || !has(d.right) || d.left == d.name || d.right == d.name) return false;
    for (const auto& e : q.derived)
      if (&e != &d && e.name == d.name) return false;
    names.push_back(d.name);
  }
  for (const auto& k : q.keys)
    if (!has(k)) return false;
  for (size_t i = 0; i < q.keys.size(); ++i)
    for (size_t j = i + 1; j < q.keys.size(); ++j)
      if (q.keys[i] == q.keys[j]) return false;
  for (const auto& a : q.aggs)
    if (!has(a.column)) return false;
  return true;
}

bool get_spec(reader& r, query_spec& q) {
  const size_t nk = r.count(1, "the query's keys");
  for (size_t i = 0; i < nk && r.ok(); ++i) q.keys.emplace_back(r.bytes("a key"));
  const size_t na = r.count(2, "the query's aggregates");
  for (size_t i = 0; i < na && r.ok(); ++i) {
    agg_column a;
    a.column = r.bytes("an aggregate");
    const size_t nf = r.count(1, "an aggregate's functions");
    for (size_t j = 0; j < nf && r.ok(); ++j) {
      const uint8_t f = r.u8("an aggregate function");
      if (f > static_cast<uint8_t>(agg_fn::mean)) r.fail("an unknown aggregate function");
      a.fns.push_back(static_cast<agg_fn>(f));
    }
    q.aggs.push_back(std::move(a));
  }
  const size_t nd = r.count(3, "the query's derived columns");
  for (size_t i = 0; i < nd && r.ok(); ++i) {
    derived_column d;
    d.name = r.bytes("a derived column");
    d.left = r.bytes("a derived column");
    d.right = r.bytes("a derived column");
    q.derived.push_back(std::move(d));
  }
  q.seed_extras = r.flag("the query");
  if (r.ok() && !spec_buildable(q)) r.fail("a query that names columns it does not have");
  return r.ok();
}

std::vector<int> kahan_columns(const aggregate_plan& plan) {
  std::vector<int> k;
  for (size_t c = 0; c < plan.columns.size(); ++c)
    if (plan.columns[c].kahan_sum()) k.push_back(static_cast<int>(c));
  return k;
}

std::vector<int> nunique_columns(const aggregate_plan& plan) {
  std::vector<int> k;
  for (size_t c = 0; c < plan.columns.size(); ++c)
    if (plan.columns[c].need_nunique) k.push_back(static_cast<int>(c));
  return k;
}

const char* mode_name(value_mode m) { return m == value_mode::numeric ? "numbers" : "text"; }

}  // namespace

// ---- the groups: partial_aggregate's states ----------------------------------

class state_codec {
 public:
  // Key values of group g, in the bytes sum_replay and finalize read.
  static uint64_t key_hash(const partial_aggregate& a, uint32_t g) {
    std::string key;
    for (size_t k = 0; k < a.plan_.key_columns.size(); ++k) {
      const std::string_view v = a.key_value(g, k);
      const uint32_t n = static_cast<uint32_t>(v.size());
      key.append(reinterpret_cast<const char*>(&n), 4);
      key.append(v);
    }
    return group_table::hash(key);
  }

  static void put_facts(writer& w, const partial_aggregate& a) {
    w.var(a.facts_.size());
    for (const column_facts& f : a.facts_) {
      w.var(f.nulls);
      w.var(f.values);
      w.var(f.float_text);
      w.var(f.not_numeric);
      w.var(f.big_ints);
      w.var(f.negative_zeros);
      w.f64(f.abs_sum);
    }
  }

  static void get_facts(reader& r, partial_aggregate& a) {
    const size_t n = r.count(14, "the column facts");
    if (r.ok() && n != a.facts_.size()) r.fail("column facts for another number of columns");
    for (size_t c = 0; c < n && r.ok(); ++c) {
      column_facts& f = a.facts_[c];
      f.nulls = r.var("the column facts");
      f.values = r.var("the column facts");
      f.float_text = r.var("the column facts");
      f.not_numeric = r.var("the column facts");
      f.big_ints = r.var("the column facts");
      f.negative_zeros = r.var("the column facts");
      f.abs_sum = r.f64("the column facts");
    }
  }

  static void set_facts(partial_aggregate& a, const std::vector<column_facts>& f) { a.facts_ = f; }
  static const std::vector<column_facts>& facts(const partial_aggregate& a) { return a.facts_; }

  static void put_group(writer& w, partial_aggregate& a, uint32_t g) {
    const aggregate_plan& plan = a.plan_;
    for (size_t k = 0; k < plan.key_columns.size(); ++k) w.str(a.key_value(g, k));
    const uint64_t* b = a.block(g);
    w.var(b[0]);
    for (size_t c = 0; c < plan.columns.size(); ++c) {
      const auto& at = a.layout_[c];
      if (at.n >= 0) w.u64(b[at.n]);
      if (at.min >= 0) {
        w.u64(b[at.min]);
        w.u64(b[at.min + 1]);
      }
      if (at.sum >= 0) w.u64(b[at.sum]);
      if (at.comp >= 0) w.u64(b[at.comp]);
      if (const int_acc* ia = a.exact_ints(c, g)) {
        w.u64(static_cast<uint64_t>(ia->imin));
        w.u64(static_cast<uint64_t>(ia->imax));
        w.u64(ia->isum);
      }
      if (has_text_state(plan.columns[c])) {
        const text_acc& t = a.cols_[c].txt[g];
        w.var(t.n);
        w.str(t.min);
        w.str(t.max);
      }
    }
  }

  // Adds the next group from `r`; it must be new, and gets the next id.
  static bool get_group(reader& r, partial_aggregate& a) {
    const aggregate_plan& plan = a.plan_;
    std::string ids(a.key_width_, '\0');
    for (size_t k = 0; k < plan.key_columns.size(); ++k) {
      const std::string_view v = r.bytes("a group's key");
      if (!r.ok()) return false;
      if (plan.columns[static_cast<size_t>(plan.key_columns[k])].mode == value_mode::numeric) {
        // As add_row keys them: 8 bytes of a double, never NaN (a null) or -0.0.
        double d;
        if (v.size() == 8) std::memcpy(&d, v.data(), 8);
        if (v.size() != 8 || d != d || (d == 0 && std::signbit(d))) {
          r.fail("a numeric key that is not a number as keys are kept");
          return false;
        }
      }
      const uint32_t id = a.dicts_[k].find_or_add(v);
      std::memcpy(ids.data() + 4 * k, &id, 4);
    }
    const uint32_t gid = a.groups_.find_or_add(ids);
    if (gid != a.groups_count_) {
      r.fail("a group listed twice");
      return false;
    }
    a.add_group(ids.data());
    uint64_t* b = a.block(gid);
    b[0] = r.var("a group's size");
    for (size_t c = 0; c < plan.columns.size(); ++c) {
      const auto& at = a.layout_[c];
      if (at.n >= 0) b[at.n] = r.u64("a group's counts");
      if (at.min >= 0) {
        b[at.min] = r.u64("a group's minimum");
        b[at.min + 1] = r.u64("a group's maximum");
      }
      if (at.sum >= 0) b[at.sum] = r.u64("a group's sum");
      if (at.comp >= 0) b[at.comp] = r.u64("a group's sum");
      if (a.int_slot_[c] >= 0) {
        int_acc& ia = a.ints_[gid * a.int_stride_ + static_cast<size_t>(a.int_slot_[c])];
        ia.imin = static_cast<int64_t>(r.u64("a group's integers"));
        ia.imax = static_cast<int64_t>(r.u64("a group's integers"));
        ia.isum = r.u64("a group's integers");
      }
      if (has_text_state(plan.columns[c])) {
        text_acc& t = a.cols_[c].txt[gid];
        t.n = r.var("a group's text");
        t.min = r.bytes("a group's text");
        t.max = r.bytes("a group's text");
      }
    }
    return r.ok();
  }

  static bool has_text_state(const column_plan& cp) {
    return cp.mode == value_mode::text && (cp.need_minmax || cp.need_count);
  }
};

// ---- saved_state -------------------------------------------------------------

saved_state::saved_state() = default;
saved_state::~saved_state() {
  groups.reset();  // before the plan it refers to
}
saved_state::saved_state(saved_state&&) noexcept = default;
saved_state& saved_state::operator=(saved_state&& o) noexcept {
  groups.reset();
  spec = std::move(o.spec);
  where = std::move(o.where);
  typing = std::move(o.typing);
  pieces = std::move(o.pieces);
  files = std::move(o.files);
  closed = o.closed;
  partition = o.partition;
  partitions = o.partitions;
  plan = std::move(o.plan);
  groups = std::move(o.groups);
  value_start = std::move(o.value_start);
  values = std::move(o.values);
  nunique_kinds = std::move(o.nunique_kinds);
  return *this;
}

std::vector<column_typing> typing_of(const aggregate_plan& plan) {
  std::vector<column_typing> t;
  for (const auto& cp : plan.columns) t.push_back({cp.name, cp.mode, cp.exact_ints, cp.plain_sum});
  return t;
}

result<std::unique_ptr<aggregate_plan>> state_plan(const query_spec& spec, const std::vector<column_typing>& typing) {
  std::vector<std::string> text, numeric;
  for (const auto& t : typing) (t.mode == value_mode::text ? text : numeric).push_back(t.name);
  auto plan = std::make_unique<aggregate_plan>(aggregate_plan::make(spec, text, numeric));
  plan->ordered_sums = true;
  plan->nunique_memory = STATE_NUNIQUE_MEMORY;
  if (!typing.empty()) {
    if (typing.size() != plan->columns.size())
      return error{error_kind::usage, "the column typing does not fit the query's columns", ""};
    for (size_t c = 0; c < typing.size(); ++c) {
      column_plan& cp = plan->columns[c];
      if (cp.name != typing[c].name || cp.mode != typing[c].mode)
        return error{error_kind::usage, "the column typing does not fit the query's column '" + cp.name + "'", ""};
      cp.exact_ints = typing[c].exact_ints;
      cp.plain_sum = typing[c].plain_sum;
    }
  }
  for (auto& cp : plan->columns) cp.fingerprint_nunique = false;
  return plan;
}

// ---- encode ------------------------------------------------------------------

namespace {

// One nunique column as the files will hold it, prepared before any file is
// written, so that each file's size is known up front (below).
struct unique_out {
  nunique_kind kind = nunique_kind::exact;
  std::vector<uint64_t> counts;            // closed: per group
  nunique_store* fingerprints = nullptr;   // open, fingerprinted: taken as written
  nunique_store::pair_set pairs;           // open, exact: the pairs (small ones and longs stay here)
  std::vector<size_t> small;                 // ... small pairs per partition
  std::vector<pooled_vector<nunique_store::wide_entry>> wide;  // ... split by partition, in local ids
  std::vector<std::vector<std::pair<uint32_t, std::string>*>> longs;
};

size_t varint_bytes(uint64_t v) { return static_cast<size_t>(std::bit_width(v | 1) + 6) / 7; }

}  // namespace

std::vector<pooled_string> encode_state(saved_state& st, uint32_t partitions) {
  partitions = std::max<uint32_t>(partitions, 1);
  partial_aggregate& a = *st.groups;
  a.flush();
  const aggregate_plan& plan = *st.plan;
  const size_t groups = a.group_count();
  const std::vector<int> kahan = kahan_columns(plan);
  const size_t K = kahan.size();

  // Each group's partition, and its id within it.
  std::vector<uint32_t> part(groups, 0), local(groups);
  std::vector<uint32_t> part_groups(partitions, 0);
  for (uint32_t g = 0; g < groups; ++g) {
    if (partitions > 1) part[g] = static_cast<uint32_t>(state_codec::key_hash(a, g) % partitions);
    local[g] = part_groups[part[g]]++;
  }

  // nunique, prepared: closed counts counted, exact pairs taken and split
  // by partition.
  const std::vector<int> uniq_cols = nunique_columns(plan);
  std::vector<unique_out> uniq(uniq_cols.size());
  for (size_t i = 0; i < uniq_cols.size(); ++i) {
    nunique_store& store = a.distinct(static_cast<size_t>(uniq_cols[i]));
    unique_out& u = uniq[i];
    if (store.repeated()) {
      u.kind = nunique_kind::repeated;
    } else if (st.closed) {
      u.kind = count_kind(st, i, uniq_cols[i]);
      if (!store.fingerprinted()) {
        u.counts = store.count(groups);
      } else if (u.kind == nunique_kind::fingerprints) {  // no value repeats: a group's values are its non-nulls
        u.counts.resize(groups);
        for (uint32_t g = 0; g < groups; ++g) u.counts[g] = a.size(g) - store.nulls(g);
      }
    } else if (store.fingerprinted()) {
      u.kind = nunique_kind::fingerprints;
      u.fingerprints = &store;
    } else {
      u.pairs = store.take_pairs();
      u.small.assign(partitions, 0);
      u.wide.resize(partitions);
      u.longs.resize(partitions);
      if (partitions == 1) {
        // One file: its ids are the state's, and the pairs are written as taken.
        u.small[0] = u.pairs.small.size();
        u.wide[0].swap(u.pairs.wide);
      } else {
        // Small pairs are placed straight into the files (below): split
        // into vectors first, they were copied twice.
        for (uint64_t e : u.pairs.small) ++u.small[part[static_cast<uint32_t>(e >> 32)]];
        for (auto e : u.pairs.wide) {
          const uint32_t g = e.gid;
          e.gid = local[g];
          u.wide[part[g]].push_back(e);
        }
        decltype(u.pairs.wide)().swap(u.pairs.wide);
      }
      for (auto& l : u.pairs.longs) u.longs[part[l.first]].push_back(&l);
    }
  }

  // What FLOATS and UNIQUE will take in each file, at most: each file is
  // reserved once, since regrowing it copied and faulted in its bytes up to
  // three times (25% of a map task's page faults).
  // An open state's values of group g and Kahan column k: [from, to).
  auto values_of = [&](uint32_t g, size_t k) {
    const size_t at = g * K + k;
    const uint64_t from = at < st.value_start.size() ? st.value_start[at] : 0;
    const uint64_t to = at + 1 < st.value_start.size() ? st.value_start[at + 1] : from;
    return std::pair{from, to};
  };
  std::vector<uint64_t> rest(partitions, 64);
  for (uint32_t g = 0; g < groups; ++g) {
    uint64_t& r = rest[part[g]];
    if (st.closed) {
      r += K * 34;
    } else {
      for (size_t k = 0; k < K; ++k) {
        const auto [from, to] = values_of(g, k);
        r += 10 + (to - from) * sizeof(double);
      }
    }
  }
  for (const unique_out& u : uniq) {
    for (uint32_t p = 0; p < partitions; ++p) {
      uint64_t& r = rest[p];
      r += 1;
      if (u.kind == nunique_kind::repeated) continue;
      if (st.closed) {
        r += uint64_t{part_groups[p]} * 10;
      } else if (u.fingerprints) {
        // Shards are picked by a hash: each holds 1/R of them, give or take
        // far less than an eighth plus 512.
        const uint64_t n = u.fingerprints->fingerprint_count();
        r += 8 + (partitions == 1 ? n : n / partitions * 9 / 8 + 512) * 8 + uint64_t{part_groups[p]} * 10;
      } else {
        r += 30 + u.small[p] * 8 + u.wide[p].size() * (16 + 5);
        for (const auto* l : u.longs[p]) r += 10 + varint_bytes(l->second.size()) + l->second.size();
      }
    }
  }

  // Each partition's file is written in place, section after section
  // (begin_section/end_section patch the length and append the CRC): the
  // sections built apart and then joined cost a copy and its page faults,
  // ~8% of a map task.
  std::vector<writer> out(partitions);
  for (uint32_t p = 0; p < partitions; ++p) {
    writer& w = out[p];
    w.b.reserve(groups * 160 / partitions + 4096 + rest[p]);
    w.b.append(MAGIC, sizeof MAGIC);
    w.u32(STATE_FILE_VERSION);
    w.begin_section(META);
    put_spec(w, st.spec);
    w.str(st.where);
    w.var(st.typing.size());
    for (const auto& t : st.typing) {
      w.str(t.name);
      w.u8(static_cast<uint8_t>(t.mode));
      w.u8(t.exact_ints);
      w.u8(t.plain_sum);
    }
    w.var(st.pieces.size());
    for (const auto& pc : st.pieces) {
      w.var(pc.order);
      w.str(pc.path);
      w.u64(pc.begin);
      w.u64(pc.end);
    }
    w.var(st.files.size());
    for (const auto& f : st.files) {
      w.str(f.path);
      for (uint64_t v : {f.lines_read, f.rows_used, f.rows_rejected, f.rows_null_key, f.rows_filtered, f.problems})
        w.var(v);
    }
    w.u8(st.closed);
    w.var(partitions > 1 ? p : st.partition);
    w.var(partitions > 1 ? partitions : st.partitions);
    w.end_section();
    w.begin_section(FACTS);
    state_codec::put_facts(w, a);
    w.end_section();
    w.begin_section(GROUPS);
    w.var(part_groups[p]);
  }
  for (uint32_t g = 0; g < groups; ++g) state_codec::put_group(out[part[g]], a, g);

  // Kahan columns: open, each group's values in input order; closed, the sums.
  for (uint32_t p = 0; p < partitions; ++p) {
    out[p].end_section();
    // Only when the groups outgrew their guess: a copy of the groups alone.
    if (out[p].b.capacity() < out[p].b.size() + rest[p]) out[p].b.reserve(out[p].b.size() + rest[p]);
    out[p].begin_section(FLOATS);
  }
  for (uint32_t g = 0; g < groups; ++g) {
    writer& w = out[part[g]];
    for (size_t k = 0; k < K; ++k) {
      if (st.closed) {
        const numeric_result r = a.numeric(static_cast<size_t>(kahan[k]), g);
        w.var(r.any ? r.n : 0);
        if (!r.any) continue;
        w.f64(r.min);
        w.f64(r.max);
        w.f64(r.sum);
        continue;
      }
      const auto [from, to] = values_of(g, k);
      w.var(to - from);
      w.bytes(st.values.data() + from, (to - from) * sizeof(double));
    }
  }
  for (uint32_t p = 0; p < partitions; ++p) {
    out[p].end_section();
    out[p].begin_section(UNIQUE);
  }

  // nunique: per column its kind, then exact pairs or fingerprints (open),
  // or counts (closed), renumbered per partition.
  for (unique_out& u : uniq) {
    for (uint32_t p = 0; p < partitions; ++p) out[p].u8(static_cast<uint8_t>(u.kind));
    if (u.kind == nunique_kind::repeated) continue;
    if (st.closed) {
      for (uint32_t g = 0; g < groups; ++g) out[part[g]].var(u.counts[g]);
      continue;
    }
    if (u.fingerprints) {
      // Fingerprints go to their shard's partition whatever their group,
      // and within it in the store's partition order (their top bits), so
      // that a reduce reads them in place (decode_state's borrow); nulls go
      // with their group. A counting sort: count, then place.
      nunique_store& store = *u.fingerprints;
      constexpr size_t PARTS = nunique_store::PARTS;
      auto bucket = [&](uint64_t h) {
        const uint32_t shard = partitions == 1 ? 0 : nunique_store::fingerprint_shard(h, partitions);
        return size_t{shard} * PARTS + nunique_store::fingerprint_partition(h);
      };
      std::vector<uint64_t> at(size_t{partitions} * PARTS + 1, 0);
      store.visit_fingerprints([&](const uint64_t* h, size_t m) {
        for (size_t j = 0; j < m; ++j) ++at[bucket(h[j]) + 1];
      });
      for (size_t b = 0; b + 1 < at.size(); ++b) at[b + 1] += at[b];
      // Each partition's fingerprints, as a count and room for them; `at`
      // becomes each bucket's next place in its file.
      std::vector<char*> base(partitions);
      for (uint32_t p = 0; p < partitions; ++p) {
        const uint64_t n = at[size_t{p + 1} * PARTS] - at[size_t{p} * PARTS];
        out[p].u64(n);
        const size_t from = out[p].b.size();
        out[p].b.resize(from + n * 8);
        base[p] = out[p].b.data() + from - at[size_t{p} * PARTS] * 8;
      }
      store.take_fingerprints([&](const uint64_t* h, size_t m) {
        for (size_t j = 0; j < m; ++j) {
          const size_t b = bucket(h[j]);
          std::memcpy(base[b / PARTS] + at[b]++ * 8, &h[j], 8);
        }
      });
      for (uint32_t g = 0; g < groups; ++g) out[part[g]].var(store.nulls(g));
      continue;
    }
    // Exact pairs: the small ones placed in one pass, renumbered, in the
    // order taken; then the wide ones and the long ones.
    std::vector<char*> into(partitions);
    for (uint32_t p = 0; p < partitions; ++p) {
      out[p].var(u.small[p]);
      const size_t from = out[p].b.size();
      out[p].b.resize(from + u.small[p] * 8);
      into[p] = out[p].b.data() + from;
    }
    if (partitions == 1) {
      if (!u.pairs.small.empty()) std::memcpy(into[0], u.pairs.small.data(), u.pairs.small.size() * 8);
    } else {
      for (uint64_t e : u.pairs.small) {
        const uint32_t g = static_cast<uint32_t>(e >> 32);
        const uint64_t v = uint64_t{local[g]} << 32 | (e & 0xffffffffu);
        std::memcpy(into[part[g]], &v, 8);
        into[part[g]] += 8;
      }
    }
    decltype(u.pairs.small)().swap(u.pairs.small);
    for (uint32_t p = 0; p < partitions; ++p) {
      writer& w = out[p];
      w.var(u.wide[p].size());
      for (const auto& e : u.wide[p]) {
        w.u64(e.lo);
        w.u64(e.hi);
        w.var(e.gid);
      }
      w.var(u.longs[p].size());
      for (const auto* l : u.longs[p]) {
        w.var(local[l->first]);
        w.str(l->second);
      }
    }
  }

  std::vector<pooled_string> files(partitions);
  for (uint32_t p = 0; p < partitions; ++p) {
    out[p].end_section();
    out[p].begin_section(END);
    out[p].end_section();
    files[p] = std::move(out[p].b);
  }
  return files;
}

// ---- decode ------------------------------------------------------------------

result<saved_state> decode_state(std::string_view bytes, const std::string& name, bool borrow) {
  auto bad = [&](const std::string& what) {
    return error{error_kind::corrupt, "'" + name + "' is not a valid zeekgraph state file: " + what,
                 "make it again with zeekgraph summarize --save-state"};
  };
  const std::optional<uint32_t> version = codec::file_version(bytes, MAGIC);
  if (!version) return bad("it does not start with the state file's magic bytes");
  if (*version != STATE_FILE_VERSION)
    return error{error_kind::corrupt,
                 "'" + name + "' is a state file of version " + std::to_string(*version) + ", and this zeekgraph reads version " +
                     std::to_string(STATE_FILE_VERSION),
                 "make the state again with this zeekgraph"};

  // The sections, each checked whole before any is read.
  std::map<uint32_t, std::string_view> sections;
  if (const std::string fault = codec::split_sections(bytes, sizeof MAGIC + 4, END, sections); !fault.empty())
    return bad(fault);
  for (uint32_t t : {META, FACTS, GROUPS, FLOATS, UNIQUE})
    if (!sections.count(t)) return bad("section " + std::to_string(t) + " is missing");

  saved_state st;
  reader m{sections[META]};
  if (!get_spec(m, st.spec)) return bad(m.fault);
  st.where = m.bytes("the --where text");
  const size_t nt = m.count(4, "the column typing");
  for (size_t i = 0; i < nt && m.ok(); ++i) {
    column_typing t;
    t.name = m.bytes("the column typing");
    const uint8_t mode = m.u8("the column typing");
    if (mode > static_cast<uint8_t>(value_mode::text)) m.fail("an unknown column type");
    t.mode = static_cast<value_mode>(mode);
    t.exact_ints = m.flag("the column typing");
    t.plain_sum = m.flag("the column typing");
    st.typing.push_back(std::move(t));
  }
  const size_t np = m.count(18, "the pieces");
  for (size_t i = 0; i < np && m.ok(); ++i) {
    state_piece p;
    p.order = m.var("a piece");
    p.path = m.bytes("a piece");
    p.begin = m.u64("a piece");
    p.end = m.u64("a piece");
    if (m.ok() && p.begin > p.end) m.fail("a piece that ends before it begins");
    st.pieces.push_back(std::move(p));
  }
  const size_t nf = m.count(7, "the file counts");
  for (size_t i = 0; i < nf && m.ok(); ++i) {
    state_file_counts f;
    f.path = m.bytes("a file's counts");
    f.lines_read = m.var("a file's counts");
    f.rows_used = m.var("a file's counts");
    f.rows_rejected = m.var("a file's counts");
    f.rows_null_key = m.var("a file's counts");
    f.rows_filtered = m.var("a file's counts");
    f.problems = m.var("a file's counts");
    st.files.push_back(std::move(f));
  }
  st.closed = m.flag("the state's kind");
  const uint64_t part = m.var("the partition"), parts = m.var("the partition");
  if (m.ok() && (parts == 0 || part >= parts || parts > UINT32_MAX)) m.fail("a partition out of range");
  st.partition = static_cast<uint32_t>(part);
  st.partitions = static_cast<uint32_t>(parts);
  if (m.ok() && m.left()) m.fail("bytes after the header");
  if (!m.ok()) return bad(m.fault);

  auto plan = state_plan(st.spec, st.typing);
  if (!plan) return bad("its column typing does not fit its query");
  st.plan = std::move(*plan);
  st.groups = std::make_unique<partial_aggregate>(*st.plan);
  partial_aggregate& a = *st.groups;

  reader f{sections[FACTS]};
  state_codec::get_facts(f, a);
  if (f.ok() && f.left()) f.fail("bytes after the column facts");
  if (!f.ok()) return bad(f.fault);

  reader g{sections[GROUPS]};
  const size_t groups = g.count(1, "the groups");
  for (size_t i = 0; i < groups && g.ok(); ++i) state_codec::get_group(g, a);
  if (g.ok() && g.left()) g.fail("bytes after the groups");
  if (!g.ok()) return bad(g.fault);

  const std::vector<int> kahan = kahan_columns(*st.plan);
  const size_t K = kahan.size();
  reader v{sections[FLOATS]};
  if (!st.closed) {
    st.value_start.assign(groups * K + 1, 0);
    st.values.reserve(v.left() / 8);  // at most: one byte of count a group, eight a value
  }
  for (uint32_t gid = 0; gid < groups && v.ok(); ++gid)
    for (size_t k = 0; k < K && v.ok(); ++k) {
      if (st.closed) {
        const uint64_t n = v.var("the float sums");
        if (n == 0) continue;
        ordered_state o;
        o.n = n;
        o.min = v.f64("the float sums");
        o.max = v.f64("the float sums");
        o.sum.sum = v.f64("the float sums");
        a.set_ordered(static_cast<size_t>(kahan[k]), gid, o);
        continue;
      }
      const size_t n = v.count(8, "the float values");
      for (size_t i = 0; i < n; ++i) st.values.push_back(v.f64("the float values"));
      st.value_start[gid * K + k + 1] = st.values.size();
    }
  if (v.ok() && v.left()) v.fail("bytes after the float values");
  if (!v.ok()) return bad(v.fault);

  reader u{sections[UNIQUE]};
  for (int c : nunique_columns(*st.plan)) {
    if (!u.ok()) break;
    nunique_store& store = a.distinct(static_cast<size_t>(c));
    const uint8_t kind_byte = u.u8("the distinct values' kind");
    if (u.ok() && kind_byte > static_cast<uint8_t>(nunique_kind::repeated)) u.fail("an unknown kind of distinct values");
    if (!u.ok()) break;
    const auto kind = static_cast<nunique_kind>(kind_byte);
    if (st.closed) st.nunique_kinds.push_back(kind);
    if (kind == nunique_kind::repeated) {
      store.mark_repeated();
      continue;
    }
    if (st.closed) {
      for (uint32_t gid = 0; gid < groups && u.ok(); ++gid) store.add_count(gid, u.var("the distinct counts"));
      continue;
    }
    if (kind == nunique_kind::fingerprints) {
      // Shard `partition` of the map's fingerprints, none 0 (values_distinct
      // marks free slots with 0), then each group's nulls.
      const uint64_t n = u.u64("the fingerprints");
      if (u.ok() && n > u.left() / 8) u.fail("a count past the end of the data in the fingerprints");
      if (!u.ok()) break;
      const char* at = u.s.data() + u.pos;
      auto valid = [&](uint64_t h) { return h != 0 && nunique_store::fingerprint_shard(h, st.partitions) == st.partition; };
      // Borrowed: checked in the pass that finds them in partition order.
      std::optional<std::vector<uint32_t>> starts;
      if (borrow) starts = nunique_store::partition_starts(at, static_cast<size_t>(n), valid);
      if (!starts) {
        for (uint64_t i = 0; i < n; ++i) {
          uint64_t h;
          std::memcpy(&h, at + i * 8, 8);
          if (!valid(h)) {
            u.fail(h == 0 ? "a fingerprint of 0" : "a fingerprint of another partition's shard");
            break;
          }
        }
      }
      if (!u.ok()) break;
      if (starts)
        store.add_fingerprints_in_place(at, std::move(*starts));
      else
        store.add_fingerprints(at, static_cast<size_t>(n));
      u.pos += static_cast<size_t>(n) * 8;
      for (uint32_t gid = 0; gid < groups && u.ok(); ++gid) {
        const uint64_t nulls = u.var("a group's nulls");
        if (u.ok() && nulls > a.size(gid)) u.fail("a group with more nulls than rows");
        store.add_nulls(gid, nulls);
      }
      continue;
    }
    nunique_store::pair_set pairs;
    // Small pairs are raw u64s: copied at once, then checked.
    const size_t ns = u.count(8, "the distinct values");
    if (u.ok() && ns) {
      pairs.small.resize(ns);
      std::memcpy(pairs.small.data(), u.s.data() + u.pos, ns * 8);
      u.pos += ns * 8;
      for (uint64_t e : pairs.small)
        if ((e >> 32) >= groups) {
          u.fail("a distinct value of a group that does not exist");
          break;
        }
    }
    const size_t nw = u.count(17, "the distinct values");
    pairs.wide.reserve(nw);
    for (size_t i = 0; i < nw && u.ok(); ++i) {
      nunique_store::wide_entry e;
      e.lo = u.u64("the distinct values");
      e.hi = u.u64("the distinct values");
      const uint64_t gid = u.var("the distinct values");
      if (gid >= groups) u.fail("a distinct value of a group that does not exist");
      e.gid = static_cast<uint32_t>(gid);
      pairs.wide.push_back(e);
    }
    const size_t nl = u.count(2, "the distinct values");
    for (size_t i = 0; i < nl && u.ok(); ++i) {
      const uint64_t gid = u.var("the distinct values");
      if (gid >= groups) u.fail("a distinct value of a group that does not exist");
      pairs.longs.emplace_back(static_cast<uint32_t>(gid), std::string(u.bytes("the distinct values")));
    }
    if (u.ok()) store.add_pairs(std::move(pairs));
  }
  if (u.ok() && u.left()) u.fail("bytes after the distinct values");
  if (!u.ok()) return bad(u.fault);
  return st;
}

result<saved_state> read_state_file(const std::string& path) {
  // One read into a buffer of the file's size (an istreambuf_iterator copy
  // took 17% of a reduce task).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error{error_kind::io, "cannot open state file '" + path + "': " + std::strerror(errno), ""};
  struct stat st {};
  std::string bytes;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) {
    bytes.resize(static_cast<size_t>(st.st_size));
    for (size_t at = 0; ok && at < bytes.size();) {
      const ssize_t n = ::read(fd, bytes.data() + at, bytes.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = n == 0;
        bytes.resize(at);  // it shrank: decoding says it is cut short
        break;
      }
      at += static_cast<size_t>(n);
    }
  }
  const int saved = errno;
  ::close(fd);
  if (!ok) return error{error_kind::io, "cannot read state file '" + path + "': " + std::strerror(saved), ""};
  return decode_state(bytes, path);
}

// ---- merge -------------------------------------------------------------------

namespace {

error mismatch(std::string what, std::string hint) { return error{error_kind::usage, std::move(what), std::move(hint)}; }

std::string piece_text(const state_piece& p) {
  std::string s = "'" + p.path + "'";
  if (p.begin != 0 || p.end != UINT64_MAX)
    s += " bytes " + std::to_string(p.begin) + "-" + (p.end == UINT64_MAX ? std::string("end") : std::to_string(p.end));
  return s;
}

// Checks what a merged state's facts allow: the plain integer sums and the
// float64 states kept for integers are exact only within float64's integers.
status check_facts(const saved_state& st) {
  const aggregate_plan& plan = *st.plan;
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const column_plan& cp = plan.columns[c];
    const column_facts& f = st.groups->facts(c);
    if (cp.mode != value_mode::numeric) continue;
    if (cp.need_sum && cp.plain_sum && (f.float_text > 0 || !f.ints_exact_in_double()))
      return error{error_kind::format,
                   "the merged states' column '" + cp.name +
                       "' holds decimals or sums past 2^52, which its states summed as integers",
                   "summarize those inputs together, in one run"};
    if ((cp.need_minmax || cp.need_sum) && !cp.exact_ints && f.reads_as_int() && !f.ints_exact_in_double())
      return error{error_kind::format,
                   "the merged states' column '" + cp.name + "' holds integers past 2^53, which its states kept as floats",
                   "summarize those inputs together, in one run"};
  }
  return ok_status();
}

error fingerprints_repeat(const std::vector<std::string>& columns) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "'" : ", '") + c + "'";
  return error{error_kind::format,
               "the distinct counts of " + names +
                   " came from fingerprints that repeat (a value repeats, or two values share a 64-bit "
                   "fingerprint): they need exact (group, value) pairs",
               "run the job again with exact pairs (zeekgraph.distributed does so by itself)"};
}

// How closed state `st` made nunique column i's counts.
nunique_kind kind_of(const saved_state& st, size_t i, int column) {
  if (st.groups->distinct(static_cast<size_t>(column)).repeated()) return nunique_kind::repeated;
  return i < st.nunique_kinds.size() ? st.nunique_kinds[i] : nunique_kind::exact;
}

// Replays each group's Kahan values in order into its ordered states.
void apply_values(saved_state& st) {
  const std::vector<int> kahan = kahan_columns(*st.plan);
  const size_t K = kahan.size();
  if (st.closed || K == 0) return;
  partial_aggregate& a = *st.groups;
  for (uint32_t g = 0; g < a.group_count(); ++g)
    for (size_t k = 0; k < K; ++k) {
      const size_t at = g * K + k;
      if (at + 1 >= st.value_start.size()) continue;
      ordered_state o;
      for (uint64_t i = st.value_start[at]; i < st.value_start[at + 1]; ++i) o.add(st.values[i]);
      if (o.n) a.set_ordered(static_cast<size_t>(kahan[k]), g, o);
    }
}

}  // namespace

std::vector<std::string> recount_columns(const std::vector<saved_state>& states) {
  std::vector<std::string> out;
  if (states.empty() || !states[0].plan) return out;
  const std::vector<int> cols = nunique_columns(*states[0].plan);
  for (size_t i = 0; i < cols.size(); ++i) {
    count_kinds kinds;
    for (const saved_state& s : states)
      if (s.closed && s.groups && s.plan->columns.size() == states[0].plan->columns.size()) kinds.add(kind_of(s, i, cols[i]));
    if (!kinds.stand()) out.push_back(states[0].plan->columns[static_cast<size_t>(cols[i])].name);
  }
  return out;
}

nunique_kind count_kind(saved_state& st, size_t i, int column, unsigned threads) {
  nunique_store& store = st.groups->distinct(static_cast<size_t>(column));
  if (!store.repeated() && store.fingerprinted())
    return store.values_distinct(threads) ? nunique_kind::fingerprints : nunique_kind::repeated;
  return kind_of(st, i, column);
}

result<saved_state> merge_states(std::vector<saved_state>&& states, bool close, unsigned threads) {
  (void)threads;
  if (states.empty()) return mismatch("no state to merge", "");
  // The same question, asked of data typed alike.
  const std::string spec = spec_bytes(states[0].spec);
  for (size_t i = 1; i < states.size(); ++i) {
    const saved_state& s = states[i];
    if (spec_bytes(s.spec) != spec)
      return mismatch("the states answer different queries (--by/--agg): " + piece_text(states[0].pieces.empty() ? state_piece{} : states[0].pieces[0]) +
                          " and " + piece_text(s.pieces.empty() ? state_piece{} : s.pieces[0]),
                      "merge only states made with the same --by and --agg");
    if (s.where != states[0].where)
      return mismatch("the states were made with different --where: '" + states[0].where + "' and '" + s.where + "'",
                      "merge only states made with the same --where");
    if (s.closed != states[0].closed)
      return mismatch("open and closed states cannot be merged", "merge the open states first, then close them");
    for (size_t c = 0; c < s.typing.size(); ++c) {
      const column_typing &x = states[0].typing[c], &y = s.typing[c];
      if (x == y) continue;
      std::string what = x.mode != y.mode ? std::string("read as ") + mode_name(x.mode) + " in one and as " + mode_name(y.mode) + " in the other"
                         : x.exact_ints != y.exact_ints ? "kept as exact int64 in one state only (integers past 2^53)"
                                                        : "summed as integers in one state and as floats in the other";
      return mismatch("the states' data typed column '" + x.name + "' apart: " + what,
                      "pandas types a column by all its values: summarize those inputs together, in one run");
    }
  }
  // Input order: by first piece. Pieces of open states must not overlap or
  // interleave; closed states (hash partitions of one input) share theirs.
  std::vector<size_t> order(states.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto first = [&](size_t i) { return states[i].pieces.empty() ? state_piece{} : states[i].pieces.front(); };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return first(a) < first(b); });
  const bool closed = states[0].closed;
  std::vector<state_piece> pieces;
  std::vector<state_file_counts> files;
  if (closed) {
    std::vector<bool> seen(states[0].partitions, false);
    for (const saved_state& s : states) {
      if (s.pieces != states[0].pieces || s.partitions != states[0].partitions)
        return mismatch("closed states of different inputs cannot be merged", "merge the closed partitions of one input");
      if (seen[s.partition]) return mismatch("two closed states of partition " + std::to_string(s.partition), "");
      seen[s.partition] = true;
    }
    // The union of every partition, or a summary would miss groups silently.
    for (uint32_t p = 0; p < seen.size(); ++p)
      if (!seen[p])
        return mismatch("closed state of partition " + std::to_string(p) + " of " + std::to_string(seen.size()) +
                            " is missing: the summary would lack its groups",
                        "merge the closed states of every partition");
    // Every partition is here: counts from fingerprints stand when no
    // shard repeated (and none were made from exact pairs).
    if (const auto bad = recount_columns(states); !bad.empty()) return fingerprints_repeat(bad);
    pieces = states[0].pieces;
    files = states[0].files;
  } else {
    for (const saved_state& s : states)
      if (s.partition != states[0].partition || s.partitions != states[0].partitions)
        return mismatch("the states hold different hash partitions of their groups", "merge one partition of each state");
    for (size_t i : order) {
      for (const auto& p : states[i].pieces) {
        if (!pieces.empty()) {
          const state_piece& last = pieces.back();
          if (p < last)
            return mismatch("the states' inputs interleave: " + piece_text(p) + " comes before " + piece_text(last) +
                                ", which another state read",
                            "a state's inputs must follow each other in path order: save one state per file or per hour");
          if (p.path == last.path && p.begin < last.end)
            return mismatch("two states read the same input: " + piece_text(last) + " and " + piece_text(p),
                            "merge each state once");
        }
        pieces.push_back(p);
      }
      for (const auto& f : states[i].files) {
        if (!files.empty() && files.back().path == f.path) {  // ranges of one file
          auto& b = files.back();
          b.lines_read += f.lines_read;
          b.rows_used += f.rows_used;
          b.rows_rejected += f.rows_rejected;
          b.rows_null_key += f.rows_null_key;
          b.rows_filtered += f.rows_filtered;
          b.problems += f.problems;
        } else {
          files.push_back(f);
        }
      }
    }
  }

  saved_state out = std::move(states[order[0]]);
  const std::vector<column_facts> closed_facts = closed ? state_codec::facts(*out.groups) : std::vector<column_facts>{};
  const std::vector<int> kahan = kahan_columns(*out.plan);
  const size_t K = kahan.size();
  out.groups->flush();
  // Values: (state, its gid map) in input order; the first state's ids are ours.
  struct source {
    saved_state* st;
    std::vector<uint32_t> map;
  };
  std::vector<source> sources;
  std::vector<uint64_t> first_start = std::move(out.value_start);
  std::vector<double> first_values = std::move(out.values);
  // The fingerprints and pairs of every state, copied once into the first's store.
  for (int c : nunique_columns(*out.plan)) {
    std::vector<const nunique_store*> more;
    for (size_t j = 1; j < order.size(); ++j) more.push_back(&states[order[j]].groups->distinct(static_cast<size_t>(c)));
    out.groups->distinct(static_cast<size_t>(c)).reserve_for(more);
  }
  for (size_t j = 1; j < order.size(); ++j) {
    saved_state& s = states[order[j]];
    const size_t before = out.groups->group_count();
    std::vector<uint32_t> map;
    out.groups->merge_from(*s.groups, &map);
    if (closed) {
      if (out.groups->group_count() != before + s.groups->group_count())
        return mismatch("two closed states hold the same group", "closed states must be hash partitions of one input");
      for (uint32_t g = 0; g < map.size(); ++g)
        for (size_t k = 0; k < K; ++k) {
          const numeric_result r = s.groups->numeric(static_cast<size_t>(kahan[k]), g);
          if (!r.any) continue;
          ordered_state o;
          o.n = r.n;
          o.min = r.min;
          o.max = r.max;
          o.sum.sum = r.sum;
          out.groups->set_ordered(static_cast<size_t>(kahan[k]), map[g], o);
        }
    }
    sources.push_back({&s, std::move(map)});
  }
  // An open state's values of group g and Kahan column k, fed to `to`.
  auto each_value_list = [&](const std::vector<uint64_t>& vs, const std::vector<double>& from, size_t n, auto id,
                             auto&& to) {
    for (uint32_t g = 0; g < n; ++g)
      for (size_t k = 0; k < K; ++k) {
        const size_t at = g * K + k;
        if (at + 1 < vs.size()) to(id(g) * K + k, from.data() + vs[at], from.data() + vs[at + 1]);
      }
  };
  const size_t first_groups = K && !first_start.empty() ? (first_start.size() - 1) / K : 0;
  auto own = [](uint32_t g) { return g; };
  if (closed) {
    state_codec::set_facts(*out.groups, closed_facts);  // each closed state has the whole input's facts
    out.partition = 0;  // every partition: the whole input's groups
    out.partitions = 1;
    out.nunique_kinds.clear();  // checked above: every count stands
  } else if (close && K > 0) {
    // Closing: each group's values are replayed state by state, in input
    // order, with no concatenated copy (16 MB a reduce task at 22.7M rows).
    const size_t groups = out.groups->group_count();
    std::vector<ordered_state> sums(groups * K);
    auto replay = [&](size_t at, const double* v, const double* end) {
      for (; v != end; ++v) sums[at].add(*v);
    };
    each_value_list(first_start, first_values, first_groups, own, replay);
    for (auto& src : sources) {
      each_value_list(src.st->value_start, src.st->values, src.map.size(), [&](uint32_t g) { return src.map[g]; },
                      replay);
      std::vector<double>().swap(src.st->values);
    }
    for (uint32_t g = 0; g < groups; ++g)
      for (size_t k = 0; k < K; ++k)
        if (sums[g * K + k].n) out.groups->set_ordered(static_cast<size_t>(kahan[k]), g, sums[g * K + k]);
    out.closed = true;
  } else if (K > 0) {
    // Concatenate each group's values in input order: counts, then fill.
    const size_t groups = out.groups->group_count();
    std::vector<uint64_t> start(groups * K + 1, 0);
    auto count = [&](size_t at, const double* v, const double* end) { start[at + 1] += static_cast<uint64_t>(end - v); };
    each_value_list(first_start, first_values, first_groups, own, count);
    for (auto& src : sources)
      each_value_list(src.st->value_start, src.st->values, src.map.size(), [&](uint32_t g) { return src.map[g]; }, count);
    for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    std::vector<double> values(start.back());
    std::vector<uint64_t> fill(start.begin(), start.end() - 1);
    auto copy = [&](size_t at, const double* v, const double* end) {
      fill[at] = static_cast<uint64_t>(std::copy(v, end, values.data() + fill[at]) - values.data());
    };
    each_value_list(first_start, first_values, first_groups, own, copy);
    for (auto& src : sources) {
      each_value_list(src.st->value_start, src.st->values, src.map.size(), [&](uint32_t g) { return src.map[g]; }, copy);
      std::vector<double>().swap(src.st->values);
    }
    out.value_start = std::move(start);
    out.values = std::move(values);
  }
  out.pieces = std::move(pieces);
  out.files = std::move(files);
  if (auto s = check_facts(out); !s) return s.err();
  if (close && !out.closed) {
    apply_values(out);
    out.closed = true;
    std::vector<uint64_t>().swap(out.value_start);
    std::vector<double>().swap(out.values);
  }
  return out;
}

result<table::summary_table> finalize_state(saved_state& st, unsigned threads) {
  if (st.partitions > 1)
    return mismatch("the state holds partition " + std::to_string(st.partition) + " of " + std::to_string(st.partitions) +
                        " of the groups, so its summary would lack the others",
                    "merge each partition of every state, save them --closed, and merge the closed states");
  if (auto s = check_facts(st); !s) return s.err();
  // Fingerprints count only when no two are equal (an open state), and a
  // closed state's counts only when its one shard had none.
  std::vector<std::string> repeated;
  const std::vector<int> cols = nunique_columns(*st.plan);
  for (size_t i = 0; i < cols.size(); ++i) {
    nunique_store& store = st.groups->distinct(static_cast<size_t>(cols[i]));
    const bool bad = st.closed ? kind_of(st, i, cols[i]) == nunique_kind::repeated
                               : store.repeated() || (store.fingerprinted() && !store.values_distinct(threads));
    if (bad) repeated.push_back(st.plan->columns[static_cast<size_t>(cols[i])].name);
  }
  if (!repeated.empty()) return fingerprints_repeat(repeated);
  apply_values(st);
  return finalize(*st.groups, threads);
}

}  // namespace zeekgraph::agg
