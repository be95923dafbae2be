// Runs work(0) .. work(threads - 1) on that many threads and waits; one
// thread runs inline. An exception thrown by any of them is rethrown here
// after all have finished (the first one), as it would be with one thread:
// left to escape a std::thread it would abort the process.
#pragma once

#include <sched.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace zeekgraph {

// The cores this process may run on (its affinity mask: taskset and
// cgroup cpusets shrink it), at least 1.
inline unsigned available_cores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// The most threads one job starts. Each holds per-thread states and
// buffers, so an unbounded `-j` (100000) would meet the OOM killer or
// bad_alloc; the tool further clamps `-j` to available_cores().
constexpr unsigned MAX_THREADS = 256;

// Threads to use for a `-j` value: 0 means one per core.
inline unsigned thread_count(unsigned requested) {
  return requested ? std::min(requested, MAX_THREADS) : available_cores();
}

template <typename F>
void run_on_threads(unsigned threads, F&& work) {
  if (threads <= 1) {
    work(0u);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  std::exception_ptr first;
  std::mutex mu;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        work(t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first) first = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace zeekgraph
