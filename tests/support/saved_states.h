// Test support: small saved states (agg/state_file) built by hand from
// rows of (k, v, u) cells, and the rows whose float sums tell a replay in
// row order from any other: shared by the state file and finished
// partition tests.
#pragma once

#include <array>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "agg/state_file.h"
#include "table/table_writer.h"

namespace zeekgraph::test {

using zeek::cell;
using zeek::cell_kind;

inline cell T(std::string_view s) { return {s, cell_kind::text}; }
inline cell N() { return {{}, cell_kind::null}; }

// A state of `rows` (k, v, u): by k, v's float min/max/sum/mean, u's
// nunique and min, as one piece of `path`.
inline agg::saved_state state_of(const std::vector<std::array<cell, 3>>& rows, const std::string& path,
                     const char* aggs = "v:min,max,sum,mean;u:nunique,min,count", bool fingerprints = false) {
  agg::saved_state st;
  st.spec = agg::parse_query_spec("k", aggs).value();
  st.plan = agg::state_plan(st.spec, {}).value();
  for (auto& cp : st.plan->columns) cp.fingerprint_nunique = fingerprints && cp.need_nunique;
  st.typing = agg::typing_of(*st.plan);
  st.groups = std::make_unique<agg::partial_aggregate>(*st.plan);
  st.pieces = {{0, path, 0, UINT64_MAX}};
  st.files = {{path, rows.size(), rows.size(), 0, 0, 0, 0}};
  // The values of v (the one Kahan column), per group in row order.
  std::vector<std::vector<double>> per_group;
  for (const auto& r : rows) {
    st.groups->add_row(r.data());
    st.groups->flush();
    auto& log = st.groups->sum_log();
    for (const auto& e : log) {
      if (per_group.size() <= e.gid) per_group.resize(e.gid + 1);
      per_group[e.gid].push_back(e.value);
    }
    log.clear();
  }
  per_group.resize(st.groups->group_count());
  st.value_start.assign(per_group.size() + 1, 0);
  for (size_t g = 0; g < per_group.size(); ++g) {
    st.value_start[g + 1] = st.value_start[g] + per_group[g].size();
    st.values.insert(st.values.end(), per_group[g].begin(), per_group[g].end());
  }
  return st;
}

inline std::string csv_of(const table::summary_table& t) {
  std::ostringstream out;
  table::write_table(t, table::table_format::csv, out);
  return out.str();
}

// The values the test merges: Kahan-summed in one pass they give digits
// that summing two halves and adding the sums does not.
inline std::vector<std::array<cell, 3>> rows_a() {
  return {{T("x"), T("0.1"), T("u1")}, {T("x"), T("1e16"), T("u2")}, {T("y"), T("-0.0"), N()},
          {T("x"), T("0.3"), T("u1")}, {T("z"), N(), T("u9")}};
}
inline std::vector<std::array<cell, 3>> rows_b() {
  return {{T("x"), T("-1e16"), T("u3")}, {T("x"), T("0.7"), T("u2")}, {T("y"), T("0.0"), T("u4")},
          {T("w"), T("2.5"), T("u5")}};
}

}  // namespace zeekgraph::test
