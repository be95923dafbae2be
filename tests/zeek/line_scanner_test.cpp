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

// Scans the line at offset `at` of `buf`, classified as one span (the
// special class as special_byte(escapes)).
result scan(const std::string& buf, size_t last_wanted = SIZE_MAX, size_t max_length = 1 << 20,
            bool escapes = false, size_t at = 0) {
  result r;
  auto span = std::make_unique<span_masks>();
  span->scan(buf.data(), buf.size(), '\t', buf.size(), escapes);
  r.line = scan_line(*span, at, last_wanted, max_length, [&](size_t i, size_t b, size_t e) {
    EXPECT_EQ(i, r.fields.size());
    r.fields.push_back(buf.substr(at + b, e - b));
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
  // With every byte Zeek's writer escapes in the class: control bytes (a
  // '\r' before the newline too) and DEL; the separator is not one of them.
  EXPECT_EQ(scan("a\x01b\tc\n").line.status, scan_status::ok);
  EXPECT_EQ(scan("a\x01b\tc\n", SIZE_MAX, 1 << 20, true).line.status, scan_status::special);
  EXPECT_EQ(scan("ab\tc\r\n", SIZE_MAX, 1 << 20, true).line.status, scan_status::special);
  EXPECT_EQ(scan("a\x7f\tc\n", SIZE_MAX, 1 << 20, true).line.status, scan_status::special);
  EXPECT_EQ(scan("a\x80\xff\tc\n", SIZE_MAX, 1 << 20, true).line.status, scan_status::ok);
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
    auto span = std::make_unique<span_masks>();
    span->scan(buf.get(), n, '\t');
    auto r = scan_line(*span, 0, SIZE_MAX, 1 << 20, [&](size_t, size_t, size_t) { ++fields; });
    ASSERT_EQ(r.status, scan_status::ok) << n;
    EXPECT_EQ(r.length, n - 1);
    EXPECT_EQ(r.fields, fields);
  }
}

TEST(line_scanner, starts_a_line_anywhere_in_a_block) {
  const std::string head = "x\ty\tz\n";
  for (size_t pad = 0; pad < 130; ++pad) {
    std::string before(pad, 'p');
    if (pad) before.back() = '\n';
    std::string a(pad % 70, 'a');
    auto r = scan(before + a + "\tb\\\n" + head, SIZE_MAX, 1 << 20, false, pad);
    EXPECT_EQ(r.line.status, scan_status::special) << pad;  // the backslash is in this line
    r = scan(before + a + "\tb\n" + head, SIZE_MAX, 1 << 20, false, pad);
    ASSERT_EQ(r.line.status, scan_status::ok) << pad;
    EXPECT_EQ(r.fields, (std::vector<std::string>{a, "b"})) << pad;
  }
}

TEST(line_scanner, a_span_ends_at_its_limit_and_a_line_it_cuts_has_no_newline) {
  // A line that starts in one span and ends past it.
  std::string text(span_masks::MAX_BYTES - 10, 'a');
  text[5] = '\n';
  text += "\tbcdefghijklmnop\n";
  auto span = std::make_unique<span_masks>();
  span->scan(text.data(), text.size(), '\t');
  EXPECT_EQ(span->size(), span_masks::MAX_BYTES);
  size_t reported = 0;
  auto first = scan_line(*span, 0, SIZE_MAX, 1 << 20, [&](size_t, size_t, size_t) { ++reported; });
  ASSERT_EQ(first.status, scan_status::ok);
  EXPECT_EQ(first.length, 5u);
  auto cut = scan_line(*span, 6, SIZE_MAX, 1 << 20, [](size_t, size_t, size_t) {});
  EXPECT_EQ(cut.status, scan_status::no_newline);
  // A line longer than the limit stops early, also in a later block.
  EXPECT_EQ(scan(std::string(300, 'x') + "\n", SIZE_MAX, 299).line.status, scan_status::no_newline);
  EXPECT_EQ(scan(std::string(300, 'x') + "\n", SIZE_MAX, 300).line.status, scan_status::ok);
}

TEST(line_scanner, every_vector_width_classifies_alike) {
  // Every byte value, and more of the ones that matter, with a few
  // separators, and both special classes.
  std::mt19937 rng(7);
  const std::string common = std::string("ab\t\n\\-\r\x7f\x1f\x20", 10) + std::string(1, '\0');
  std::vector<char> buf(64 * 40);
  for (char& c : buf) c = rng() % 2 ? common[rng() % common.size()] : static_cast<char>(rng() % 256);
  const simd_level best = best_simd_level();
  for (bool escapes : {false, true})
    for (char sep : {'\t', ',', '\x1f', '\x7f'}) {
      std::vector<block_masks> base(40), other(40);
      compute_block_masks(buf.data(), 40, sep, base.data(), simd_level::sse2, escapes);
      for (simd_level level : {simd_level::avx2, simd_level::avx512}) {
        if (static_cast<int>(level) > static_cast<int>(best)) {
          GTEST_LOG_(INFO) << "this CPU lacks simd level " << static_cast<int>(level) << "; not compared";
          continue;
        }
        compute_block_masks(buf.data(), 40, sep, other.data(), level, escapes);
        for (size_t i = 0; i < 40; ++i) {
          EXPECT_EQ(other[i].sep, base[i].sep) << i;
          EXPECT_EQ(other[i].nl, base[i].nl) << i;
          EXPECT_EQ(other[i].special, base[i].special) << i;
        }
      }
      // And sse2 against the bytes themselves.
      for (size_t i = 0; i < buf.size(); ++i) {
        const uint64_t bit = uint64_t{1} << (i % 64);
        const block_masks& m = base[i / 64];
        const auto c = static_cast<unsigned char>(buf[i]);
        const bool special = escapes ? c != static_cast<unsigned char>(sep) && c != '\n' &&
                                           (c < 0x20 || c == 0x7f || c == '\\')
                                     : c == '\\' || c == 0;
        EXPECT_EQ((m.sep & bit) != 0, buf[i] == sep) << i;
        EXPECT_EQ((m.nl & bit) != 0, buf[i] == '\n') << i;
        EXPECT_EQ((m.special & bit) != 0, special) << i << " byte " << int{c} << " escapes " << escapes;
        EXPECT_EQ(special, special_byte(c, sep, escapes)) << i;
      }
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
