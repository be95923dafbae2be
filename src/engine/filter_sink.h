// A --where filter pushed into the scan: it sits between the reader and the
// aggregate, so a row it drops is counted as filtered and none of its
// fields is parsed as a number, hashed or grouped.
#pragma once

#include <vector>

#include "query/filter.h"
#include "zeek/row_sink.h"

namespace zeekgraph::engine {

class filter_sink final : public zeek::row_sink {
 public:
  // `cell_of[i]`: the reader's cell index of the filter's i-th column.
  filter_sink(const query::filter& where, const std::vector<int>& cell_of, zeek::row_sink& next)
      : where_(where), cell_of_(cell_of), next_(next), cells_(cell_of.size()) {}

  zeek::row_verdict add_row(const zeek::cell* cells) override {
    for (size_t i = 0; i < cell_of_.size(); ++i) cells_[i] = cells[cell_of_[i]];
    if (!where_.matches(cells_.data())) return {zeek::row_outcome::filtered};
    return next_.add_row(cells);
  }

 private:
  const query::filter& where_;
  const std::vector<int>& cell_of_;
  zeek::row_sink& next_;
  std::vector<zeek::cell> cells_;
};

}  // namespace zeekgraph::engine
