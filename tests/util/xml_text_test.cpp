#include "util/xml_text.h"

#include <gtest/gtest.h>

#include "util/utf8.h"

namespace zeekgraph {

TEST(xml_text, markup_controls_and_bytes_outside_utf8) {
  std::string out;
  append_xml_text(out, "<a href=\"x\">&'\x01\x7f\tok\xc3\xa9\xff\xe2\x82");
  EXPECT_EQ(out, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;??\tok\xc3\xa9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(xml_text, prefixes_cut_between_sequences) {
  EXPECT_EQ(utf8_prefix("abc", 2), 2u);
  EXPECT_EQ(utf8_prefix("\xc3\xa9\xc3\xa9x", 2), 4u);  // two characters, four bytes
  EXPECT_EQ(utf8_prefix("\xff\xc3\xa9", 2), 3u);       // a stray byte is one character
  EXPECT_EQ(utf8_prefix("ab", 5), 2u);
}

}  // namespace zeekgraph
