#include "agg/partial_aggregate.h"

#include <cmath>
#include <cstring>

#include "util/small_copy.h"

namespace zeekgraph::agg {

partial_aggregate::partial_aggregate(const aggregate_plan& plan)
    : plan_(plan), dicts_(plan.key_columns.size()), num_slot_(plan.columns.size(), -1),
      cols_(plan.columns.size()), facts_(plan.columns.size()) {
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const column_plan& cp = plan.columns[c];
    if (cp.mode == value_mode::numeric && (cp.need_minmax || cp.need_sum || cp.need_count))
      num_slot_[c] = static_cast<int>(num_stride_++);
  }
  for (auto& c : cols_) c.uniq = nunique_store(plan.nunique_memory);
  keep_text_.resize(plan.columns.size());
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const column_plan& cp = plan.columns[c];
    keep_text_[c] = cp.mode == value_mode::text && (cp.need_minmax || cp.need_nunique);
  }
  batch_values_.resize(BATCH * plan.columns.size());
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

void partial_aggregate::add_group() {
  // Every 16K groups, charge the budget with what the state really holds
  // (capacities, hash tables, dictionaries). An estimate per group missed
  // vector and table growth: 4.1 GB charged for a 9.1 GB peak at 22.7M
  // groups, which would have let 50M groups reach the OOM killer.
  if (plan_.budget && (size_.size() & 16383) == 0) {
    uint64_t now = memory_bytes();
    if (now > charged_) plan_.budget->charge(now - charged_);
    charged_ = std::max(charged_, now);
  }
  size_.push_back(0);
  num_.resize(num_.size() + num_stride_);
  for (size_t c = 0; c < cols_.size(); ++c) {
    const column_plan& cp = plan_.columns[c];
    if (cp.mode == value_mode::text && (cp.need_minmax || cp.need_count)) cols_[c].txt.emplace_back();
  }
}

zeek::row_verdict partial_aggregate::add_row(const zeek::cell* cells) {
  const auto& columns = plan_.columns;
  const size_t ncols = columns.size();
  // The row is read straight into its batch slot; a rejected or null-key
  // row leaves the slot to the next one.
  row_value* row = &batch_values_[batched_ * ncols];
  // 1. Read every cell. Type facts count all rows pandas reads, null-key
  //    rows included; a non-number where one is required rejects the row.
  for (size_t c = 0; c < ncols; ++c) {
    const column_plan& cp = columns[c];
    row_value& v = row[c];
    v.null = true;
    v.numeric = false;
    if (cp.input < 0) continue;  // derived, below
    const zeek::cell& cell = cells[cp.input];
    if (cell.kind == zeek::cell_kind::null) continue;
    if (cell.kind == zeek::cell_kind::other) return {zeek::row_outcome::rejected, cp.input};
    v.text = cell.text;
    if (cp.mode == value_mode::numeric) {
      float_parser fp = cell.kind == zeek::cell_kind::number ? float_parser::exact : float_parser::pandas;
      if (!parse_number(cell.text, v.num, fp)) {
        if (cp.numeric_required) return {zeek::row_outcome::rejected, cp.input};
        ++facts_[c].not_numeric;  // the summarizer re-runs this column as text
        continue;
      }
      if (std::isnan(v.num.d)) continue;  // pandas reads NaN as null
      v.numeric = true;
    } else if (facts_[c].not_numeric == 0) {
      number probe;
      if (!parse_number(cell.text, probe)) ++facts_[c].not_numeric;
    }
    v.null = false;
  }
  for (size_t c = 0; c < ncols; ++c) {
    const column_plan& cp = columns[c];
    row_value& v = row[c];
    if (cp.input < 0) {
      const row_value& l = row[static_cast<size_t>(cp.left)];
      const row_value& r = row[static_cast<size_t>(cp.right)];
      v.null = l.null || r.null;
      v.numeric = !v.null;
      if (!v.null) {
        v.num.is_int = l.num.is_int && r.num.is_int;
        if (v.num.is_int) {
          v.num.i = static_cast<int64_t>(static_cast<uint64_t>(l.num.i) + static_cast<uint64_t>(r.num.i));
          v.num.d = static_cast<double>(v.num.i);
        } else {
          v.num.d = l.num.d + r.num.d;
        }
      }
    }
    column_facts& f = facts_[c];
    if (v.null) {
      ++f.nulls;
    } else {
      ++f.values;
      if (v.numeric && !v.num.is_int) ++f.float_text;
    }
  }

  // 2. The group key. A null key drops the row, as groupby(dropna=True)
  //    does. With text keys, the key texts go to the key cache (flush()
  //    looks them up); otherwise, or when they are too long to cache, each
  //    key value becomes a small dictionary id now, and the tuple of ids
  //    finds the group.
  const size_t nkeys = plan_.key_columns.size();
  for (size_t k = 0; k < nkeys; ++k)
    if (row[static_cast<size_t>(plan_.key_columns[k])].null) return {zeek::row_outcome::null_key, -1};
  const size_t key_at = batch_keys_.size();
  batch_keys_.resize(key_at + 4 * nkeys);
  bool cached = false;
  if (cache_keys_) {
    key_cache::key& raw = batch_raw_[batched_];
    std::memset(raw.bytes, 0, key_cache::MAX_KEY);  // a constant size: three stores
    size_t len = 0;
    cached = true;
    for (size_t k = 0; k < nkeys && cached; ++k) {
      std::string_view t = row[static_cast<size_t>(plan_.key_columns[k])].text;
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
      const row_value& v = row[static_cast<size_t>(plan_.key_columns[k])];
      if (plan_.columns[static_cast<size_t>(plan_.key_columns[k])].mode == value_mode::numeric) {
        double d = v.num.d == 0 ? 0.0 : v.num.d;
        char b[8];
        std::memcpy(b, &d, 8);
        uint32_t id = dicts_[k].find_or_add(std::string_view(b, 8));
        std::memcpy(&batch_keys_[key_at + 4 * k], &id, 4);
      } else {
        key_ids(k, v.text, &batch_keys_[key_at + 4 * k]);
      }
    }
  // 3. Keep the texts stage 3 reads (the cells are only valid now); flush()
  //    finds the groups and updates the states.
  for (size_t c = 0; c < ncols; ++c)
    if (keep_text_[c] && !row[c].null) {
      const size_t n = row[c].text.size();
      if (text_used_ + n > text_cap_) {
        size_t cap = std::max(text_cap_ * 2, text_used_ + n + 4096);
        std::unique_ptr<char[]> bigger(new char[cap]);
        if (text_used_) std::memcpy(bigger.get(), text_buf_.get(), text_used_);
        text_buf_ = std::move(bigger);
        text_cap_ = cap;
      }
      row[c].text_at = static_cast<uint32_t>(text_used_);
      copy_small(text_buf_.get() + text_used_, row[c].text.data(), n);
      text_used_ += n;
    }
  if (++batched_ == BATCH) flush();
  return {zeek::row_outcome::used, -1};
}

void partial_aggregate::flush() {
  if (batched_ == 0) return;
  const size_t ncols = plan_.columns.size();
  const size_t width = batch_keys_.size() / batched_;
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
    __builtin_prefetch(&size_[gid], 1);
    const char* block = reinterpret_cast<const char*>(num_.data() + gid * num_stride_);
    for (size_t off = 0; off < num_stride_ * sizeof(numeric_acc); off += 64) __builtin_prefetch(block + off, 1);
  }
  // Stage 3: update.
  for (size_t r = 0; r < batched_; ++r) {
    row_value* values = &batch_values_[r * ncols];
    for (size_t c = 0; c < ncols; ++c)
      if (keep_text_[c] && !values[c].null)
        values[c].text = std::string_view(text_buf_.get() + values[c].text_at, values[c].text.size());
    ++size_[batch_gid_[r]];
    update_group(batch_gid_[r], values);
  }
  batched_ = 0;
  batch_keys_.clear();
  text_used_ = 0;
}

void partial_aggregate::key_ids(size_t k, std::string_view text, char* out) {
  uint32_t id = dicts_[k].find_or_add(text);
  std::memcpy(out, &id, 4);
}

uint32_t partial_aggregate::find_group(const char* ids, uint64_t hash) {
  const size_t width = 4 * plan_.key_columns.size();
  uint32_t gid = groups_.find_or_add(std::string_view(ids, width), hash);
  if (gid == size_.size()) add_group();
  return gid;
}

void partial_aggregate::update_group(uint32_t gid, row_value* row) {
  const auto& columns = plan_.columns;
  for (size_t c = 0; c < columns.size(); ++c) {
    const column_plan& cp = columns[c];
    const row_value& v = row[c];
    if (v.null) continue;
    column_state& st = cols_[c];
    if (cp.mode == value_mode::numeric) {
      if (num_slot_[c] >= 0) {
        numeric_acc& a = num_[gid * num_stride_ + static_cast<size_t>(num_slot_[c])];
        const number& n = v.num;
        if (a.n == 0) {
          a.dmin = a.dmax = n.d;
          a.imin = a.imax = n.i;
        } else {
          if (n.d < a.dmin) a.dmin = n.d;
          if (n.d > a.dmax) a.dmax = n.d;
          if (n.i < a.imin) a.imin = n.i;
          if (n.i > a.imax) a.imax = n.i;
        }
        ++a.n;
        if (cp.need_sum) {
          a.fsum.add(n.d);
          a.isum += static_cast<uint64_t>(n.i);
        }
      }
      if (cp.need_nunique) st.uniq.add_number(gid, v.num);
    } else {
      if (!st.txt.empty()) {
        text_acc& a = st.txt[gid];
        if (cp.need_minmax) {
          if (a.n == 0) {
            a.min.assign(v.text);
            a.max.assign(v.text);
          } else {
            if (v.text < std::string_view(a.min)) a.min.assign(v.text);
            if (v.text > std::string_view(a.max)) a.max.assign(v.text);
          }
        }
        ++a.n;
      }
      if (cp.need_nunique) st.uniq.add_text(gid, v.text);
    }
  }
}

void partial_aggregate::merge_from(partial_aggregate& other) {
  flush();
  other.flush();

  // Map the other's dictionary ids to ours, then its groups to ours.
  std::vector<std::vector<uint32_t>> id_map(dicts_.size());
  for (size_t k = 0; k < dicts_.size(); ++k) {
    const group_table& od = other.dicts_[k];
    id_map[k].resize(od.size());
    for (uint32_t i = 0; i < od.size(); ++i) id_map[k][i] = dicts_[k].find_or_add(od.key(i));
  }
  std::vector<uint32_t> map(other.size_.size());
  std::string key;
  for (uint32_t g = 0; g < other.size_.size(); ++g) {
    std::string_view ok = other.groups_.key(g);
    key.assign(ok);
    for (size_t k = 0; k < dicts_.size(); ++k) {
      uint32_t id;
      std::memcpy(&id, ok.data() + 4 * k, 4);
      id = id_map[k][id];
      std::memcpy(key.data() + 4 * k, &id, 4);
    }
    uint32_t gid = groups_.find_or_add(key);
    if (gid == size_.size()) add_group();
    map[g] = gid;
    size_[gid] += other.size_[g];
  }
  for (size_t c = 0; c < cols_.size(); ++c) {
    facts_[c].merge(other.facts_[c]);
    column_state& src = other.cols_[c];
    column_state& dst = cols_[c];
    for (uint32_t g = 0; num_slot_[c] >= 0 && g < other.size_.size(); ++g) {
      const numeric_acc& s = other.numeric(c, g);
      if (s.n == 0) continue;
      numeric_acc& d = num_[map[g] * num_stride_ + static_cast<size_t>(num_slot_[c])];
      if (d.n == 0) {
        d = s;  // exact copy keeps a single slice's Kahan state bit for bit
        continue;
      } else {
        if (s.dmin < d.dmin) d.dmin = s.dmin;
        if (s.dmax > d.dmax) d.dmax = s.dmax;
        if (s.imin < d.imin) d.imin = s.imin;
        if (s.imax > d.imax) d.imax = s.imax;
      }
      d.n += s.n;
      d.fsum.merge(s.fsum);
      d.isum += s.isum;
    }
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
}

size_t partial_aggregate::memory_bytes() const {
  size_t b = groups_.memory_bytes() + cache_.memory_bytes() + size_.capacity() * 8 + num_.capacity() * sizeof(numeric_acc);
  for (const auto& d : dicts_) b += d.memory_bytes();
  for (const auto& c : cols_)
    b += c.txt.capacity() * sizeof(text_acc) +
         c.uniq.memory_bytes();
  return b;
}

}  // namespace zeekgraph::agg
