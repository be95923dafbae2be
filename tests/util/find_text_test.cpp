#include "util/find_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

namespace zeekgraph {

TEST(find_text, agrees_with_a_plain_search_at_every_length_and_place) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string hay(rng() % 1000, 'a');
    for (auto& c : hay) c = "ab\n#\\x"[rng() % 6];
    const size_t n = 1 + rng() % 40;
    std::string needle(n, 'a');
    for (auto& c : needle) c = "ab\n#"[rng() % 4];
    if (rng() % 2 && hay.size() >= n) hay.replace(rng() % (hay.size() - n + 1), n, needle);
    for (size_t from = 0; from <= hay.size(); from += 1 + rng() % 17) {
      const char* p = hay.data() + from;
      const char* end = hay.data() + hay.size();
      const size_t want = hay.find(needle, from);
      const char* got = find_text(p, end, needle);
      ASSERT_EQ(got, want == std::string::npos ? end : hay.data() + want) << hay << " / " << needle;
    }
  }
}

TEST(find_text, never_reads_past_the_end) {
  // The needle's tail lies just past the span: not a match.
  const std::string s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxabc";
  const char* end = s.data() + s.size() - 1;
  EXPECT_EQ(find_text(s.data(), end, "abc"), end);
  EXPECT_EQ(find_text(s.data(), s.data() + s.size(), "abc"), s.data() + s.size() - 3);
  EXPECT_EQ(find_text(s.data(), s.data(), "a"), s.data());
}

TEST(find_text, count_byte_counts) {
  std::mt19937 rng(5);
  for (int round = 0; round < 100; ++round) {
    std::string s(rng() % 1000, 'a');
    for (auto& c : s) c = rng() % 3 ? 'a' : '\n';
    const size_t from = s.empty() ? 0 : rng() % s.size();
    EXPECT_EQ(count_byte(s.data() + from, s.data() + s.size(), '\n'),
              static_cast<uint64_t>(std::count(s.begin() + static_cast<long>(from), s.end(), '\n')));
  }
}

}  // namespace zeekgraph
