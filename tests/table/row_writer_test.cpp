#include "table/row_writer.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::table {
namespace {

// Zeek's ASCII writer's escaping, one byte at a time: the reference the
// writer's word-at-a-time copy must equal.
std::string reference_field(const std::string& s, bool first) {
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out;
  auto escape = [&](unsigned char c) { out += std::string("\\x") + HEX[c >> 4] + HEX[c & 15]; };
  size_t i = 0;
  if (!s.empty() && (s == "-" || s == "(empty)" || (first && s[0] == '#'))) {
    escape(static_cast<unsigned char>(s[0]));
    i = 1;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\')
      out += "\\\\";
    else if (c < 0x20 || c == 0x7f)
      escape(c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string zeek_line(const std::vector<zeek::cell>& cells) {
  std::ostringstream out;
  std::vector<row_column> cols;
  for (size_t i = 0; i < cells.size(); ++i) cols.push_back({"c" + std::to_string(i), "string"});
  row_writer w(out, row_format::zeek, cols);
  w.row(cells.data());
  return out.str();
}

TEST(row_writer, zeek_escapes_every_byte_at_every_place_in_long_and_short_fields) {
  for (size_t len : {1, 2, 7, 8, 9, 15, 16, 17, 31, 40})
    for (size_t at = 0; at < len; ++at)
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        for (size_t k = 0; k < len; ++k) s[k] = static_cast<char>('A' + (k * 7) % 50);  // printable, no '\\'
        s[at] = static_cast<char>(b);
        const std::vector<zeek::cell> cells = {{"x", zeek::cell_kind::text}, {s, zeek::cell_kind::text}};
        ASSERT_EQ(zeek_line(cells), "x\t" + reference_field(s, false) + "\n") << "len " << len << " at " << at << " byte " << b;
      }
}

TEST(row_writer, zeek_markers_and_the_first_field) {
  const std::vector<zeek::cell> cells = {{"#x", zeek::cell_kind::text},
                                         {"-", zeek::cell_kind::text},
                                         {"(empty)", zeek::cell_kind::text},
                                         {"", zeek::cell_kind::text},
                                         {"", zeek::cell_kind::null},
                                         {"#y", zeek::cell_kind::text}};
  EXPECT_EQ(zeek_line(cells), "\\x23x\t\\x2d\t\\x28empty)\t(empty)\t-\t#y\n");
}

}  // namespace
}  // namespace zeekgraph::table
