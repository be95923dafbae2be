#include "agg/nunique.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

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

// Pairs are partitioned by their value and a hash of their group's key
// values, which slices share though their group ids differ: a common value
// spreads over partitions, and equal pairs from two slices still meet.
TEST(nunique, group_hashes_keep_slices_meeting) {
  // Slice a numbers groups k0..k9 as 0..9, slice b as 9..0; the hash is of
  // the group's key, so it follows the group, not the id.
  std::vector<uint32_t> hash_a(10), hash_b(10);
  for (uint32_t k = 0; k < 10; ++k) {
    hash_a[k] = k * 2654435761u + 17;
    hash_b[9 - k] = hash_a[k];
  }
  nunique_store a(512), b(512);  // small budgets: both spill
  a.set_group_hashes(&hash_a);
  b.set_group_hashes(&hash_b);
  for (uint32_t i = 0; i < 20000; ++i) {
    const uint32_t key = i % 10;
    const double port = i % 3 == 0 ? 443 : static_cast<double>(i % 700);  // one common value
    a.add_number(key, number{port, static_cast<int64_t>(port), true});
    b.add_number(9 - key, number{port, static_cast<int64_t>(port), true});  // the same pairs
  }
  std::vector<uint32_t> b_to_a(10);
  for (uint32_t g = 0; g < 10; ++g) b_to_a[g] = 9 - g;
  a.merge_from(std::move(b), b_to_a);
  std::vector<std::set<int>> want(10);
  for (uint32_t i = 0; i < 20000; ++i) want[i % 10].insert(i % 3 == 0 ? 443 : static_cast<int>(i % 700));
  auto c = a.count(10, 2);
  for (uint32_t g = 0; g < 10; ++g) EXPECT_EQ(c[g], want[g].size()) << g;
}

namespace {

std::string uid(uint32_t i) { return "C" + std::to_string(i * 2654435761u) + "x"; }

}  // namespace

// Values that do not repeat in the trial leave only fingerprints; a group
// then counts its non-null values, once values_distinct() has found no
// repeat in the whole column.
TEST(nunique, distinct_values_keep_fingerprints) {
  const uint32_t n = nunique_store::TRIAL + 5000;
  nunique_store s(4096, true);  // a small budget: fingerprints spill too
  for (uint32_t i = 0; i < n; ++i) {
    s.add_text(i % 7, uid(i));
    if (i % 1000 == 0) s.add_null(i % 7);
  }
  EXPECT_TRUE(s.fingerprinted());
  EXPECT_EQ(s.nulls(0), 6u);  // i = 0, 7000, ..., 35000
  EXPECT_EQ(s.nulls(6), 6u);  // i = 1000, 8000, ..., 36000
  EXPECT_EQ(s.nulls(7), 0u);
  EXPECT_TRUE(s.values_distinct(2));
  EXPECT_THROW(s.count(7), std::logic_error);
}

// A value repeated after the trial: the store stays fingerprinted but says
// it cannot count; the caller reads again with an exact store.
TEST(nunique, a_late_repeat_is_found) {
  for (unsigned threads : {1u, 3u}) {
    nunique_store s(4096, true);
    for (uint32_t i = 0; i < nunique_store::TRIAL + 100; ++i) s.add_text(i % 5, uid(i));
    s.add_text(4, uid(17));  // another group: still a repeat of the column's values
    EXPECT_TRUE(s.fingerprinted());
    EXPECT_FALSE(s.values_distinct(threads)) << threads;
  }
}

// Repeats within the trial keep exact pairs, and exact counts.
TEST(nunique, early_repeats_stay_exact) {
  nunique_store s(4096, true);
  for (uint32_t i = 0; i < nunique_store::TRIAL + 100; ++i) s.add_text(i % 3, uid(i % 1000));
  s.add_null(0);
  EXPECT_FALSE(s.fingerprinted());
  EXPECT_TRUE(s.values_distinct());
  auto c = s.count(3);
  // Value v comes at i = v + 1000k, in group (v + k) % 3: every group has all.
  EXPECT_EQ(c, (std::vector<uint64_t>{1000, 1000, 1000}));
}

// A trial that never filled decides when the store is merged or counted.
TEST(nunique, short_trials_decide_at_merge) {
  nunique_store a(1 << 20, true), b(1 << 20, true), fresh(1 << 20, true);
  for (uint32_t i = 0; i < 100; ++i) {
    a.add_text(0, uid(i));
    b.add_text(0, uid(1000 + i));
  }
  b.add_null(1);
  fresh.merge_from(std::move(a), {1});  // a's group 0 is fresh's group 1
  fresh.merge_from(std::move(b), {0, 2});
  EXPECT_TRUE(fresh.fingerprinted());
  EXPECT_EQ(fresh.nulls(2), 1u);
  EXPECT_TRUE(fresh.values_distinct());

  nunique_store c(1 << 20, true), d(1 << 20, true);
  for (uint32_t i = 0; i < 100; ++i) {
    c.add_text(0, uid(i));
    d.add_text(0, uid(i));  // the same values in another slice
  }
  c.merge_from(std::move(d), {0});
  EXPECT_FALSE(c.values_distinct());
}

// expect_growth reserves for the values to come in the buffer in use, up to
// where the store would spill, and changes nothing it counts.
TEST(nunique, expect_growth_reserves_up_to_the_spill_point) {
  const size_t budget = size_t{8} << 20;
  nunique_store s(budget, true);
  const uint32_t n = nunique_store::TRIAL + 20000;
  for (uint32_t i = 0; i < n; ++i) s.add_text(i % 3, uid(i));
  ASSERT_TRUE(s.fingerprinted());
  const size_t before = s.memory_bytes();
  s.expect_growth(4.0);
  const size_t after = s.memory_bytes();
  EXPECT_GE(after, before + 3 * size_t{n} * 8 * 9 / 10);  // room for ~4x the fingerprints held
  s.expect_growth(1000.0);
  EXPECT_LE(s.memory_bytes(), before + budget / 2 + 4096);  // never past the spill point
  for (uint32_t i = n; i < 2 * n; ++i) s.add_text(i % 3, uid(i));
  EXPECT_EQ(s.fingerprint_count(), 2 * size_t{n});
  EXPECT_TRUE(s.values_distinct());
}

// Fingerprints in partition order are read where they lie: merged and
// checked like copied ones, across stores, with a repeat found wherever it
// is. Out of order, partition_starts() says so (the caller copies them).
TEST(nunique, fingerprints_in_place_check_like_copied_ones) {
  std::mt19937_64 rng(7);
  auto any = [](uint64_t) { return true; };
  auto sorted_run = [&](size_t n) {
    std::vector<uint64_t> v(n);
    for (auto& h : v) h = rng() | 1;  // never 0
    std::sort(v.begin(), v.end());    // sorted: in partition order too
    return v;
  };
  const std::vector<uint64_t> a = sorted_run(30000), b = sorted_run(20000);
  for (bool repeat : {false, true}) {
    std::vector<uint64_t> b2 = b;
    if (repeat) b2[12345] = a[777], std::sort(b2.begin(), b2.end());
    auto starts_a = nunique_store::partition_starts(a.data(), a.size(), any);
    auto starts_b = nunique_store::partition_starts(b2.data(), b2.size(), any);
    ASSERT_TRUE(starts_a && starts_b);
    EXPECT_EQ(starts_a->size(), nunique_store::PARTS + 1);
    EXPECT_EQ(starts_a->back(), a.size());
    nunique_store in_place(1 << 20, true), other(1 << 20, true), copied(1 << 20, true);
    in_place.add_fingerprints_in_place(a.data(), *starts_a);
    other.add_fingerprints_in_place(b2.data(), *starts_b);
    in_place.merge_from(std::move(other), {});
    copied.add_fingerprints(a.data(), a.size());
    copied.add_fingerprints(b2.data(), b2.size());
    EXPECT_EQ(in_place.fingerprint_count(), a.size() + b.size());
    EXPECT_EQ(in_place.values_distinct(), !repeat) << repeat;
    EXPECT_EQ(copied.values_distinct(), !repeat) << repeat;
    std::vector<uint64_t> seen;
    in_place.take_fingerprints([&](const uint64_t* h, size_t n) { seen.insert(seen.end(), h, h + n); });
    std::vector<uint64_t> want = a;
    want.insert(want.end(), b2.begin(), b2.end());
    EXPECT_EQ(seen, want);
  }
  std::vector<uint64_t> backwards = sorted_run(5000);
  std::reverse(backwards.begin(), backwards.end());
  EXPECT_FALSE(nunique_store::partition_starts(backwards.data(), backwards.size(), any));
  EXPECT_TRUE(nunique_store::partition_starts(backwards.data(), 1, any));
}

// Random slices, merged in random order: a fingerprinted store says its
// values are distinct exactly when no value repeats in the whole column,
// and counts each group's nulls; an exact one counts like a set.
TEST(nunique, random_slices_with_and_without_repeats) {
  std::mt19937_64 rng(7);
  int fingerprinted = 0, counted = 0;
  for (int round = 0; round < 12; ++round) {
    const uint32_t groups = 1 + static_cast<uint32_t>(rng() % 50);
    const uint32_t slices = 1 + static_cast<uint32_t>(rng() % 4);
    const bool repeat = round % 3 == 0;
    std::vector<nunique_store> stores;
    for (uint32_t k = 0; k < slices; ++k) stores.emplace_back(1024 << (rng() % 6), true);
    std::vector<std::set<std::string>> want(groups);
    std::vector<uint64_t> nulls(groups, 0);
    std::set<std::string> seen;
    bool repeated = false;
    const uint32_t rows = static_cast<uint32_t>(rng() % 3) * 30000 + static_cast<uint32_t>(rng() % 1000);
    for (uint32_t i = 0; i < rows; ++i) {
      const uint32_t g = static_cast<uint32_t>(rng() % groups);
      nunique_store& s = stores[rng() % slices];  // every slice uses the same group ids here
      if (rng() % 50 == 0) {
        s.add_null(g);
        ++nulls[g];
        continue;
      }
      std::string v = uid(static_cast<uint32_t>(round % 3 == 1 ? rng() % 500 : rng() >> 20));
      if (repeat && i > rows / 2 && rng() % 5000 == 0 && !seen.empty()) v = *seen.begin();
      repeated = repeated || !seen.insert(v).second;
      want[g].insert(v);
      s.add_text(g, v);
    }
    std::vector<uint32_t> same_ids(groups);
    for (uint32_t g = 0; g < groups; ++g) same_ids[g] = g;
    for (uint32_t k = 1; k < slices; ++k) stores[0].merge_from(std::move(stores[k]), same_ids);
    nunique_store& all = stores[0];
    if (all.fingerprinted()) {
      ++fingerprinted;
      EXPECT_EQ(all.values_distinct(2), !repeated) << round;
      for (uint32_t g = 0; g < groups; ++g) EXPECT_EQ(all.nulls(g), nulls[g]) << round;
    } else {
      // Some slice saw a repeat in its trial (or slices disagreed).
      if (all.values_distinct(2)) {
        ++counted;
        auto c = all.count(groups, 2);
        for (uint32_t g = 0; g < groups; ++g) EXPECT_EQ(c[g], want[g].size()) << round;
      } else {
        EXPECT_TRUE(repeated) << round;
      }
    }
  }
  EXPECT_GT(fingerprinted, 0);
  EXPECT_GT(counted, 0);
}

// A fingerprinted slice and an exact one cannot be counted together.
TEST(nunique, fingerprints_and_exact_pairs_do_not_mix) {
  nunique_store fp(1 << 20, true), exact(1 << 20, true), num(1 << 20, true);
  for (uint32_t i = 0; i < 50; ++i) {
    fp.add_text(0, uid(i));
    exact.add_text(0, uid(i % 2));  // repeats: the trial keeps exact pairs
  }
  exact.merge_from(std::move(fp), {0});
  EXPECT_FALSE(exact.values_distinct());
  num.add_text(0, "a");
  num.add_number(0, number{1, 1, true});  // numbers leave fingerprints
  EXPECT_FALSE(num.fingerprinted());
}

}  // namespace zeekgraph::agg
