#include "agg/number.h"

#include <cmath>

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
