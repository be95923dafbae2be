// A memory budget shared by every partial state of one query. States charge
// it as they add groups; once the total passes the limit the budget says
// so, and the reader stops with a clear error instead of meeting the OOM
// killer (50M distinct groups need ~20 GB).
#pragma once

#include <atomic>
#include <cstdint>

namespace zeekgraph::agg {

class memory_budget {
 public:
  explicit memory_budget(uint64_t limit_bytes) : limit_(limit_bytes) {}
  void charge(uint64_t bytes) {
    if (used_.fetch_add(bytes, std::memory_order_relaxed) + bytes > limit_)
      exceeded_.store(true, std::memory_order_relaxed);
  }
  // What a state gives back when it is freed.
  void release(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  // An owner that holds `held` bytes of tables that double as they grow
  // brings its charge (`charged`, kept by the owner) up to what a doubling
  // could need: the old copy and the new one at once, half as much again.
  // Charges only grow, as capacities do.
  void charge_growing(uint64_t& charged, uint64_t held) {
    const uint64_t peak = held + held / 2;
    if (peak > charged) {
      charge(peak - charged);
      charged = peak;
    }
  }
  bool exceeded() const { return exceeded_.load(std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  std::atomic<bool> exceeded_{false};
};

}  // namespace zeekgraph::agg
