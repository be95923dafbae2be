#include "util/small_copy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
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

TEST(small_copy, equal_small_finds_a_difference_at_every_place_of_every_length) {
  for (size_t n = 0; n <= 40; ++n) {
    // Exactly sized heap copies: a read past either end is a sanitizer error.
    std::string text;
    for (size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
    const std::unique_ptr<char[]> a(new char[n + 1]), b(new char[n + 1]);
    std::memcpy(a.get(), text.data(), n);
    std::memcpy(b.get(), text.data(), n);
    EXPECT_TRUE(equal_small(a.get(), b.get(), n)) << n;
    for (size_t at = 0; at < n; ++at)
      for (unsigned char bit : {0x01, 0x80}) {
        b[at] = static_cast<char>(b[at] ^ bit);
        EXPECT_FALSE(equal_small(a.get(), b.get(), n)) << n << " at " << at;
        b[at] = static_cast<char>(b[at] ^ bit);
      }
  }
}

}  // namespace zeekgraph
