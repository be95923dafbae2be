#include "util/iso_time.h"

#include <gtest/gtest.h>

#include <string>

namespace zeekgraph {
namespace {

double iso(std::string_view t) {
  double d = -1;
  std::string_view why;
  EXPECT_TRUE(parse_iso8601(t, d, &why)) << t << ": " << why;
  return d;
}

std::string why_not(std::string_view t) {
  double d;
  std::string_view why;
  EXPECT_FALSE(parse_iso8601(t, d, &why)) << t;
  return std::string(why);
}

}  // namespace

TEST(iso_time, utc_and_offsets) {
  EXPECT_EQ(iso("2012-03-16T12:00:00Z"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16T13:00:00+01:00"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16T07:00:00-05:00"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16T13:00:00+0100"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16T13:00:00+01"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16t12:00:00z"), 1331899200.0);
  EXPECT_EQ(iso("2012-03-16T06:30Z"), 1331879400.0);  // seconds may be left out
  EXPECT_EQ(iso("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_EQ(iso("1969-12-31T23:59:59Z"), -1.0);
  EXPECT_EQ(iso("2000-02-29T00:00:00Z"), 951782400.0);
}

TEST(iso_time, fractions_read_like_zeek_text) {
  // The same double as "1331899200.123456" read correctly rounded.
  EXPECT_EQ(iso("2012-03-16T12:00:00.123456Z"), 1331899200.123456);
  EXPECT_EQ(iso("2012-03-16T12:00:00.5Z"), 1331899200.5);
  EXPECT_EQ(iso("2012-03-16T13:00:00.25+01:00"), 1331899200.25);
  EXPECT_EQ(iso("1969-12-31T23:59:59.5Z"), -0.5);
}

TEST(iso_time, rejects_with_reasons) {
  EXPECT_EQ(why_not("2012-03-16T12:00:00"), "no time zone: add Z for UTC or an offset like +01:00");
  EXPECT_EQ(why_not("2012-03-16"), "a date needs a time and zone: add T00:00:00Z");
  EXPECT_EQ(why_not("2012-13-01T00:00:00Z"), "month out of range (01-12)");
  EXPECT_EQ(why_not("2011-02-29T00:00:00Z"), "day out of range for its month");
  EXPECT_EQ(why_not("2012-03-16T24:00:00Z"), "hour out of range (00-23)");
  EXPECT_EQ(why_not("2012-03-16T12:60:00Z"), "minute out of range (00-59)");
  EXPECT_EQ(why_not("2012-03-16T12:00:60Z"), "second out of range (00-59)");
  EXPECT_EQ(why_not("2012-03-16T12:00:00.Z"), "expected digits after the decimal point");
  EXPECT_EQ(why_not("2012-03-16T12:00:00+24:00"), "offset out of range (up to 23:59)");
  EXPECT_EQ(why_not("2012-03-16T12:00:00Zx"), "unexpected text after the time zone");
  EXPECT_EQ(why_not("2012-3-16T12:00:00Z"), "expected a date YYYY-MM-DD");
  EXPECT_EQ(why_not("2012-03-16 12:00:00Z"), "expected 'T' between the date and the time");
}

TEST(iso_time, looks_like) {
  EXPECT_TRUE(looks_like_iso8601("2012-03-16T12:00:00Z"));
  EXPECT_FALSE(looks_like_iso8601("1331899200.000000"));
  EXPECT_FALSE(looks_like_iso8601("-5"));
  EXPECT_FALSE(looks_like_iso8601("abcd-"));
}

}  // namespace zeekgraph

namespace zeekgraph {

TEST(iso_time, epoch_text_keeps_the_digits_and_reads_back_as_the_same_double) {
  std::string t;
  ASSERT_TRUE(iso8601_epoch_text("2012-03-16T12:30:00.585000Z", t));
  EXPECT_EQ(t, "1331901000.585000");
  ASSERT_TRUE(iso8601_epoch_text("2012-03-16T13:30:00+01:00", t));
  EXPECT_EQ(t, "1331901000");
  for (const char* iso : {"2012-03-16T12:30:00.000001Z", "1969-12-31T23:59:59.25Z", "2024-02-29T00:00:00.1234567Z"}) {
    double want = 0;
    ASSERT_TRUE(parse_iso8601(iso, want)) << iso;
    ASSERT_TRUE(iso8601_epoch_text(iso, t)) << iso;
    EXPECT_EQ(std::stod(t), want) << iso << " " << t;
  }
  EXPECT_FALSE(iso8601_epoch_text("2012-03-16", t));
}

}  // namespace zeekgraph
