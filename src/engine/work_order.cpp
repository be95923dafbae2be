#include "engine/work_order.h"

#include <algorithm>
#include <numeric>

namespace zeekgraph::engine {

std::vector<size_t> largest_first(const std::vector<uint64_t>& work, unsigned threads) {
  std::vector<size_t> order(work.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (threads > 1)
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return work[a] > work[b]; });
  return order;
}

}  // namespace zeekgraph::engine
