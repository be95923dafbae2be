#include "util/json_string.h"

#include <gtest/gtest.h>

namespace zeekgraph {
namespace {

std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

TEST(json_string, escapes_quotes_backslashes_and_controls) {
  EXPECT_EQ(json("192.168.0.1"), "\"192.168.0.1\"");
  EXPECT_EQ(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(json(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(json(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(json_string, passes_well_formed_utf8_through) {
  EXPECT_EQ(json("caf\xC3\xA9"), "\"caf\xC3\xA9\"");              // U+00E9
  EXPECT_EQ(json("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");            // U+20AC
  EXPECT_EQ(json("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");    // U+1F600
  EXPECT_EQ(json("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");    // U+10FFFF
}

TEST(json_string, writes_other_bytes_as_their_code_points) {
  EXPECT_EQ(json("caf\xE9"), "\"caf\\u00e9\"");                    // Latin-1, not UTF-8
  EXPECT_EQ(json("\xC3"), "\"\\u00c3\"");                          // cut sequence
  EXPECT_EQ(json("\xC3(x"), "\"\\u00c3(x\"");
  EXPECT_EQ(json("\xC0\x80"), "\"\\u00c0\\u0080\"");               // overlong NUL
  EXPECT_EQ(json("\xED\xA0\x80"), "\"\\u00ed\\u00a0\\u0080\"");    // a surrogate
  EXPECT_EQ(json("\xF4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\"");  // past U+10FFFF
  EXPECT_EQ(json("\xE2\x82"), "\"\\u00e2\\u0082\"");               // cut at the end
}

TEST(json_string, paths_write_other_bytes_as_escaped_surrogates) {
  std::string j;
  append_json_path(j, "conn-\xff\xfe-\xe9t\xc3\xa9\n.log");  // bad bytes, then a well-formed é and a newline
  EXPECT_EQ(j, "\"conn-\\udcff\\udcfe-\\udce9t\xc3\xa9\\n.log\"");
}

TEST(json_string, html_safe_json_leaves_no_markup) {
  std::string j = "[";
  append_json_string(j, "</script><!--<script>&amp;\xE2\x80\xA8\xE2\x80\xA9");
  j += "]";
  EXPECT_EQ(html_safe_json(j),
            "[\"\\u003c/script\\u003e\\u003c!--\\u003cscript\\u003e\\u0026amp;\\u2028\\u2029\"]");
  // Other text, and U+2027 / U+202A beside the two separators, pass through.
  EXPECT_EQ(html_safe_json("{\"a\":[1,\"\xE2\x80\xA7\xE2\x80\xAA\"]}"),
            "{\"a\":[1,\"\xE2\x80\xA7\xE2\x80\xAA\"]}");
  // A cut separator at the very end is left as it is.
  EXPECT_EQ(html_safe_json("\xE2\x80"), "\xE2\x80");
  // An escaped backslash before '<' stays a backslash of its own.
  EXPECT_EQ(html_safe_json(json("\\<")), "\"\\\\\\u003c\"");
}

}  // namespace zeekgraph
