// The aggregate state of one slice of the input (a file, or a chunk of a
// big file). Slices fold together with merge_from(), the same way threads
// and, later, machines combine their partial results.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/group_table.h"
#include "agg/nunique.h"
#include "zeek/row_sink.h"

namespace zeekgraph::agg {

// pandas' float64 sum and mean use Kahan summation in row order; so do we.
struct kahan {
  double sum = 0, comp = 0;
  void add(double v) {
    double y = v - comp;
    double t = sum + y;
    comp = t - sum - y;
    sum = t;
  }
  void merge(const kahan& o) { add(o.sum - o.comp); }
};

struct numeric_acc {
  uint64_t n = 0;  // non-null values
  double dmin = std::numeric_limits<double>::quiet_NaN(), dmax = dmin;
  int64_t imin = 0, imax = 0;  // meaningful when the column reads as int64
  kahan fsum;
  uint64_t isum = 0;           // int64 sum, wrapping as numpy's does
};

struct text_acc {
  uint64_t n = 0;
  std::string min, max;
};

// Facts about a whole column that decide how pandas types it.
struct column_facts {
  uint64_t nulls = 0;          // null cells (null-key rows included)
  uint64_t values = 0;         // non-null cells
  uint64_t float_text = 0;     // numeric values not written as integers
  uint64_t not_numeric = 0;    // values that are not numbers at all
  void merge(const column_facts& o) {
    nulls += o.nulls;
    values += o.values;
    float_text += o.float_text;
    not_numeric += o.not_numeric;
  }
  // pandas reads the column as int64 only with no nulls and no decimals.
  bool reads_as_int() const { return nulls == 0 && float_text == 0 && not_numeric == 0; }
};

class partial_aggregate final : public zeek::row_sink {
 public:
  explicit partial_aggregate(const aggregate_plan& plan);

  zeek::row_verdict add_row(const zeek::cell* cells) override;

  // Folds `other` into this one. Group ids of `other` map to new ones here.
  void merge_from(const partial_aggregate& other);

  const aggregate_plan& plan() const { return plan_; }
  const group_table& groups() const { return groups_; }
  const std::vector<uint64_t>& sizes() const { return size_; }
  const std::vector<numeric_acc>& numeric(size_t col) const { return cols_[col].num; }
  const std::vector<text_acc>& text(size_t col) const { return cols_[col].txt; }
  nunique_store& distinct(size_t col) { return cols_[col].uniq; }
  const column_facts& facts(size_t col) const { return facts_[col]; }
  size_t memory_bytes() const;

 private:
  struct column_state {
    std::vector<numeric_acc> num;
    std::vector<text_acc> txt;
    nunique_store uniq;
  };
  struct row_value {
    bool null = true;
    bool numeric = false;
    number num;
    std::string_view text;
  };
  void add_group();

  const aggregate_plan& plan_;
  group_table groups_;
  std::vector<uint64_t> size_;
  std::vector<column_state> cols_;
  std::vector<column_facts> facts_;
  std::vector<row_value> row_;
  std::string key_;
};

}  // namespace zeekgraph::agg
