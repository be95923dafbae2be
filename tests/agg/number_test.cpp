#include "agg/number.h"

#include <charconv>
#include <cmath>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::agg {

TEST(number, integers_read_as_int64) {
  number n;
  ASSERT_TRUE(parse_number("80", n));
  EXPECT_TRUE(n.is_int);
  EXPECT_EQ(n.i, 80);
  ASSERT_TRUE(parse_number("-3", n));
  EXPECT_EQ(n.i, -3);
  ASSERT_TRUE(parse_number("+7", n));
  EXPECT_EQ(n.i, 7);
}

TEST(number, decimals_read_as_float64) {
  number n;
  ASSERT_TRUE(parse_number("1331901000.000000", n));
  EXPECT_FALSE(n.is_int);
  EXPECT_EQ(n.d, 1331901000.0);
  ASSERT_TRUE(parse_number("6.2e-05", n));
  EXPECT_EQ(n.d, 6.2e-05);
}

// pandas reads a decimal "-0.0" as -0.0, and "-0" as the integer 0 (also
// in a float64 column of integers and nulls, where it is 0.0).
TEST(number, minus_zero_keeps_its_sign_only_as_a_decimal) {
  for (const char* t : {"-0.0", "-0.000000", "-0e5", "-.0"}) {
    for (float_parser p : {float_parser::exact, float_parser::pandas}) {
      number n;
      ASSERT_TRUE(parse_number_fast(t, n, p)) << t;
      EXPECT_FALSE(n.is_int) << t;
      EXPECT_EQ(n.d, 0.0) << t;
      EXPECT_TRUE(std::signbit(n.d)) << t;
    }
  }
  for (const char* t : {"-0", "-00", "-0000000000000000000000", "0", "+0"}) {
    number n;
    ASSERT_TRUE(parse_number_fast(t, n, float_parser::pandas)) << t;
    EXPECT_TRUE(n.is_int) << t;
    EXPECT_EQ(n.i, 0) << t;
    EXPECT_FALSE(std::signbit(n.d)) << t;
  }
}

TEST(number, rejects_non_numbers) {
  number n;
  EXPECT_FALSE(parse_number("", n));
  EXPECT_FALSE(parse_number("abc", n));
  EXPECT_FALSE(parse_number("1.2.3", n));
  EXPECT_FALSE(parse_number("12abc", n));
  EXPECT_FALSE(parse_number("-", n));
  EXPECT_FALSE(parse_number("+-1", n));
  EXPECT_FALSE(parse_number("XXXXXXXXXX.XXXXXX", n, float_parser::pandas));
}

TEST(number, int64_overflow_falls_back_to_float) {
  number n;
  ASSERT_TRUE(parse_number("99999999999999999999", n));
  EXPECT_FALSE(n.is_int);
  EXPECT_EQ(n.d, 1e20);
}

// pandas.read_csv keeps 17 digits, leading zeros included, and scales in
// float64: these values come out one ulp away from strtod, as pandas 1.5
// reads them (checked against pandas by the oracle tests).
TEST(number, pandas_parser_matches_pandas_not_strtod) {
  number exact, pandas;
  ASSERT_TRUE(parse_number("0.20204401016235352", exact, float_parser::exact));
  ASSERT_TRUE(parse_number("0.20204401016235352", pandas, float_parser::pandas));
  EXPECT_EQ(exact.d, 0.20204401016235352);
  EXPECT_EQ(pandas.d, 0.2020440101623535);
  ASSERT_TRUE(parse_number("0.00224518775939941", pandas, float_parser::pandas));
  EXPECT_EQ(pandas.d, 0.0022451877593994);
  // Short values agree with strtod.
  ASSERT_TRUE(parse_number("1331901000.123456", pandas, float_parser::pandas));
  EXPECT_EQ(pandas.d, 1331901000.123456);
  ASSERT_TRUE(parse_number("inf", pandas, float_parser::pandas));
  EXPECT_TRUE(std::isinf(pandas.d));
}

}  // namespace zeekgraph::agg

namespace zeekgraph::agg {

// Digit runs of every length up to 20, with and without a point anywhere
// and with junk after them, through both parsers: short values (at most 15
// digits) must give exactly what the correctly rounded from_chars gives,
// and integer text its int64; anything with junk is not a number. This
// covers the eight-digit steps and the decimals read in one load.
TEST(number, digit_runs_of_every_shape_agree_with_from_chars) {
  std::mt19937 rng(5);
  // (Appends, not std::string::insert, which trips GCC 12's -Wrestrict.)
  auto insert_at = [](std::string& t, size_t at, const char* s) {
    std::string out(t, 0, at);
    out.append(s).append(t, at, std::string::npos);
    t.swap(out);
  };
  for (int trial = 0; trial < 20000; ++trial) {
    const size_t len = 1 + rng() % 20;
    std::string t;
    for (size_t i = 0; i < len; ++i) t += static_cast<char>('0' + rng() % 10);
    const bool point = rng() % 3 != 0;
    if (point) insert_at(t, rng() % (len + 1), ".");
    if (rng() % 4 == 0) insert_at(t, 0, "-");
    const bool junk = rng() % 8 == 0;
    if (junk) insert_at(t, rng() % (t.size() + 1), rng() % 2 ? "x" : ".");
    for (float_parser fp : {float_parser::exact, float_parser::pandas}) {
      number n;
      const bool ok = parse_number(t, n, fp);
      double want;
      auto r = std::from_chars(t.data(), t.data() + t.size(), want);
      const bool valid = r.ec == std::errc() && r.ptr == t.data() + t.size() && t != "." && t != "-.";
      if (junk && !valid) {
        EXPECT_FALSE(ok) << t;
        continue;
      }
      ASSERT_EQ(ok, valid) << t;
      if (!ok) continue;
      if (len <= 15) {
        EXPECT_EQ(n.d, want) << t;
      }
      if (t.find('.') == std::string::npos && len <= 18) {
        ASSERT_TRUE(n.is_int) << t;
        EXPECT_EQ(std::to_string(n.i), std::to_string(std::stoll(t))) << t;
      }
    }
  }
}

// Zeek's shapes, and the bytes at the edges of the eight-digit steps: a
// ninth digit, a point within the first eight, bytes that only look like
// digits once their top bit goes.
TEST(number, zeek_shapes_and_the_edges_of_eight_digit_steps) {
  struct want {
    const char* text;
    bool ok, is_int;
    double d;
  };
  const want cases[] = {
      {"1331901000.680000", true, false, 1331901000.68},
      {"1331901000.000000", true, false, 1331901000.0},
      {"0.010000", true, false, 0.01},
      {"12345678", true, true, 12345678},
      {"123456789", true, true, 123456789},
      {"123456789012345", true, true, 123456789012345.0},
      {"12345678.", true, false, 12345678.0},
      {"1234567.12345678", true, false, 1234567.12345678},
      {"99999999.9999999", true, false, 99999999.9999999},
      {"1234567\xb0", false, false, 0},
      {"1234567\xb9", false, false, 0},
      {"12345678\xb9", false, false, 0},
      {"1234.56.78", false, false, 0},
      {"1234567e1", true, false, 12345670.0},  // the general path reads exponents
  };
  for (const want& w : cases) {
    for (float_parser fp : {float_parser::exact, float_parser::pandas}) {
      number n;
      ASSERT_EQ(parse_number(w.text, n, fp), w.ok) << w.text;
      if (!w.ok) continue;
      EXPECT_EQ(n.is_int, w.is_int) << w.text;
      EXPECT_EQ(n.d, w.d) << w.text;
    }
  }
}

// The inlined "%.6f" shape (Zeek's times and intervals) gives what the full
// parser gives, for every integer width, and declines what it cannot read:
// a sign, a byte that is not a digit anywhere, a value past 2^53.
TEST(number, the_inlined_six_decimal_shape_agrees_with_the_full_parser) {
  std::mt19937 rng(17);
  const std::string odd = "x.-+/:e \xb0\xb9";
  int inlined = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    const size_t m = 1 + rng() % 11;  // 11 digits: past the inlined width
    std::string t;
    for (size_t i = 0; i < m; ++i) t += static_cast<char>('0' + rng() % 10);
    t += '.';
    for (int i = 0; i < 6; ++i) t += static_cast<char>('0' + rng() % 10);
    if (rng() % 16 == 0) t[0] = rng() % 2 ? '-' : '+';
    if (rng() % 8 == 0) t[rng() % t.size()] = odd[rng() % odd.size()];
    if (rng() % 16 == 0) t = "9007199254.740" + std::to_string(990 + rng() % 10);  // about 2^53
    for (float_parser fp : {float_parser::exact, float_parser::pandas}) {
      number full, fast;
      const bool ok = parse_number(t, full, fp);
      ASSERT_EQ(parse_number_fast(t, fast, fp), ok) << t;
      if (!ok) continue;
      EXPECT_EQ(fast.is_int, full.is_int) << t;
      EXPECT_EQ(fast.d, full.d) << t;
      double d;
      if (detail::parse_fixed6(t.data(), t.size(), d)) {
        ++inlined;
        EXPECT_EQ(d, full.d) << t;
      }
    }
  }
  EXPECT_GT(inlined, 100000);  // the shape was met, not only its rejects
  double d;
  EXPECT_TRUE(detail::parse_fixed6("1331901000.585000", 17, d));
  EXPECT_EQ(d, 1331901000.585);
  EXPECT_TRUE(detail::parse_fixed6("0.000360", 8, d));
  EXPECT_EQ(d, 0.00036);
  EXPECT_FALSE(detail::parse_fixed6("9007199254.740993", 17, d));  // 2^53 + 1: the full parser's
  EXPECT_FALSE(detail::parse_fixed6("-0.000000", 9, d));
}

}  // namespace zeekgraph::agg
