#include "agg/nunique.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace zeekgraph::agg {

TEST(nunique, counts_distinct_text_per_group) {
  nunique_store s;
  s.add_text(0, "CCUIP21wTjqkj8ZqX5");   // an 18-character uid: packed
  s.add_text(0, "CCUIP21wTjqkj8ZqX5");
  s.add_text(0, "CCUIP21wTjqkj8ZqX6");
  s.add_text(1, "fe80::1234:5678:9abc:def0:1");  // long: kept as a string
  s.add_text(1, "fe80::1234:5678:9abc:def0:1");
  s.add_text(1, "a-b");                 // raw bytes
  s.add_text(1, "a-b ");
  s.add_text(1, "");
  auto c = s.count(2);
  EXPECT_EQ(c[0], 2u);
  EXPECT_EQ(c[1], 4u);
}

TEST(nunique, merged_spills_remap_group_ids_through_every_merge) {
  nunique_store a(256), b(256), c(256);
  for (uint32_t i = 0; i < 1000; ++i) {
    a.add_text(0, "uid" + std::to_string(i));
    b.add_text(1, "uid" + std::to_string(i % 10));
    b.add_text(0, "other" + std::to_string(i % 5));
    c.add_number(0, number{static_cast<double>(i % 3), static_cast<int64_t>(i % 3), true});
  }
  b.merge_from(std::move(c), {1});  // c's group 0 is b's group 1
  a.merge_from(std::move(b), {2, 0});  // b's groups 0, 1 are a's 2, 0
  auto n = a.count(3);
  EXPECT_EQ(n[0], 1000u + 3u);  // b's "uid0".."uid9" are among a's 1,000
  EXPECT_EQ(n[1], 0u);
  EXPECT_EQ(n[2], 5u);
}

TEST(nunique, encodings_do_not_collide) {
  // "0" as alphanumeric and "0" with a trailing NUL as raw must differ,
  // and a short string must not equal its prefix.
  nunique_store s;
  s.add_text(0, "0");
  s.add_text(0, std::string("0\0", 2));
  s.add_text(0, "00");
  s.add_text(0, "A");
  s.add_text(0, "a");
  EXPECT_EQ(s.count(1)[0], 5u);
}

TEST(nunique, random_strings_match_a_set_across_every_encoding) {
  // Lengths 0..25 over an alphabet that mixes base62 with bytes outside it
  // cover the vector and scalar uid packing (16..21), raw (<= 15) and long
  // strings; near-duplicates differ in one character at any position.
  std::mt19937 rng(7);
  const std::string alphabet = "0Az9aZ-_\xff";
  nunique_store s(4096);
  std::vector<std::set<std::string>> truth(3);
  for (int i = 0; i < 20000; ++i) {
    size_t len = rng() % 26;
    std::string v(len, '0');
    for (char& c : v) c = rng() % 4 ? alphabet[rng() % 6] : alphabet[rng() % alphabet.size()];
    uint32_t g = rng() % 3;
    s.add_text(g, v);
    truth[g].insert(v);
    if (len && rng() % 2) {  // a variant one character away
      v[rng() % len] = alphabet[rng() % 6];
      s.add_text(g, v);
      truth[g].insert(v);
    }
  }
  auto c = s.count(3);
  for (uint32_t g = 0; g < 3; ++g) EXPECT_EQ(c[g], truth[g].size()) << g;
}

TEST(nunique, numbers_compare_by_value) {
  nunique_store s;
  number a{80, 80, true}, b{80.0, 0, false}, c{-0.0, 0, false}, d{0, 0, true};
  s.add_number(0, a);
  s.add_number(0, b);
  s.add_number(0, c);
  s.add_number(0, d);
  EXPECT_EQ(s.count(1)[0], 2u);
}

TEST(nunique, spilling_and_merge_keep_counts_exact) {
  nunique_store x(1 << 16), y(1 << 10);  // tiny budgets: most pairs go to disk
  for (uint32_t i = 0; i < 3'000'000; ++i) x.add_number(i % 7, number{static_cast<double>(i % 1000), static_cast<int64_t>(i % 1000), true});
  for (uint32_t i = 0; i < 1000; ++i) y.add_text(0, std::string("v").append(std::to_string(i % 10)));
  x.merge_from(std::move(y), {6});
  EXPECT_GT(x.spilled_bytes(), 0u);
  auto c = x.count(7, 3);
  // 7 and 1000 are coprime, so every group sees all 1000 values.
  EXPECT_EQ(c[0], 1000u);
  EXPECT_EQ(c[6], 1000u + 10u);
}

TEST(nunique, counts_stay_exact_whether_the_repeat_cache_stays_on_or_not) {
  // The first store's early pairs never repeat, so it stops using its cache
  // of recent pairs; the second's repeat at once, so it keeps it. Both then
  // see the same mix of repeats and new values.
  nunique_store off, on;
  for (uint32_t i = 0; i < 100000; ++i) {
    off.add_number(i % 3, number{static_cast<double>(i), static_cast<int64_t>(i), true});
    on.add_number(i % 3, number{5, 5, true});
  }
  for (uint32_t i = 0; i < 300000; ++i) {
    const double v = (i / 4) % 5000 + 200000;  // each value four times in a row
    for (nunique_store* s : {&off, &on}) s->add_number(i % 3, number{v, static_cast<int64_t>(v), true});
  }
  auto a = off.count(3), b = on.count(3);
  for (uint32_t g = 0; g < 3; ++g) {
    EXPECT_EQ(a[g], 33334u - (g > 0) + 5000u) << g;
    EXPECT_EQ(b[g], 1u + 5000u) << g;
  }
}

}  // namespace zeekgraph::agg
