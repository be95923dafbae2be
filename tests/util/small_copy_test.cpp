#include "util/small_copy.h"

#include <gtest/gtest.h>

#include <string>

namespace zeekgraph {

TEST(small_copy, copies_every_length_exactly_and_writes_nothing_past_it) {
  std::string src;
  for (int i = 0; i < 80; ++i) src += static_cast<char>('A' + i % 50);
  for (size_t n = 0; n <= 64; ++n) {
    for (size_t at = 0; at < 3; ++at) {
      std::string dst(100, '#');
      copy_small(dst.data() + at, src.data() + at, n);
      EXPECT_EQ(dst.substr(at, n), src.substr(at, n)) << n;
      EXPECT_EQ(dst.substr(0, at), std::string(at, '#')) << n;
      EXPECT_EQ(dst.substr(at + n), std::string(100 - at - n, '#')) << n;
    }
  }
}

}  // namespace zeekgraph
