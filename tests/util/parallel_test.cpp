#include "util/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace zeekgraph {

TEST(parallel, an_exception_on_any_thread_reaches_the_caller_after_all_finish) {
  for (unsigned threads : {1u, 3u}) {
    std::atomic<int> finished{0};
    EXPECT_THROW(run_on_threads(threads,
                                [&](unsigned t) {
                                  if (t == threads - 1) throw std::runtime_error("boom");
                                  ++finished;
                                }),
                 std::runtime_error);
    EXPECT_EQ(finished.load(), static_cast<int>(threads) - 1);
  }
}

}  // namespace zeekgraph
