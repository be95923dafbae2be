#include "agg/partial_aggregate.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "util/bits.h"
#include "util/small_copy.h"

namespace zeekgraph::agg {

partial_aggregate::partial_aggregate(const aggregate_plan& plan)
    : plan_(plan), dicts_(plan.key_columns.size()), layout_(plan.columns.size()),
      int_slot_(plan.columns.size(), -1), cols_(plan.columns.size()), facts_(plan.columns.size()),
      ordered_slot_(plan.columns.size(), -1) {
  // A group's block: its row count, then each numeric column's states.
  size_t words = 1;
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const column_plan& cp = plan.columns[c];
    if (cp.mode != value_mode::numeric || !(cp.need_minmax || cp.need_sum || cp.need_count)) continue;
    if (cp.exact_ints) int_slot_[c] = static_cast<int>(int_stride_++);
    if (plan.ordered_sums && cp.kahan_sum()) {
      ordered_slot_[c] = static_cast<int>(ordered_width_++);  // logged, not kept in the block
      continue;
    }
    num_layout& at = layout_[c];
    if (cp.need_count) at.n = static_cast<int16_t>(words++);
    if (cp.need_minmax) {
      at.min = static_cast<int16_t>(words);
      words += 2;
    }
    if (cp.need_sum) {
      at.sum = static_cast<int16_t>(words++);
      if (!cp.plain_sum) at.comp = static_cast<int16_t>(words++);
    }
  }
  stride_ = words <= 2 ? words : (words + 3) / 4 * 4;
  empty_block_.assign(stride_, 0);
  for (const num_layout& at : layout_)
    if (at.min >= 0) {
      // min and max start at +inf and -inf, so the first value sets both
      // without a test; a group stays empty while min > max.
      empty_block_[static_cast<size_t>(at.min)] = std::bit_cast<uint64_t>(HUGE_VAL);
      empty_block_[static_cast<size_t>(at.min) + 1] = std::bit_cast<uint64_t>(-HUGE_VAL);
    }
  for (size_t c = 0; c < cols_.size(); ++c) {
    cols_[c].uniq = nunique_store(plan.nunique_memory, plan.columns[c].fingerprint_nunique &&
                                                           plan.columns[c].mode == value_mode::text);
    cols_[c].uniq.set_group_hashes(&group_hash_);
  }
  // Compile the plan into one list per kind of column. Derived columns are
  // numeric (their operands are numeric_required) and come after their
  // operands, so evaluating num_ops_ in order is enough.
  num_index_.assign(plan.columns.size(), -1);
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const column_plan& cp = plan.columns[c];
    if (cp.mode != value_mode::numeric) {
      text_op op{static_cast<uint32_t>(c), cp.input, -1, cp.need_minmax || cp.need_count,
                 cp.need_minmax, cp.need_nunique};
      if (op.state || op.nunique) op.kept = static_cast<int32_t>(kept_texts_++);
      text_ops_.push_back(op);
      continue;
    }
    num_op op{static_cast<uint32_t>(c), cp.input,          -1, -1, layout_[c], int_slot_[c],
              cp.numeric_required,       cp.need_nunique};
    if (cp.input < 0) {
      op.left = num_index_[static_cast<size_t>(cp.left)];
      op.right = num_index_[static_cast<size_t>(cp.right)];
    }
    num_index_[c] = static_cast<int>(num_ops_.size());
    num_ops_.push_back(op);
    if (cp.input >= 0) ++n_num_inputs_;
  }
  for (const text_op& op : text_ops_) probing_.push_back(static_cast<uint32_t>(op.input));
  key_width_ = 4 * plan.key_columns.size();
  batch_keys_.resize(BATCH * key_width_);
  for (int kc : plan.key_columns) {
    const column_plan& cp = plan.columns[static_cast<size_t>(kc)];
    key_inputs_.push_back({cp.input, num_index_[static_cast<size_t>(kc)]});
  }
  batch_nums_.resize(BATCH * num_ops_.size());
  batch_texts_.resize(BATCH * kept_texts_);
  batch_hash_.resize(BATCH);
  batch_gid_.resize(BATCH);
  cache_keys_ = !plan.key_columns.empty();
  for (int k : plan.key_columns)
    if (plan.columns[static_cast<size_t>(k)].mode != value_mode::text) cache_keys_ = false;
  if (cache_keys_) {
    batch_raw_.resize(BATCH);
    batch_cached_.resize(BATCH);
  }
}

partial_aggregate::~partial_aggregate() {
  if (plan_.budget) plan_.budget->release(charged_);
}

std::string_view partial_aggregate::key_value(uint32_t gid, size_t k) const {
  uint32_t id;
  std::memcpy(&id, groups_.key(gid).data() + 4 * k, 4);
  return dicts_[k].key(id);
}

void partial_aggregate::add_group(const char* ids) {
  uint64_t h = 0x6a09e667f3bcc909ull;
  for (size_t k = 0; k < dicts_.size(); ++k) {
    uint32_t id;
    std::memcpy(&id, ids + 4 * k, 4);
    h = mul_fold(h ^ group_table::hash(dicts_[k].key(id)), 0x9e3779b97f4a7c15ull);
  }
  group_hash_.push_back(static_cast<uint32_t>(h));
  // Every 4K groups, charge the budget with what the state really holds
  // (capacities, hash tables, dictionaries). An estimate per group missed
  // vector and table growth: 4.1 GB charged for a 9.1 GB peak at 22.7M
  // groups, which would have let 50M groups reach the OOM killer.
  if (plan_.budget && (groups_count_ & 4095) == 0) plan_.budget->charge_growing(charged_, memory_bytes());
  ++groups_count_;
  blocks_.insert(blocks_.end(), empty_block_.begin(), empty_block_.end());
  ints_.resize(ints_.size() + int_stride_);
  for (size_t c = 0; c < cols_.size(); ++c) {
    const column_plan& cp = plan_.columns[c];
    if (cp.mode == value_mode::text && (cp.need_minmax || cp.need_count)) cols_[c].txt.emplace_back();
  }
}

zeek::row_verdict partial_aggregate::add_row(const zeek::cell* cells) {
  // The row is read straight into its batch slot; a rejected or null-key
  // row leaves the slot to the next one.
  num_value* nums = batch_nums_.data() + batched_ * num_ops_.size();
  // 1. Text columns that have held only numbers so far: pandas would type
  //    them numeric, so probe each value until one is not a number.
  if (!probing_.empty()) probe_texts(cells);
  // 2. Numeric inputs. A non-number where one is required rejects the row;
  //    so does a non-scalar JSON value. The first such column, in column
  //    order, is reported.
  int bad = -1;
  for (size_t j = 0; j < n_num_inputs_; ++j) {
    const num_op& op = num_ops_[j];
    const zeek::cell& cell = cells[op.input];
    num_value& v = nums[j];
    v.state = NUM_NULL;
    if (cell.kind == zeek::cell_kind::null) continue;
    if (cell.kind == zeek::cell_kind::other) {
      bad = op.input;
      break;
    }
    number n;
    float_parser fp = cell.kind == zeek::cell_kind::number ? float_parser::exact : float_parser::pandas;
    if (!parse_number_fast(cell.text, n, fp)) {
      if (op.required) {
        bad = op.input;
        break;
      }
      ++facts_[op.col].not_numeric;  // the summarizer re-runs this column as text
      continue;
    }
    if (std::isnan(n.d)) continue;  // pandas reads NaN as null
    v.d = n.d;
    v.i = n.i;
    v.state = n.is_int ? NUM_INT : NUM_FLOAT;
  }
  for (const text_op& op : text_ops_)
    if (cells[op.input].kind == zeek::cell_kind::other && (bad < 0 || op.input < bad)) bad = op.input;
  if (bad >= 0) return {zeek::row_outcome::rejected, bad};
  // Derived columns, then the type facts. Facts count all rows pandas
  // reads, null-key rows included, but not rejected rows.
  for (size_t j = n_num_inputs_; j < num_ops_.size(); ++j) {
    const num_op& op = num_ops_[j];
    num_value& v = nums[j];
    const num_value& l = nums[op.left];
    const num_value& r = nums[op.right];
    v.state = NUM_NULL;
    if (l.state == NUM_NULL || r.state == NUM_NULL) continue;
    if (l.state == NUM_INT && r.state == NUM_INT) {
      v.i = static_cast<int64_t>(static_cast<uint64_t>(l.i) + static_cast<uint64_t>(r.i));
      v.d = static_cast<double>(v.i);
      v.state = NUM_INT;
    } else {
      v.d = l.d + r.d;
      v.i = 0;
      v.state = NUM_FLOAT;
    }
  }
  for (size_t j = 0; j < num_ops_.size(); ++j) {
    column_facts& f = facts_[num_ops_[j].col];
    const num_value& v = nums[j];
    if (v.state == NUM_NULL) {
      ++f.nulls;
      continue;
    }
    ++f.values;
    if (v.state == NUM_FLOAT) {
      ++f.float_text;
      // -0.0 is a decimal ("-0.000000") or a sum of them: an integer text
      // "-0" is 0, as pandas reads a column of integers.
      if (v.d == 0 && std::signbit(v.d)) ++f.negative_zeros;
    } else {
      f.abs_sum += std::fabs(v.d);
      f.big_ints += static_cast<uint64_t>(v.i) + (uint64_t{1} << 53) > (uint64_t{1} << 54);  // |i| > 2^53
    }
  }
  for (const text_op& op : text_ops_) {
    const bool null = cells[op.input].kind == zeek::cell_kind::null;
    facts_[op.col].nulls += null;
    facts_[op.col].values += !null;
  }

  const size_t nkeys = key_inputs_.size();
  for (const key_input& k : key_inputs_)
    if (k.num >= 0 ? nums[k.num].state == NUM_NULL : cells[k.cell].kind == zeek::cell_kind::null)
      return {zeek::row_outcome::null_key, -1};
  auto key_text = [&](size_t k) { return cells[key_inputs_[k].cell].text; };
  const size_t key_at = batched_ * key_width_;
  bool cached = false;
  if (cache_keys_) {
    key_cache::key& raw = batch_raw_[batched_];
    std::memset(raw.bytes, 0, key_cache::MAX_KEY);  // a constant size: three stores
    size_t len = 0;
    cached = true;
    for (size_t k = 0; k < nkeys && cached; ++k) {
      std::string_view t = key_text(k);
      if (len + 1 + t.size() > key_cache::MAX_KEY) {
        cached = false;
        break;
      }
      raw.bytes[len++] = static_cast<unsigned char>(t.size());
      copy_small(raw.bytes + len, t.data(), t.size());
      len += t.size();
    }
    if (cached) raw.len = static_cast<uint32_t>(len);
    batch_cached_[batched_] = cached;
  }
  if (!cached)
    for (size_t k = 0; k < nkeys; ++k) {
      if (key_inputs_[k].num >= 0) {
        const double kd = nums[key_inputs_[k].num].d;
        double d = kd == 0 ? 0.0 : kd;
        char b[8];
        std::memcpy(b, &d, 8);
        uint32_t id = dicts_[k].find_or_add(std::string_view(b, 8));
        std::memcpy(&batch_keys_[key_at + 4 * k], &id, 4);
      } else {
        key_ids(k, key_text(k), &batch_keys_[key_at + 4 * k]);
      }
    }
  // 3. Keep the texts stage 3 reads (the cells are only valid now); flush()
  //    finds the groups and updates the states.
  text_value* texts = batch_texts_.data() + batched_ * kept_texts_;
  for (const text_op& op : text_ops_) {
    if (op.kept < 0) continue;
    const zeek::cell& cell = cells[op.input];
    text_value& tv = texts[op.kept];
    tv.null = cell.kind == zeek::cell_kind::null;
    tv.at = tv.len = 0;
    if (tv.null || !(op.minmax || op.nunique)) continue;  // a count needs no text
    const size_t n = cell.text.size();
    if (text_used_ + n > text_cap_) {
      size_t cap = std::max(text_cap_ * 2, text_used_ + n + 4096);
      std::unique_ptr<char[]> bigger(new char[cap]);
      if (text_used_) std::memcpy(bigger.get(), text_buf_.get(), text_used_);
      text_buf_ = std::move(bigger);
      text_cap_ = cap;
    }
    tv.at = static_cast<uint32_t>(text_used_);
    tv.len = static_cast<uint32_t>(n);
    copy_small(text_buf_.get() + text_used_, cell.text.data(), n);
    text_used_ += n;
  }
  if (++batched_ == BATCH) flush();
  return {zeek::row_outcome::used, -1};
}

void partial_aggregate::probe_texts(const zeek::cell* cells) {
  for (size_t i = 0; i < probing_.size();) {
    const size_t c = probing_[i];
    const zeek::cell& cell = cells[c];
    number probe;
    if (cell.kind != zeek::cell_kind::null && !parse_number(cell.text, probe)) {
      ++facts_[c].not_numeric;
      probing_.erase(probing_.begin() + static_cast<ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
}

void partial_aggregate::flush() {
  if (batched_ == 0) return;
  const size_t width = key_width_;
  // Stage 1: hash every key and start loading its slot.
  for (size_t r = 0; r < batched_; ++r) {
    if (cache_keys_ && batch_cached_[r]) {
      batch_hash_[r] = key_cache::hash(batch_raw_[r]);
      cache_.prefetch(batch_hash_[r]);
    } else {
      batch_hash_[r] = group_table::hash(std::string_view(batch_keys_.data() + r * width, width));
      groups_.prefetch(batch_hash_[r]);
    }
  }
  // Stage 2: find the groups and start loading their states.
  for (size_t r = 0; r < batched_; ++r) {
    uint32_t gid;
    char* ids = batch_keys_.data() + r * width;
    if (cache_keys_ && batch_cached_[r]) {
      const key_cache::key& raw = batch_raw_[r];
      gid = cache_.find(raw, batch_hash_[r]);
      if (gid == key_cache::MISS) {
        // First sight of these texts: through the dictionaries.
        size_t at = 0;
        for (size_t k = 0; k < plan_.key_columns.size(); ++k) {
          size_t n = raw.bytes[at++];
          key_ids(k, std::string_view(reinterpret_cast<const char*>(raw.bytes + at), n), ids + 4 * k);
          at += n;
        }
        gid = find_group(ids, group_table::hash(std::string_view(ids, width)));
        cache_.insert(raw, batch_hash_[r], gid);
      }
    } else {
      gid = find_group(ids, batch_hash_[r]);
    }
    batch_gid_[r] = gid;
    prefetch_group(gid);
  }
  // Stage 3: update, a column at a time.
  update_batch();
  batched_ = 0;
  text_used_ = 0;
}

void partial_aggregate::key_ids(size_t k, std::string_view text, char* out) {
  uint32_t id = dicts_[k].find_or_add(text);
  std::memcpy(out, &id, 4);
}

uint32_t partial_aggregate::find_group(const char* ids, uint64_t hash) {
  uint32_t gid = groups_.find_or_add(std::string_view(ids, key_width_), hash);
  if (gid == groups_count_) add_group(ids);
  return gid;
}

namespace {

inline double as_double(uint64_t w) { return std::bit_cast<double>(w); }
inline uint64_t as_word(double d) { return std::bit_cast<uint64_t>(d); }

}  // namespace

numeric_result partial_aggregate::numeric(size_t col, uint32_t gid) const {
  if (const int slot = ordered_slot_[col]; slot >= 0) {
    const size_t at = gid * ordered_width_ + static_cast<size_t>(slot);
    if (at >= ordered_.size()) return {};  // no value in any group, or none set
    const ordered_state& s = ordered_[at];
    return {s.n > 0, s.n, s.min, s.max, s.sum.sum};
  }
  const num_layout& at = layout_[col];
  const uint64_t* b = block(gid);
  numeric_result r;
  if (at.n >= 0) r.n = b[at.n];
  if (at.min >= 0) {
    r.min = as_double(b[at.min]);
    r.max = as_double(b[at.min + 1]);
  }
  if (at.sum >= 0) r.sum = as_double(b[at.sum]);
  r.any = at.n >= 0 ? r.n > 0 : at.min >= 0 && r.min <= r.max;
  return r;
}

namespace {

// One numeric column's states over a batch: the tests of which states it
// has are template arguments, so each column runs a loop without them.
template <bool COUNT, bool MINMAX, bool SUM, bool KAHAN, typename Value>
void update_column(uint64_t* blocks, size_t stride, const uint32_t* gids, size_t rows, const Value* v,
                   size_t step, int n_at, int min_at, int sum_at, int comp_at) {
  for (size_t r = 0; r < rows; ++r, v += step) {
    if (v->state == 0) continue;  // null
    uint64_t* b = blocks + gids[r] * stride;
    const double d = v->d;
    if constexpr (COUNT) ++b[n_at];
    if constexpr (MINMAX) {
      if (d < as_double(b[min_at])) b[min_at] = as_word(d);
      if (d > as_double(b[min_at + 1])) b[min_at + 1] = as_word(d);
    }
    if constexpr (SUM) {
      if constexpr (KAHAN) {
        kahan k{as_double(b[sum_at]), as_double(b[comp_at])};
        k.add(d);
        b[sum_at] = as_word(k.sum);
        b[comp_at] = as_word(k.comp);
      } else {
        b[sum_at] = as_word(as_double(b[sum_at]) + d);  // exact: integers below 2^52
      }
    }
  }
}

}  // namespace

void partial_aggregate::update_batch() {
  const size_t rows = batched_, nops = num_ops_.size();
  const uint32_t* gids = batch_gid_.data();
  uint64_t* blocks = blocks_.data();
  for (size_t r = 0; r < rows; ++r) ++blocks[gids[r] * stride_];
  for (size_t j = 0; j < nops; ++j) {
    const num_op& op = num_ops_[j];
    const num_value* values = batch_nums_.data() + j;
    const num_layout at = op.at;
    if (op.int_slot >= 0) {
      for (size_t r = 0; r < rows; ++r) {
        const num_value& v = values[r * nops];
        if (v.state == NUM_NULL) continue;
        int_acc& ia = ints_[gids[r] * int_stride_ + static_cast<size_t>(op.int_slot)];
        if (v.i < ia.imin) ia.imin = v.i;
        if (v.i > ia.imax) ia.imax = v.i;
        ia.isum += static_cast<uint64_t>(v.i);
      }
    }
    const int shape = (at.n >= 0) << 3 | (at.min >= 0) << 2 | (at.sum >= 0) << 1 | (at.comp >= 0);
    auto run = [&]<bool C, bool M, bool S, bool K>() {
      update_column<C, M, S, K>(blocks, stride_, gids, rows, values, nops, at.n, at.min, at.sum, at.comp);
    };
    switch (shape) {
      case 0b0000: break;
      case 0b1000: run.operator()<true, false, false, false>(); break;
      case 0b0100: run.operator()<false, true, false, false>(); break;
      case 0b1100: run.operator()<true, true, false, false>(); break;
      case 0b0010: run.operator()<false, false, true, false>(); break;
      case 0b0011: run.operator()<false, false, true, true>(); break;
      case 0b1010: run.operator()<true, false, true, false>(); break;
      case 0b1011: run.operator()<true, false, true, true>(); break;
      case 0b0110: run.operator()<false, true, true, false>(); break;
      case 0b0111: run.operator()<false, true, true, true>(); break;
      case 0b1110: run.operator()<true, true, true, false>(); break;
      case 0b1111: run.operator()<true, true, true, true>(); break;
      default: break;  // Kahan compensation comes only with a sum
    }
    if (ordered_slot_[op.col] >= 0)  // sum_replay keeps this column's states
      for (size_t r = 0; r < rows; ++r) {
        const num_value& v = values[r * nops];
        if (v.state != NUM_NULL) sum_log_.push_back({v.d, gids[r], op.col});
      }
    if (op.nunique) {
      nunique_store& uniq = cols_[op.col].uniq;
      for (size_t r = 0; r < rows; ++r) {
        const num_value& v = values[r * nops];
        if (v.state != NUM_NULL) uniq.add_number(gids[r], number{v.d, v.i, v.state == NUM_INT});
      }
    }
  }
  for (const text_op& op : text_ops_) {
    if (op.kept < 0) continue;
    column_state& st = cols_[op.col];
    for (size_t r = 0; r < rows; ++r) {
      const text_value& tv = batch_texts_[r * kept_texts_ + static_cast<size_t>(op.kept)];
      if (tv.null) {
        if (op.nunique) st.uniq.add_null(gids[r]);
        continue;
      }
      const std::string_view text(text_buf_.get() + tv.at, tv.len);
      if (op.state) {
        text_acc& a = st.txt[gids[r]];
        if (op.minmax) {
          if (a.n == 0) {
            a.min.assign(text);
            a.max.assign(text);
          } else {
            if (text < std::string_view(a.min)) a.min.assign(text);
            if (text > std::string_view(a.max)) a.max.assign(text);
          }
        }
        ++a.n;
      }
      if (op.nunique) st.uniq.add_text(gids[r], text);
    }
  }
}

void partial_aggregate::merge_from(partial_aggregate& other, std::vector<uint32_t>* gid_map) {
  flush();
  other.flush();

  // Map the other's dictionary ids to ours, then its groups to ours.
  std::vector<std::vector<uint32_t>> id_map(dicts_.size());
  for (size_t k = 0; k < dicts_.size(); ++k) {
    const group_table& od = other.dicts_[k];
    id_map[k].resize(od.size());
    for (uint32_t i = 0; i < od.size(); ++i) id_map[k][i] = dicts_[k].find_or_add(od.key(i));
  }
  const size_t groups = other.groups_count_;
  const size_t width = key_width_;
  // The other's group keys in our ids, and their hashes, first: the
  // lookups then run with their slots prefetched a few groups ahead (each
  // is a cache miss in a table of ~80K groups).
  std::string keys(groups * width, '\0');
  std::vector<uint64_t> hashes(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    std::string_view ok = other.groups_.key(g);
    char* key = keys.data() + g * width;
    for (size_t k = 0; k < dicts_.size(); ++k) {
      uint32_t id;
      std::memcpy(&id, ok.data() + 4 * k, 4);
      id = id_map[k][id];
      std::memcpy(key + 4 * k, &id, 4);
    }
    hashes[g] = group_table::hash(std::string_view(key, width));
  }
  constexpr size_t AHEAD = 16;
  std::vector<uint32_t> map(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    if (g + AHEAD < groups) groups_.prefetch(hashes[g + AHEAD]);
    const uint32_t gid = groups_.find_or_add(std::string_view(keys.data() + g * width, width), hashes[g]);
    if (gid == groups_count_) add_group(keys.data() + g * width);
    map[g] = gid;
  }
  // The numeric states, a group at a time (its block is a few adjacent
  // lines), with the next blocks prefetched.
  std::vector<size_t> numeric_cols;
  for (size_t c = 0; c < cols_.size(); ++c) {
    facts_[c].merge(other.facts_[c]);
    const num_layout at = layout_[c];
    if (at.n >= 0 || at.min >= 0 || at.sum >= 0 || int_slot_[c] >= 0) numeric_cols.push_back(c);
  }
  for (uint32_t g = 0; g < groups; ++g) {
    if (g + AHEAD < groups) prefetch_group(map[g + AHEAD]);
    const uint64_t* sb = other.block(g);
    uint64_t* db = block(map[g]);
    db[0] += sb[0];
    for (size_t c : numeric_cols) {
      const num_layout at = layout_[c];
      if (int_slot_[c] >= 0) {
        const int_acc& si = *other.exact_ints(c, g);
        int_acc& di = ints_[map[g] * int_stride_ + static_cast<size_t>(int_slot_[c])];
        if (si.imin < di.imin) di.imin = si.imin;
        if (si.imax > di.imax) di.imax = si.imax;
        di.isum += si.isum;
      }
      if (at.n >= 0) db[at.n] += sb[at.n];
      if (at.min >= 0) {
        if (as_double(sb[at.min]) < as_double(db[at.min])) db[at.min] = sb[at.min];
        if (as_double(sb[at.min + 1]) > as_double(db[at.min + 1])) db[at.min + 1] = sb[at.min + 1];
      }
      if (at.sum < 0) continue;
      if (at.comp < 0) {
        db[at.sum] = as_word(as_double(db[at.sum]) + as_double(sb[at.sum]));
        continue;
      }
      const kahan src_sum{as_double(sb[at.sum]), as_double(sb[at.comp])};
      kahan dst_sum{as_double(db[at.sum]), as_double(db[at.comp])};
      if (src_sum.sum == 0 && src_sum.comp == 0) continue;
      if (dst_sum.sum == 0 && dst_sum.comp == 0)
        dst_sum = src_sum;  // the sequential sum from here: a single slice stays bit for bit
      else
        dst_sum.merge(src_sum);
      db[at.sum] = as_word(dst_sum.sum);
      db[at.comp] = as_word(dst_sum.comp);
    }
  }
  for (size_t c = 0; c < cols_.size(); ++c) {
    column_state& src = other.cols_[c];
    column_state& dst = cols_[c];
    for (uint32_t g = 0; g < src.txt.size(); ++g) {
      const text_acc& s = src.txt[g];
      if (s.n == 0) continue;
      text_acc& d = dst.txt[map[g]];
      if (d.n == 0) {
        d.min = s.min, d.max = s.max;
      } else {
        if (s.min < d.min) d.min = s.min;
        if (s.max > d.max) d.max = s.max;
      }
      d.n += s.n;
    }
    dst.uniq.merge_from(std::move(src.uniq), map);
  }
  if (gid_map) *gid_map = std::move(map);
}

bool partial_aggregate::empty() const {
  if (groups_count_ != 0 || batched_ != 0) return false;
  for (size_t c = 0; c < cols_.size(); ++c) {
    const column_facts& f = facts_[c];
    if (f.nulls || f.values || f.float_text || f.not_numeric || f.big_ints || f.negative_zeros ||
        f.abs_sum != 0)
      return false;
    if (!cols_[c].uniq.empty()) return false;
  }
  return true;
}

void partial_aggregate::set_ordered(size_t col, uint32_t gid, const ordered_state& s) {
  if (ordered_.size() < groups_count_ * ordered_width_) ordered_.resize(groups_count_ * ordered_width_);
  ordered_[gid * ordered_width_ + static_cast<size_t>(ordered_slot_[col])] = s;
}

void partial_aggregate::expect_growth(double factor) {
  flush();
  for (auto& c : cols_) c.uniq.expect_growth(factor);
}

size_t partial_aggregate::memory_bytes() const {
  size_t b = groups_.memory_bytes() + cache_.memory_bytes() + blocks_.capacity() * 8 + group_hash_.capacity() * 4 +
             ints_.capacity() * sizeof(int_acc) + sum_log_.capacity() * sizeof(sum_entry) +
             ordered_.capacity() * sizeof(ordered_state);
  for (const auto& d : dicts_) b += d.memory_bytes();
  for (const auto& c : cols_)
    b += c.txt.capacity() * sizeof(text_acc) +
         c.uniq.memory_bytes();
  return b;
}

}  // namespace zeekgraph::agg
