#include "zeek/line_scanner.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "zeek/field_splitter.h"

namespace zeekgraph::zeek {
namespace {

struct result {
  scanned_line line;
  std::vector<std::string> fields;
};

result scan(const std::string& buf, size_t last_wanted = SIZE_MAX, size_t max_length = 1 << 20) {
  result r;
  r.line = scan_line(buf.data(), buf.data() + buf.size(), '\t', last_wanted, max_length,
                     [&](size_t i, size_t b, size_t e) {
                       EXPECT_EQ(i, r.fields.size());
                       r.fields.push_back(buf.substr(b, e - b));
                     });
  return r;
}

TEST(line_scanner, finds_fields_and_the_newline_across_windows) {
  std::string a(70, 'a'), b(3, 'b');
  auto r = scan(a + "\t\t" + b + "\nnext\tline\n");
  ASSERT_EQ(r.line.status, scan_status::ok);
  EXPECT_EQ(r.line.length, 70u + 2 + 3);
  EXPECT_EQ(r.line.fields, 3u);
  EXPECT_EQ(r.fields, (std::vector<std::string>{a, "", b}));
}

TEST(line_scanner, counts_fields_past_the_last_wanted_without_reporting_them) {
  auto r = scan("a\tb\tc\td\te\n", 1);
  ASSERT_EQ(r.line.status, scan_status::ok);
  EXPECT_EQ(r.line.fields, 5u);
  EXPECT_EQ(r.fields, (std::vector<std::string>{"a", "b"}));
}

TEST(line_scanner, leaves_unusual_lines_to_the_line_path) {
  EXPECT_EQ(scan("a\\x41\tb\n").line.status, scan_status::special);
  EXPECT_EQ(scan(std::string("a\0b\tc\n", 6)).line.status, scan_status::special);
  EXPECT_EQ(scan("no newline here").line.status, scan_status::no_newline);
  EXPECT_EQ(scan(std::string(200, 'x') + "\n", SIZE_MAX, 100).line.status, scan_status::no_newline);
  // A backslash after the newline belongs to the next line.
  EXPECT_EQ(scan("a\tb\nc\\d\n").line.status, scan_status::ok);
}

TEST(line_scanner, reads_nothing_past_the_limit) {
  // The line ends exactly at the end of an exactly sized heap buffer, so
  // ASan reports any read beyond it.
  for (size_t n = 1; n < 140; ++n) {
    std::string text(n - 1, 'x');
    if (n > 2) text[(n - 1) / 2] = '\t';
    text += '\n';
    std::unique_ptr<char[]> buf(new char[n]);
    std::memcpy(buf.get(), text.data(), n);
    size_t fields = 0;
    auto r = scan_line(buf.get(), buf.get() + n, '\t', SIZE_MAX, 1 << 20,
                       [&](size_t, size_t, size_t) { ++fields; });
    ASSERT_EQ(r.status, scan_status::ok) << n;
    EXPECT_EQ(r.length, n - 1);
    EXPECT_EQ(r.fields, fields);
  }
}

TEST(line_scanner, agrees_with_the_field_splitter_on_random_lines) {
  std::mt19937 rng(11);
  const std::string alphabet = "ab\t-9.";
  for (int i = 0; i < 5000; ++i) {
    std::string line(rng() % 300, 'a');
    for (char& c : line) c = alphabet[rng() % alphabet.size()];
    size_t last = rng() % 2 ? SIZE_MAX : rng() % 30;
    auto r = scan(line + "\n", last);
    ASSERT_EQ(r.line.status, scan_status::ok);
    std::vector<std::string> expect;
    split_flags flags;
    size_t n = split_fields(
        line, '\t', flags, [&](size_t, size_t b, size_t e) { expect.push_back(line.substr(b, e - b)); },
        last);
    EXPECT_EQ(r.line.fields, n);
    EXPECT_EQ(r.fields, expect);
  }
}

}  // namespace
}  // namespace zeekgraph::zeek
