#include "agg/finalize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <atomic>
#include <functional>
#include <limits>

#include "util/parallel.h"

namespace zeekgraph::agg {
namespace {

// A float64 state of an int64 column as the integer it holds. Data keeps
// these exact integers within int64 (column_facts decides the dtype); a
// state file damaged past its checksums could hold any double, which
// saturates here instead of overflowing the conversion (fuzz/state_file).
int64_t int64_of(double d) {
  if (!(d >= -9223372036854775808.0)) return d != d ? 0 : INT64_MIN;
  if (d >= 9223372036854775808.0) return INT64_MAX;
  return static_cast<int64_t>(d);
}

}  // namespace

uint64_t finalize_bytes(const partial_aggregate& total) {
  const aggregate_plan& plan = total.plan();
  constexpr uint64_t NUMBER = 8, TEXT = 64;
  uint64_t per_row = 0;
  for (int k : plan.key_columns) per_row += plan.columns[static_cast<size_t>(k)].mode == value_mode::numeric ? NUMBER : TEXT;
  for (const auto& a : plan.spec.aggs) {
    const int c = plan.find(a.column);
    const bool text = c >= 0 && plan.columns[static_cast<size_t>(c)].mode == value_mode::text;
    for (agg_fn f : a.fns) per_row += text && (f == agg_fn::min || f == agg_fn::max) ? TEXT : NUMBER;
  }
  if (plan.spec.seed_extras) per_row += TEXT;  // conn_state_uid
  return per_row * total.group_count();
}

table::summary_table finalize(partial_aggregate& total, unsigned threads) {
  total.flush();
  const aggregate_plan& plan = total.plan();
  const size_t groups = total.group_count();
  const size_t nkeys = plan.key_columns.size();
  auto numeric_key = [&](size_t i) {
    return plan.columns[static_cast<size_t>(plan.key_columns[i])].mode == value_mode::numeric;
  };
  auto as_double = [](std::string_view b) {
    double d;
    std::memcpy(&d, b.data(), 8);
    return d;
  };

  // Rank each key column's dictionary once (strings bytewise, numbers by
  // value, as pandas sorts); groups then sort by tuples of small integers.
  std::vector<std::vector<uint32_t>> rank(nkeys);
  for (size_t i = 0; i < nkeys; ++i) {
    const group_table& d = total.dictionary(i);
    std::vector<uint32_t> ids(d.size());
    std::iota(ids.begin(), ids.end(), 0u);
    if (numeric_key(i))
      std::sort(ids.begin(), ids.end(),
                [&](uint32_t a, uint32_t b) { return as_double(d.key(a)) < as_double(d.key(b)); });
    else
      std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return d.key(a) < d.key(b); });
    rank[i].resize(d.size());
    for (uint32_t r = 0; r < ids.size(); ++r) rank[i][ids[r]] = r;
  }
  std::vector<uint32_t> key_rank(groups * nkeys);
  for (uint32_t g = 0; g < groups; ++g) {
    std::string_view k = total.groups().key(g);
    for (size_t i = 0; i < nkeys; ++i) {
      uint32_t id;
      std::memcpy(&id, k.data() + 4 * i, 4);
      key_rank[g * nkeys + i] = rank[i][id];
    }
  }
  std::vector<uint32_t> order(groups);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(key_rank.begin() + a * nkeys, key_rank.begin() + (a + 1) * nkeys,
                                        key_rank.begin() + b * nkeys, key_rank.begin() + (b + 1) * nkeys);
  });

  // Distinct counts first (each runs on every thread), then one job per
  // output column, run on all threads: each walks the groups in output
  // order, its loads of their blocks prefetched a few groups ahead.
  std::vector<std::vector<uint64_t>> distinct(plan.columns.size());
  for (const auto& a : plan.spec.aggs) {
    size_t pc = static_cast<size_t>(plan.find(a.column));
    for (agg_fn f : a.fns)
      if (f == agg_fn::nunique && distinct[pc].empty()) {
        nunique_store& store = total.distinct(pc);
        if (!store.fingerprinted()) {
          distinct[pc] = store.count(groups, threads);
          continue;
        }
        // No value repeats in the column: a group's distinct values are its
        // non-null ones.
        if (!store.values_distinct(threads))
          throw std::logic_error("finalize: fingerprinted nunique of '" + plan.columns[pc].name +
                                 "' has repeated values; the input must be read again with exact pairs");
        distinct[pc].resize(groups);
        for (uint32_t g = 0; g < groups; ++g) distinct[pc][g] = total.size(g) - store.nulls(g);
      }
  }
  constexpr size_t AHEAD = 8;
  auto each_group = [&](auto&& emit) {
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + AHEAD < order.size()) total.prefetch_group(order[i + AHEAD]);
      emit(order[i]);
    }
  };

  table::summary_table t;
  auto names = plan.spec.output_names();
  size_t name_at = 0;
  std::vector<std::function<void(table::column&)>> jobs;

  // Key columns.
  for (size_t i = 0; i < nkeys; ++i) {
    size_t pc = static_cast<size_t>(plan.key_columns[i]);
    jobs.push_back([&, i, pc](table::column& col) {
      if (plan.columns[pc].mode == value_mode::numeric) {
        bool as_int = total.facts(pc).reads_as_int();
        col.type = as_int ? table::column_type::int64 : table::column_type::float64;
        for (uint32_t g : order) {
          double v = as_double(total.key_value(g, i));
          if (as_int) col.ints.push_back(int64_of(v));
          else col.floats.push_back(v);
        }
      } else {
        col.type = table::column_type::string;
        col.strings.reserve(groups);
        for (uint32_t g : order) col.strings.emplace_back(total.key_value(g, i));
      }
    });
  }

  // Aggregates.
  for (const auto& a : plan.spec.aggs) {
    size_t pc = static_cast<size_t>(plan.find(a.column));
    for (agg_fn f : a.fns)
      jobs.push_back([&, pc, f](table::column& col) {
        const column_plan& cp = plan.columns[pc];
        const bool numeric = cp.mode == value_mode::numeric;
        const bool as_int = numeric && total.facts(pc).reads_as_int();
        const double NaN = std::numeric_limits<double>::quiet_NaN();
        auto ints = [&](auto get) {
          col.type = table::column_type::int64;
          col.ints.reserve(groups);
          each_group([&](uint32_t g) { col.ints.push_back(static_cast<int64_t>(get(g))); });
        };
        auto floats = [&](auto get) {
          col.type = table::column_type::float64;
          col.floats.reserve(groups);
          each_group([&](uint32_t g) { col.floats.push_back(get(g)); });
        };
        switch (f) {
          case agg_fn::size:
            ints([&](uint32_t g) { return total.size(g); });
            break;
          case agg_fn::count:
            if (numeric)
              ints([&](uint32_t g) { return total.numeric(pc, g).n; });
            else
              ints([&](uint32_t g) { return total.text(pc, g).n; });
            break;
          case agg_fn::nunique:
            ints([&](uint32_t g) { return distinct[pc][g]; });
            break;
          case agg_fn::min:
          case agg_fn::max: {
            bool is_min = f == agg_fn::min;
            if (!numeric) {
              col.type = table::column_type::string;
              for (uint32_t g : order) {
                const text_acc& acc = total.text(pc, g);
                col.strings.push_back(acc.n ? (is_min ? acc.min : acc.max) : std::string());
                col.string_null.push_back(acc.n == 0);
              }
              if (std::none_of(col.string_null.begin(), col.string_null.end(),
                               [](unsigned char b) { return b; }))
                col.string_null.clear();
            } else if (as_int) {
              // int64 column: every group has values (no nulls).
              ints([&](uint32_t g) {
                if (const int_acc* ia = total.exact_ints(pc, g)) return is_min ? ia->imin : ia->imax;
                const numeric_result acc = total.numeric(pc, g);
                return int64_of(is_min ? acc.min : acc.max);
              });
            } else {
              floats([&](uint32_t g) {
                const numeric_result acc = total.numeric(pc, g);
                return acc.any ? (is_min ? acc.min : acc.max) : NaN;
              });
            }
            break;
          }
          case agg_fn::sum:
            if (as_int)
              ints([&](uint32_t g) {
                if (const int_acc* ia = total.exact_ints(pc, g)) return static_cast<int64_t>(ia->isum);
                return int64_of(total.numeric(pc, g).sum);
              });
            else
              floats([&](uint32_t g) { return total.numeric(pc, g).sum; });
            break;
          case agg_fn::mean:
            floats([&](uint32_t g) {
              const numeric_result acc = total.numeric(pc, g);
              return acc.any ? acc.sum / static_cast<double>(acc.n) : NaN;
            });
            break;
        }
      });
  }

  if (plan.spec.seed_extras)
    jobs.push_back([&](table::column& col) {
      col.type = table::column_type::string;
      col.strings.reserve(groups);
      for (uint32_t g : order) {
        std::string s;
        for (size_t i = 0; i < nkeys; ++i) {
          if (i) s += '_';
          s += total.key_value(g, i);
        }
        col.strings.push_back(std::move(s));
      }
    });

  t.columns.resize(jobs.size());
  for (auto& col : t.columns) col.name = names[name_at++];
  std::atomic<size_t> next{0};
  run_on_threads(std::min<unsigned>(std::max(1u, threads), static_cast<unsigned>(jobs.size())), [&](unsigned) {
    for (size_t j; (j = next.fetch_add(1)) < jobs.size();) jobs[j](t.columns[j]);
  });
  return t;
}

}  // namespace zeekgraph::agg
