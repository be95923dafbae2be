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
  bool exceeded() const { return exceeded_.load(std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  std::atomic<bool> exceeded_{false};
};

}  // namespace zeekgraph::agg
