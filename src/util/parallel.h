// Runs work(0) .. work(threads - 1) on that many threads and waits; one
// thread runs inline. An exception thrown by any of them is rethrown here
// after all have finished (the first one), as it would be with one thread:
// left to escape a std::thread it would abort the process.
#pragma once

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace zeekgraph {

// Threads to use for a `-j` value: 0 means one per core.
inline unsigned thread_count(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
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
