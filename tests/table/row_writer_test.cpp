#include "table/row_writer.h"

#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "zeek/log_format.h"
#include "zeek/log_reader.h"

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

std::vector<row_column> string_columns(size_t n) {
  std::vector<row_column> cols;
  for (size_t i = 0; i < n; ++i) cols.push_back({"c" + std::to_string(i), "string"});
  return cols;
}

// Writes each row the way engine/row_plan's row_output does: a verbatim
// line through line(), any other through row().
struct row_copier final : zeek::row_sink {
  explicit row_copier(size_t n) : writer(out, row_format::zeek, string_columns(n)) {}
  std::string out;  // before the writer that appends to it
  row_writer writer;
  size_t verbatim = 0, rows = 0;
  zeek::row_verdict add_row(const zeek::cell* cells) override {
    ++rows;
    writer.row(cells);
    return {};
  }
  zeek::row_verdict add_line(const zeek::cell*, std::string_view line) override {
    ++rows;
    ++verbatim;
    EXPECT_EQ(line.back(), '\n');
    writer.line(line);
    return {};
  }
};

// Random lines of fields that Zeek's writer copies, and of every kind it
// rewrites: markers, pandas' other unset spellings, escapes, control bytes.
std::string random_line(std::mt19937& rng, size_t fields) {
  static const std::vector<std::string> kinds = {
      "10.0.0.1", "CHhAvVGS1DHFjwGM9", "tcp", "1331901000.000000", "0", "ShADadfF", "-", "(empty)", "",
      "NaN", "null", "N/A", "#N/A", "1.#IND", "-nan", "a\\x41b", "a\\\\b", "x\x01y", "del\x7f", "\xc3\xa9t\xc3\xa9",
      "(empty", "--", "#x", "\r"};
  std::string line;
  for (size_t i = 0; i < fields; ++i) {
    if (i) line += '\t';
    line += kinds[rng() % kinds.size()];
  }
  return line + (rng() % 8 == 0 ? "\r\n" : "\n");
}

TEST(row_writer, a_readers_verbatim_lines_equal_what_row_writes) {
  // The same text read with verbatim lines (cells of two columns only, as
  // for a filter) and without: the bytes written must be the same.
  std::mt19937 rng(5);
  constexpr size_t N = 20;  // the headerless conn layout's width
  for (bool headerless : {true, false}) {
    std::vector<std::string> columns;
    if (headerless)
      for (const auto& f : zeek::seed_layout().fields) columns.push_back(f.name);
    else
      for (size_t i = 0; i < N; ++i) columns.push_back("c" + std::to_string(i));
    std::string text;
    if (!headerless) {
      text = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#fields";
      for (const auto& c : columns) text += "\t" + c;
      text += "\n";
    }
    // Mostly plain lines, as real logs are, and every kind of odd one.
    for (int i = 0; i < 4000; ++i) {
      if (i % 2) {
        text += random_line(rng, N);
      } else {
        for (size_t k = 0; k + 1 < N; ++k) text += (k % 3 ? "-" : "x" + std::to_string(i)) + "\t";
        text += i % 4 ? "(empty)\n" : "-\n";
      }
    }
    auto read = [&](bool verbatim, row_copier& sink) {
      zeek::file_report report;
      zeek::reader_options opts;
      opts.verbatim_lines = verbatim;
      opts.line_cells = {2, 4};
      zeek::log_reader reader(columns, sink, report, opts);
      reader.start({});
      std::mt19937 cut(9);  // fed in uneven blocks, as a stream driver does
      for (size_t at = 0; at < text.size();) {
        const size_t n = std::min(text.size() - at, size_t{1000} + cut() % 9000);
        at += reader.feed(std::string_view(text).substr(at, n), at + n == text.size());
      }
      reader.finish();
    };
    row_copier by_cells(N), taken(N);
    read(false, by_cells);
    read(true, taken);
    EXPECT_EQ(by_cells.verbatim, 0u);
    EXPECT_EQ(taken.out, by_cells.out) << (headerless ? "headerless" : "header");
    EXPECT_EQ(taken.rows, by_cells.rows);
    EXPECT_GT(taken.rows, 3000u);
    EXPECT_GT(taken.verbatim, 1500u) << "plain lines are copied";
    EXPECT_LT(taken.verbatim, taken.rows) << "odd lines are not";
  }
}

}  // namespace
}  // namespace zeekgraph::table
