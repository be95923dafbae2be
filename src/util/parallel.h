// Runs work(0) .. work(threads - 1) on that many threads and waits; one
// thread runs inline.
#pragma once

#include <thread>
#include <vector>

namespace zeekgraph {

template <typename F>
void run_on_threads(unsigned threads, F&& work) {
  if (threads <= 1) {
    work(0u);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&work, t] { work(t); });
  for (auto& th : pool) th.join();
}

}  // namespace zeekgraph
