#include "agg/finalize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace zeekgraph::agg {
namespace {

struct key_part {
  std::string_view text;
  double num = 0;
};

}  // namespace

table::summary_table finalize(partial_aggregate& total) {
  const aggregate_plan& plan = total.plan();
  const size_t groups = total.sizes().size();
  const size_t nkeys = plan.key_columns.size();

  // Decode the keys: per key column, a length-prefixed string or a double.
  std::vector<key_part> keys(groups * nkeys);
  for (uint32_t g = 0; g < groups; ++g) {
    std::string_view k = total.groups().key(g);
    size_t pos = 0;
    for (size_t i = 0; i < nkeys; ++i) {
      key_part& kp = keys[g * nkeys + i];
      if (plan.columns[static_cast<size_t>(plan.key_columns[i])].mode == value_mode::numeric) {
        std::memcpy(&kp.num, k.data() + pos, 8);
        pos += 8;
      } else {
        uint32_t len;
        std::memcpy(&len, k.data() + pos, 4);
        kp.text = k.substr(pos + 4, len);
        pos += 4 + len;
      }
    }
  }
  std::vector<uint32_t> order(groups);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (size_t i = 0; i < nkeys; ++i) {
      const key_part& x = keys[a * nkeys + i];
      const key_part& y = keys[b * nkeys + i];
      if (plan.columns[static_cast<size_t>(plan.key_columns[i])].mode == value_mode::numeric) {
        if (x.num != y.num) return x.num < y.num;
      } else if (int c = x.text.compare(y.text); c != 0) {
        return c < 0;
      }
    }
    return false;
  });

  table::summary_table t;
  auto names = plan.spec.output_names();
  size_t name_at = 0;

  // Key columns.
  for (size_t i = 0; i < nkeys; ++i) {
    size_t pc = static_cast<size_t>(plan.key_columns[i]);
    table::column col;
    col.name = names[name_at++];
    if (plan.columns[pc].mode == value_mode::numeric) {
      bool as_int = total.facts(pc).reads_as_int();
      col.type = as_int ? table::column_type::int64 : table::column_type::float64;
      for (uint32_t g : order) {
        double v = keys[g * nkeys + i].num;
        if (as_int) col.ints.push_back(static_cast<int64_t>(v));
        else col.floats.push_back(v);
      }
    } else {
      col.type = table::column_type::string;
      for (uint32_t g : order) col.strings.emplace_back(keys[g * nkeys + i].text);
    }
    t.columns.push_back(std::move(col));
  }

  // Aggregates.
  const double NaN = std::numeric_limits<double>::quiet_NaN();
  for (const auto& a : plan.spec.aggs) {
    size_t pc = static_cast<size_t>(plan.find(a.column));
    const column_plan& cp = plan.columns[pc];
    bool numeric = cp.mode == value_mode::numeric;
    bool as_int = numeric && total.facts(pc).reads_as_int();
    std::vector<uint64_t> distinct;
    for (agg_fn f : a.fns) {
      table::column col;
      col.name = names[name_at++];
      auto ints = [&](auto get) {
        col.type = table::column_type::int64;
        for (uint32_t g : order) col.ints.push_back(static_cast<int64_t>(get(g)));
      };
      auto floats = [&](auto get) {
        col.type = table::column_type::float64;
        for (uint32_t g : order) col.floats.push_back(get(g));
      };
      switch (f) {
        case agg_fn::size:
          ints([&](uint32_t g) { return total.sizes()[g]; });
          break;
        case agg_fn::count:
          if (numeric)
            ints([&](uint32_t g) { return total.numeric(pc)[g].n; });
          else
            ints([&](uint32_t g) { return total.text(pc)[g].n; });
          break;
        case agg_fn::nunique:
          if (distinct.empty()) distinct = total.distinct(pc).count(groups);
          ints([&](uint32_t g) { return distinct[g]; });
          break;
        case agg_fn::min:
        case agg_fn::max: {
          bool is_min = f == agg_fn::min;
          if (!numeric) {
            col.type = table::column_type::string;
            for (uint32_t g : order) {
              const text_acc& acc = total.text(pc)[g];
              col.strings.push_back(acc.n ? (is_min ? acc.min : acc.max) : std::string());
              col.string_null.push_back(acc.n == 0);
            }
            if (std::none_of(col.string_null.begin(), col.string_null.end(),
                             [](unsigned char b) { return b; }))
              col.string_null.clear();
          } else if (as_int) {
            ints([&](uint32_t g) {
              const numeric_acc& acc = total.numeric(pc)[g];
              return is_min ? acc.imin : acc.imax;
            });
          } else {
            floats([&](uint32_t g) {
              const numeric_acc& acc = total.numeric(pc)[g];
              return acc.n ? (is_min ? acc.dmin : acc.dmax) : NaN;
            });
          }
          break;
        }
        case agg_fn::sum:
          if (as_int)
            ints([&](uint32_t g) { return total.numeric(pc)[g].isum; });
          else
            floats([&](uint32_t g) { return total.numeric(pc)[g].fsum.sum; });
          break;
        case agg_fn::mean:
          floats([&](uint32_t g) {
            const numeric_acc& acc = total.numeric(pc)[g];
            return acc.n ? acc.fsum.sum / static_cast<double>(acc.n) : NaN;
          });
          break;
      }
      t.columns.push_back(std::move(col));
    }
  }

  if (plan.spec.seed_extras) {
    table::column col;
    col.name = names[name_at++];
    col.type = table::column_type::string;
    for (uint32_t g : order) {
      std::string s;
      for (size_t i = 0; i < nkeys; ++i) {
        if (i) s += '_';
        s += keys[g * nkeys + i].text;
      }
      col.strings.push_back(std::move(s));
    }
    t.columns.push_back(std::move(col));
  }
  return t;
}

}  // namespace zeekgraph::agg
