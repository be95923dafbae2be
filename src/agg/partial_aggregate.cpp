#include "agg/partial_aggregate.h"

#include <cmath>
#include <cstring>

namespace zeekgraph::agg {

partial_aggregate::partial_aggregate(const aggregate_plan& plan)
    : plan_(plan), cols_(plan.columns.size()), facts_(plan.columns.size()),
      row_(plan.columns.size()) {}

void partial_aggregate::add_group() {
  size_.push_back(0);
  for (size_t c = 0; c < cols_.size(); ++c) {
    const column_plan& cp = plan_.columns[c];
    if (cp.mode == value_mode::numeric) {
      if (cp.need_minmax || cp.need_sum || cp.need_count) cols_[c].num.emplace_back();
    } else if (cp.need_minmax || cp.need_count) {
      cols_[c].txt.emplace_back();
    }
  }
}

zeek::row_verdict partial_aggregate::add_row(const zeek::cell* cells) {
  const auto& columns = plan_.columns;
  // 1. Read every cell. Type facts count all rows pandas reads, null-key
  //    rows included; a non-number where one is required rejects the row.
  for (size_t c = 0; c < columns.size(); ++c) {
    const column_plan& cp = columns[c];
    row_value& v = row_[c];
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
  for (size_t c = 0; c < columns.size(); ++c) {
    const column_plan& cp = columns[c];
    if (cp.input >= 0) continue;
    const row_value& l = row_[static_cast<size_t>(cp.left)];
    const row_value& r = row_[static_cast<size_t>(cp.right)];
    row_value& v = row_[c];
    v.null = l.null || r.null;
    v.numeric = !v.null;
    if (v.null) continue;
    v.num.is_int = l.num.is_int && r.num.is_int;
    if (v.num.is_int) {
      v.num.i = static_cast<int64_t>(static_cast<uint64_t>(l.num.i) + static_cast<uint64_t>(r.num.i));
      v.num.d = static_cast<double>(v.num.i);
    } else {
      v.num.d = l.num.d + r.num.d;
    }
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    const row_value& v = row_[c];
    column_facts& f = facts_[c];
    if (v.null) {
      ++f.nulls;
    } else {
      ++f.values;
      if (v.numeric && !v.num.is_int) ++f.float_text;
    }
  }

  // 2. The group key; a null key drops the row, as groupby(dropna=True) does.
  key_.clear();
  for (int kc : plan_.key_columns) {
    const row_value& v = row_[static_cast<size_t>(kc)];
    if (v.null) return {zeek::row_outcome::null_key, -1};
    if (plan_.columns[static_cast<size_t>(kc)].mode == value_mode::numeric) {
      double d = v.num.d == 0 ? 0.0 : v.num.d;
      char b[8];
      std::memcpy(b, &d, 8);
      key_.append(b, 8);
    } else {
      uint32_t len = static_cast<uint32_t>(v.text.size());
      char b[4];
      std::memcpy(b, &len, 4);
      key_.append(b, 4);
      key_.append(v.text);
    }
  }
  uint32_t gid = groups_.find_or_add(key_);
  if (gid == size_.size()) add_group();
  ++size_[gid];

  // 3. Update the states.
  for (size_t c = 0; c < columns.size(); ++c) {
    const column_plan& cp = columns[c];
    const row_value& v = row_[c];
    if (v.null) continue;
    column_state& st = cols_[c];
    if (cp.mode == value_mode::numeric) {
      if (!st.num.empty()) {
        numeric_acc& a = st.num[gid];
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
  return {zeek::row_outcome::used, -1};
}

void partial_aggregate::merge_from(const partial_aggregate& other) {
  std::vector<uint32_t> map(other.size_.size());
  for (uint32_t g = 0; g < other.size_.size(); ++g) {
    uint32_t gid = groups_.find_or_add(other.groups_.key(g));
    if (gid == size_.size()) add_group();
    map[g] = gid;
    size_[gid] += other.size_[g];
  }
  for (size_t c = 0; c < cols_.size(); ++c) {
    facts_[c].merge(other.facts_[c]);
    const column_state& src = other.cols_[c];
    column_state& dst = cols_[c];
    for (uint32_t g = 0; g < src.num.size(); ++g) {
      const numeric_acc& s = src.num[g];
      if (s.n == 0) continue;
      numeric_acc& d = dst.num[map[g]];
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
    dst.uniq.merge_from(src.uniq, map);
  }
}

size_t partial_aggregate::memory_bytes() const {
  size_t b = groups_.memory_bytes() + size_.capacity() * 8;
  for (const auto& c : cols_)
    b += c.num.capacity() * sizeof(numeric_acc) + c.txt.capacity() * sizeof(text_acc) +
         c.uniq.memory_bytes();
  return b;
}

}  // namespace zeekgraph::agg
