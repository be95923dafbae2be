#include "engine/summarize_state.h"

#include <algorithm>

#include "engine/summary_passes.h"
#include "io/output_file.h"

namespace zeekgraph::engine {

result<agg::saved_state> summarize_state(const summarize_options& opts, summarize_result& out) {
  auto passes = run_passes(opts, true);
  if (!passes) return passes.err();
  summary_passes& p = *passes;
  out = std::move(p.result);
  agg::saved_state st;
  st.spec = opts.spec;
  st.where = opts.where ? opts.where->text() : std::string();
  for (const auto& f : out.files) {
    agg::state_piece piece{0, f.path, 0, UINT64_MAX};
    if (opts.range) {
      piece.begin = opts.range->first;
      piece.end = std::max(opts.range->first, opts.range->second);
    }
    st.pieces.push_back(std::move(piece));
    st.files.push_back({f.path, f.lines_read, f.rows_used, f.rows_rejected, f.rows_null_key, f.rows_filtered,
                        f.problems_total()});
  }
  if (out.stopped) {
    auto plan = agg::state_plan(st.spec, {});
    if (!plan) return plan.err();
    st.plan = std::move(*plan);
    st.groups = std::make_unique<agg::partial_aggregate>(*st.plan);
    st.typing = agg::typing_of(*st.plan);
    return st;
  }
  agg::partial_aggregate& total = *p.total;
  total.flush();
  st.typing = agg::typing_of(*p.plan);

  // The Kahan-summed columns' values, from the log in input order into
  // each group's lists (a counting sort, which keeps the order).
  std::vector<int> kahan_index(p.plan->columns.size(), -1);
  size_t K = 0;
  for (size_t c = 0; c < p.plan->columns.size(); ++c)
    if (p.plan->columns[c].kahan_sum()) kahan_index[c] = static_cast<int>(K++);
  const size_t groups = total.group_count();
  st.value_start.assign(groups * K + 1, 0);
  if (p.replay && K > 0) {
    const std::vector<uint32_t> ids = p.replay->ids_of(total);
    std::vector<uint32_t> gid_of_id;
    for (uint32_t g = 0; g < groups; ++g)
      if (ids[g] != UINT32_MAX) {
        if (gid_of_id.size() <= ids[g]) gid_of_id.resize(ids[g] + 1, UINT32_MAX);
        gid_of_id[ids[g]] = g;
      }
    const auto& log = p.replay->kept();
    auto slot = [&](const agg::sum_entry& e) {
      return static_cast<size_t>(gid_of_id[e.gid]) * K + static_cast<size_t>(kahan_index[e.column]);
    };
    for (const auto& e : log) ++st.value_start[slot(e) + 1];
    for (size_t i = 1; i < st.value_start.size(); ++i) st.value_start[i] += st.value_start[i - 1];
    st.values.resize(log.size());
    std::vector<uint64_t> fill(st.value_start.begin(), st.value_start.end() - 1);
    for (const auto& e : log) st.values[fill[slot(e)]++] = e.value;
  }
  // The states no longer charge the run's budget, which ends here.
  p.replay.reset();
  p.plan->budget = nullptr;
  st.plan = std::move(p.plan);
  st.groups = std::move(p.total);
  return st;
}

result<agg::saved_state> merge_state_files(const std::vector<std::string>& paths, bool close, unsigned threads) {
  std::vector<agg::saved_state> states;
  for (const auto& path : paths) {
    auto st = agg::read_state_file(path);
    if (!st) return st.err();
    states.push_back(std::move(*st));
  }
  return agg::merge_states(std::move(states), close, threads);
}

status write_state_file(agg::saved_state& state, const std::string& path, uint32_t partitions) {
  const auto files = agg::encode_state(state, partitions);
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string name = partitions > 1 ? path + "." + std::to_string(i) : path;
    auto out = io::output_file::open(name);
    if (!out) return out.err();
    (*out)->stream().write(files[i].data(), static_cast<std::streamsize>(files[i].size()));
    if (auto s = (*out)->commit(); !s) return s.err();
  }
  return ok_status();
}

}  // namespace zeekgraph::engine
