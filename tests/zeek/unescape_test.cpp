#include "zeek/unescape.h"

#include <gtest/gtest.h>

namespace zeekgraph::zeek {

TEST(unescape, zeek_escapes) {
  std::string out;
  unescape("a\\x2db", out);
  EXPECT_EQ(out, "a-b");
  unescape("back\\\\slash", out);
  EXPECT_EQ(out, "back\\slash");
  unescape("\\x09tab\\x00", out);
  EXPECT_EQ(out, std::string("\ttab\0", 5));
  unescape("bad\\xZZ and \\q and trailing\\", out);
  EXPECT_EQ(out, "bad\\xZZ and \\q and trailing\\");
  unescape("\\x2", out);
  EXPECT_EQ(out, "\\x2");
}

TEST(unescape, header_separator) { EXPECT_EQ(unescape_header_value("\\x09"), "\t"); }

}  // namespace zeekgraph::zeek
