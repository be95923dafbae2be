#include "engine/stream_split.h"

#include <gtest/gtest.h>

namespace zeekgraph::engine {

TEST(stream_split, a_gzip_byte_counts_as_four_of_text) {
  EXPECT_EQ(input_work(100, true), 400u);
  EXPECT_EQ(input_work(100, false), 100u);
}

TEST(stream_split, pipelines_a_stream_only_past_one_threads_share) {
  const uint64_t min = 1000;
  // One big .gz alone, or beside small files: pipelined.
  EXPECT_TRUE(pipeline_stream(4000, 4000, 2, min));
  EXPECT_TRUE(pipeline_stream(4000, 4100, 2, min));
  // Equal files, as many as threads or more: each on a thread of its own.
  EXPECT_FALSE(pipeline_stream(4000, 8000, 2, min));
  EXPECT_FALSE(pipeline_stream(4000, 16000, 2, min));
  // Three equal files on two threads: not; on four threads: each is more
  // than a quarter, so yes.
  EXPECT_FALSE(pipeline_stream(4000, 12000, 2, min));
  EXPECT_TRUE(pipeline_stream(4000, 12000, 4, min));
  // One thread, or a stream too small to split: never.
  EXPECT_FALSE(pipeline_stream(4000, 4000, 1, min));
  EXPECT_FALSE(pipeline_stream(999, 999, 2, min));
  // No overflow near the top of the range.
  EXPECT_TRUE(pipeline_stream(UINT64_MAX / 2, UINT64_MAX, 3, min));
  EXPECT_FALSE(pipeline_stream(UINT64_MAX / 4, UINT64_MAX, 3, min));
}

}  // namespace zeekgraph::engine
