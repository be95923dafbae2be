#include "zeek/log_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "zeek/header_line.h"

namespace zeekgraph::zeek {
namespace {

// Records the cells it is given.
struct recorder final : row_sink {
  std::vector<std::vector<std::string>> rows;
  row_verdict add_row(const cell* cells) override {
    std::vector<std::string> r;
    for (size_t i = 0; i < width; ++i)
      r.push_back(cells[i].kind == cell_kind::null ? "<null>" : std::string(cells[i].text));
    rows.push_back(r);
    return {};
  }
  size_t width = 0;
};

struct fixture {
  std::vector<std::string> columns{"time", "id.orig_h", "conn_state"};
  recorder sink;
  file_report report;
  reader_options opts;
  std::unique_ptr<log_reader> reader;
  fixture() {
    sink.width = columns.size();
    reader = std::make_unique<log_reader>(columns, sink, report, opts);
    reader->start({});
  }
  void read(std::string_view s) {
    size_t used = reader->feed(s, true);
    EXPECT_EQ(used, s.size());
    reader->finish();
  }
};

}  // namespace

TEST(log_reader, headerless_uses_the_seed_layout_and_pandas_nulls) {
  fixture f;
  f.read("1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t0\tS\t1\t40\t0\t0\t(empty)\n"
         "2.0\tC2\tNA\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t0\tS\t1\t40\t0\t0\t(empty)\n");
  ASSERT_EQ(f.sink.rows.size(), 2u);
  EXPECT_EQ(f.sink.rows[0], (std::vector<std::string>{"1.0", "10.0.0.1", "S0"}));
  EXPECT_EQ(f.sink.rows[1][1], "<null>");
  EXPECT_EQ(f.report.format, "headerless-tsv");
  EXPECT_EQ(f.report.lines_read, 2u);
}

TEST(log_reader, header_markers_are_compared_before_unescaping) {
  fixture f;
  f.read("#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n#fields\tts\tid.orig_h\tconn_state\n"
         "1.5\t\\x2d\tS0\n2.5\t-\t(empty)\n3.5\ta\\\\b\tSF\n");
  ASSERT_EQ(f.sink.rows.size(), 3u);
  EXPECT_EQ(f.sink.rows[0], (std::vector<std::string>{"1.5", "-", "S0"}));
  EXPECT_EQ(f.sink.rows[1], (std::vector<std::string>{"2.5", "<null>", ""}));
  EXPECT_EQ(f.sink.rows[2][1], "a\\b");
  EXPECT_EQ(f.report.header_lines, 4u);
}

TEST(log_reader, rejects_and_counts) {
  fixture f;
  std::string nul("1\t\0\tS0\n", 7);
  f.read("#fields\tts\tid.orig_h\tconn_state\n1\ta\n\n" + nul + "2\tb\tS0\n3\tc\tS0");
  EXPECT_EQ(f.report.lines_read, 5u);
  EXPECT_EQ(f.report.rows_rejected, 3u);
  EXPECT_EQ(f.report.rows_used, 2u);
  ASSERT_GE(f.report.problems.size(), 4u);
  EXPECT_EQ(f.report.problems[0].kind, problem_kind::field_count);
  EXPECT_EQ(f.report.problems[0].line, 2u);
  EXPECT_EQ(f.report.problems[0].byte_offset, 32u);
  EXPECT_EQ(f.report.problems[1].kind, problem_kind::empty_line);
  EXPECT_EQ(f.report.problems[2].kind, problem_kind::nul_byte);
  EXPECT_EQ(f.report.problems[3].kind, problem_kind::cut_final_line);
}

TEST(log_reader, missing_close_only_after_open) {
  fixture a;
  a.read("#open\tx\n#fields\tts\tid.orig_h\tconn_state\n1\ta\tS0\n");
  ASSERT_EQ(a.report.problems.size(), 1u);
  EXPECT_EQ(a.report.problems[0].kind, problem_kind::missing_close);
  fixture b;
  b.read("#fields\tts\tid.orig_h\tconn_state\n1\ta\tS0\n");
  EXPECT_TRUE(b.report.problems.empty());
}

TEST(log_reader, schema_switch_rebinds) {
  fixture f;
  f.read("#fields\tts\tid.orig_h\tconn_state\n1\ta\tS0\n#fields\tconn_state\tts\tx\tid.orig_h\nSF\t2\t?\tb\n");
  ASSERT_EQ(f.sink.rows.size(), 2u);
  EXPECT_EQ(f.sink.rows[1], (std::vector<std::string>{"2", "b", "SF"}));
  EXPECT_EQ(f.report.schema_changes, 1u);
}

TEST(log_reader, missing_field_rejects_every_row_once_reported) {
  fixture f;
  f.read("#fields\tts\tid.orig_h\n1\ta\n2\tb\n");
  EXPECT_EQ(f.report.rows_rejected, 2u);
  ASSERT_EQ(f.report.problems.size(), 1u);
  EXPECT_EQ(f.report.problems[0].kind, problem_kind::missing_field);
  EXPECT_EQ(f.report.problems[0].column, "conn_state");
  EXPECT_EQ(f.report.problems_suppressed, 1u);
}

TEST(log_reader, json_lines) {
  fixture f;
  f.read("{\"ts\":1.25,\"id.orig_h\":\"10.0.0.1\",\"conn_state\":\"S0\",\"x\":[1,2]}\n"
         "{\"ts\":2,\"id\":{\"orig_h\":\"10.0.0.2\"}}\n"
         "{\"ts\":3,\"id_orig_h\":\"10.0.0.3\",\"conn_state\":null}\n"
         "{broken\n");
  ASSERT_EQ(f.sink.rows.size(), 3u);
  EXPECT_EQ(f.sink.rows[0], (std::vector<std::string>{"1.25", "10.0.0.1", "S0"}));
  EXPECT_EQ(f.sink.rows[1], (std::vector<std::string>{"2", "10.0.0.2", "<null>"}));
  EXPECT_EQ(f.sink.rows[2], (std::vector<std::string>{"3", "10.0.0.3", "<null>"}));
  EXPECT_EQ(f.report.rows_rejected, 1u);
  EXPECT_EQ(f.report.problems[0].kind, problem_kind::bad_json);
}

TEST(log_reader, strict_stops_at_the_first_problem) {
  fixture f;
  f.opts.strict = true;
  f.reader = std::make_unique<log_reader>(f.columns, f.sink, f.report, f.opts);
  f.reader->start({});
  f.reader->feed("#fields\tts\tid.orig_h\tconn_state\n1\n2\ta\tS0\n", true);
  EXPECT_TRUE(f.reader->stopped());
  EXPECT_TRUE(f.sink.rows.empty());
}

// A '#separator' line between rows of one block: the rows after it are split
// by the new separator, not by byte classes found with the old one.
TEST(log_reader, a_new_separator_mid_block_is_used_for_the_rows_after_it) {
  fixture f;
  f.read("#fields\tts\tid.orig_h\tconn_state\n1\ta\tS0\n2\tb\\x41\tS0\n"
         "#separator \\x2c\n#fields,ts,id.orig_h,conn_state\n3,c,SF\nx\ty\tz\n4,d,SF\n");
  ASSERT_EQ(f.sink.rows.size(), 4u);
  EXPECT_EQ(f.sink.rows[1], (std::vector<std::string>{"2", "bA", "S0"}));
  EXPECT_EQ(f.sink.rows[2], (std::vector<std::string>{"3", "c", "SF"}));
  EXPECT_EQ(f.sink.rows[3], (std::vector<std::string>{"4", "d", "SF"}));
  EXPECT_EQ(f.report.rows_rejected, 1u);  // "x<tab>y<tab>z" is one field now
}

// Rows of every length, including lines longer than a span of the line
// scanner (16 KiB) and lines the spans and the caller's pieces cut
// anywhere, with the lines the fast path hands to the line path (escapes,
// CRLF, wrong field counts, empty lines) among them: the same rows and line
// accounting whether the input comes in one piece or in random pieces.
TEST(log_reader, rows_are_the_same_however_the_input_is_cut) {
  std::mt19937 rng(3);
  std::string text = "#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n#fields\tts\tid.orig_h\tproto\thistory\n";
  std::vector<std::vector<std::string>> expect;
  uint64_t rejected = 0, lines = 0;
  auto field = [&] {
    const unsigned r = rng() % 100;
    const size_t len = r < 2 ? 17000 + rng() % 3000 : r < 20 ? 60 + rng() % 100 : rng() % 12;
    std::string f;
    for (size_t i = 0; i < len; ++i) f += "abc.19-x"[rng() % 8];
    return f;
  };
  for (int i = 0; i < 4000; ++i) {
    std::vector<std::string> f{field(), field(), field(), field()};
    const unsigned kind = rng() % 20;
    ++lines;
    if (kind == 0) {  // a field short
      text += f[0] + "\t" + f[1] + "\t" + f[2] + "\n";
      ++rejected;
      continue;
    }
    if (kind == 1) {  // an empty line
      text += "\n";
      ++rejected;
      continue;
    }
    std::string line = f[0] + "\t" + (kind == 2 ? f[1] + "\\x41" : f[1]) + "\t" + f[2] + "\t" + f[3];
    text += line + (kind == 3 ? "\r\n" : "\n");
    if (kind == 2) f[1] += "A";
    std::vector<std::string> row;
    for (size_t c : {0, 1, 3}) row.push_back(f[c] == "-" ? "<null>" : f[c].empty() ? "" : f[c]);
    expect.push_back(row);
  }
  auto read = [&](size_t max_piece) {
    recorder sink;
    sink.width = 3;
    file_report report;
    std::vector<std::string> columns{"ts", "id.orig_h", "history"};
    log_reader reader(columns, sink, report, reader_options{});
    reader.start({});
    std::string pending;
    size_t at = 0;
    while (at < text.size()) {
      const size_t n = max_piece == 0 ? text.size() : std::min<size_t>(1 + rng() % max_piece, text.size() - at);
      pending.append(text, at, n);
      at += n;
      pending.erase(0, reader.feed(pending, at == text.size()));
    }
    EXPECT_TRUE(pending.empty());
    reader.finish();
    EXPECT_EQ(report.lines_read, lines) << max_piece;
    EXPECT_EQ(report.rows_rejected, rejected) << max_piece;
    return sink.rows;
  };
  EXPECT_EQ(read(0), expect);
  EXPECT_EQ(read(97), expect);
  EXPECT_EQ(read(5000), expect);
  EXPECT_EQ(read(40000), expect);
}

}  // namespace zeekgraph::zeek

namespace zeekgraph::zeek {
namespace {

// Keeps rows whose first column equals `want`, as a filter on `uid == want`
// would, and records them with their line accounting.
struct equal_sink final : row_sink {
  std::string want;
  std::string want_host;  // also the second column, when set
  std::vector<std::string> kept;
  row_verdict add_row(const cell* cells) override {
    if (cells[0].kind == cell_kind::null || cells[0].text != want) return {row_outcome::filtered};
    if (!want_host.empty() && (cells[1].kind == cell_kind::null || cells[1].text != want_host))
      return {row_outcome::filtered};
    kept.push_back(std::string(cells[0].text) + "|" + std::string(cells[1].text));
    return {};
  }
};

struct skim {
  std::vector<std::string> kept;
  file_report report;
  uint64_t lines = 0;
};

// Reads `log` in blocks of `block` bytes, as the rows driver does.
skim read_with(std::string_view log, const std::string& want, std::vector<std::string> needles, size_t block,
               const std::string& want_host = "", std::vector<std::vector<std::string>> also = {}) {
  std::vector<std::string> columns{"uid", "id.orig_h"};
  equal_sink sink;
  sink.want = want;
  sink.want_host = want_host;
  skim out;
  reader_options opts;
  opts.needles = std::move(needles);
  opts.also_needles = std::move(also);
  log_reader reader(columns, sink, out.report, opts);
  reader.start({});
  std::string buf;
  size_t at = 0;
  while (at < log.size() || !buf.empty()) {
    const size_t n = std::min(block, log.size() - at);
    buf.append(log.substr(at, n));
    at += n;
    const bool eof = at == log.size();
    buf.erase(0, reader.feed(buf, eof));
    if (eof) break;
  }
  reader.finish();
  out.kept = std::move(sink.kept);
  out.lines = reader.state().line;
  return out;
}

}  // namespace

TEST(log_reader, needles_skip_lines_that_cannot_match_and_change_nothing_else) {
  const std::string want = "CAbcdefg";
  std::string tsv = "#separator \\x09\n#unset_field\t-\n#fields\tts\tuid\tid.orig_h\n";
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    const int r = static_cast<int>(rng() % 100);
    const std::string uid = r < 3 ? want : r < 5 ? "C\\x41bcdefg" : "Cz" + std::to_string(rng());
    const std::string ts = std::to_string(i) + ".5\t", host = "10.0.0." + std::to_string(i % 250);
    if (i == 1500) tsv += "#fields\tts\tid.orig_h\tuid\n";  // a new schema part-way: uid moves
    tsv += i < 1500 ? ts + uid + "\t" + host + "\n" : ts + host + "\t" + uid + "\n";
  }
  tsv += "#close\t2012-03-16-23-59-59\n";
  const skim plain = read_with(tsv, want, {}, 1 << 20);
  ASSERT_GT(plain.kept.size(), 100u);
  for (size_t block : {size_t{7}, size_t{100}, size_t{4096}, size_t{1} << 20}) {
    SCOPED_TRACE(block);
    const skim fast = read_with(tsv, want, {want}, block);
    EXPECT_EQ(fast.kept, plain.kept);  // the escaped C\x41bcdefg included
    EXPECT_EQ(fast.lines, plain.lines);
    EXPECT_EQ(fast.report.lines_read, plain.report.lines_read);
    EXPECT_EQ(fast.report.header_lines, plain.report.header_lines);
    EXPECT_EQ(fast.report.rows_filtered, plain.report.rows_filtered);
    EXPECT_EQ(fast.report.rows_used, plain.report.rows_used);
    EXPECT_EQ(fast.report.bytes, plain.report.bytes);
    EXPECT_EQ(fast.report.problems_total(), 0u);
    EXPECT_GT(fast.report.rows_skipped, 2500u);
    EXPECT_LE(fast.report.rows_skipped, fast.report.rows_filtered);
  }
  EXPECT_EQ(plain.report.rows_skipped, 0u);
}

// `uid == A and id.orig_h == H`: a line is read only when it holds a text
// of both sets, though each text alone is common.
TEST(log_reader, every_needle_set_must_be_held_to_read_a_line) {
  const std::string want = "CAbcdefg", host = "10.0.0.7";
  std::string tsv = "#separator \\x09\n#unset_field\t-\n#fields\tts\tuid\tid.orig_h\n";
  std::mt19937 rng(11);
  for (int i = 0; i < 4000; ++i) {
    const int r = static_cast<int>(rng() % 100);
    // Half the lines hold the uid, a third the host; a few an escape.
    const std::string uid = r < 50 ? want : r < 52 ? "C\\x41bcdefg" : "Cz" + std::to_string(rng());
    const std::string h = rng() % 3 == 0 ? host : rng() % 2 ? "10.0.0.70" : "10.1.0.7";
    tsv += std::to_string(i) + ".5\t" + uid + "\t" + h + "\n";
  }
  const skim plain = read_with(tsv, want, {}, 1 << 20, host);
  ASSERT_GT(plain.kept.size(), 300u);
  for (size_t block : {size_t{7}, size_t{100}, size_t{4096}, size_t{1} << 20}) {
    SCOPED_TRACE(block);
    const skim one = read_with(tsv, want, {want}, block, host);
    const skim both = read_with(tsv, want, {want}, block, host, {{host}});
    const skim swapped = read_with(tsv, want, {host}, block, host, {{"nothing-like-it", want}});
    for (const skim* s : {&one, &both, &swapped}) {
      EXPECT_EQ(s->kept, plain.kept);
      EXPECT_EQ(s->lines, plain.lines);
      EXPECT_EQ(s->report.rows_filtered, plain.report.rows_filtered);
      EXPECT_EQ(s->report.rows_used, plain.report.rows_used);
      EXPECT_EQ(s->report.bytes, plain.report.bytes);
    }
    // "10.0.0.7" is also in "10.0.0.70": lines with either host are read.
    EXPECT_GT(both.report.rows_skipped, one.report.rows_skipped + 500) << plain.kept.size() << " kept, "
        << plain.report.lines_read << " lines, one read " << one.report.lines_read - one.report.rows_skipped;
    EXPECT_EQ(both.report.rows_skipped, swapped.report.rows_skipped);
  }
}

TEST(log_reader, needles_skip_json_lines_too_but_not_escaped_ones) {
  std::string json;
  for (int i = 0; i < 500; ++i)
    json += "{\"ts\":" + std::to_string(i) + ",\"uid\":\"" + (i % 50 == 0 ? "CAbcdefg" : i % 77 == 0 ? "C\\u0041bcdefg" : "Cxx" + std::to_string(i)) +
            "\",\"id.orig_h\":\"10.0.0.1\"}\n";
  const skim plain = read_with(json, "CAbcdefg", {}, 1 << 20);
  const skim fast = read_with(json, "CAbcdefg", {"CAbcdefg"}, 333);
  size_t expected = 0;
  for (int i = 0; i < 500; ++i) expected += i % 50 == 0 || i % 77 == 0;
  EXPECT_EQ(plain.kept.size(), expected);
  EXPECT_EQ(fast.kept, plain.kept);
  EXPECT_EQ(fast.report.lines_read, 500u);
  EXPECT_EQ(fast.report.rows_filtered, plain.report.rows_filtered);
  EXPECT_GT(fast.report.rows_skipped, 400u);
}

}  // namespace zeekgraph::zeek

namespace zeekgraph::zeek {

TEST(log_reader, csv_with_a_header_line_reads_quotes_nulls_and_iso_times) {
  const std::vector<std::string> columns{"ts", "id.orig_h", "history"};
  recorder sink;
  sink.width = columns.size();
  file_report report;
  log_reader reader(columns, sink, report, {});
  reader.start({});
  const std::string csv =
      "ts,uid,id.orig_h,history\n"
      "2012-03-16T12:30:00.585000Z,C1,10.0.0.1,ShA\n"
      "1331901000.5,C2,,\"a,\"\"b\"\"\"\n"
      "2012-03-16T12:30:01Z,C3,10.0.0.3,\"\"\n"
      "2012-03-16T12:30:02Z,C4,10.0.0.4\n"
      "2012-03-16T12:30:03Z,C5,\"10.0.0.5\"x,S\n";
  EXPECT_EQ(reader.feed(csv, true), csv.size());
  reader.finish();
  EXPECT_EQ(report.format, "csv");
  EXPECT_EQ(report.header_lines, 1u);
  EXPECT_EQ(report.lines_read, 5u);
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[0], (std::vector<std::string>{"1331901000.585000", "10.0.0.1", "ShA"}));
  EXPECT_EQ(sink.rows[1], (std::vector<std::string>{"1331901000.5", "<null>", "a,\"b\""}));
  EXPECT_EQ(sink.rows[2], (std::vector<std::string>{"1331901001", "10.0.0.3", "<null>"}));
  EXPECT_EQ(report.rows_rejected, 2u);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].kind, problem_kind::field_count);
  EXPECT_EQ(report.problems[0].line, 5u);
  EXPECT_EQ(report.problems[1].line, 6u);
  EXPECT_NE(report.problems[1].message.find("quote"), std::string::npos);
}

TEST(log_reader, csv_headers_are_told_from_data_lines) {
  EXPECT_TRUE(is_csv_header("ts,uid,id.orig_h"));
  EXPECT_TRUE(is_csv_header("a,b"));
  EXPECT_FALSE(is_csv_header("ts"));                                 // one name: not CSV
  EXPECT_FALSE(is_csv_header("ts,,uid"));                            // an empty name
  EXPECT_FALSE(is_csv_header("2012-03-16T12:30:00Z,C1,10.0.0.1"));   // data
  EXPECT_FALSE(is_csv_header("ts\tuid,x"));                          // a tab: TSV
  EXPECT_FALSE(is_csv_header("time min,count"));                     // a blank in a name
  EXPECT_TRUE(starts_header_line("#fields\tts\n", false));
  EXPECT_TRUE(starts_header_line("ts,uid\r\n1,2\n", true));
  EXPECT_FALSE(starts_header_line("ts,uid\n1,2\n", false));
  EXPECT_FALSE(starts_header_line("1.0\tC1\n", true));
}

}  // namespace zeekgraph::zeek

namespace zeekgraph::zeek {

TEST(log_reader, needles_in_most_lines_stop_the_skipping_and_change_nothing) {
  // Every line holds "10.0.0.", few hold the wanted uid: once the first
  // 16,384 lines show that, the reader reads in bulk again.
  std::string tsv;
  for (int i = 0; i < 40000; ++i)
    tsv += std::to_string(i) + ".5\tC" + (i % 1000 == 0 ? std::string("want") : std::to_string(i)) + "\t10.0.0." +
           std::to_string(i % 250) + "\t1\t10.0.1.1\t80\ttcp\t-\t-\t-\t-\tS0\t-\t0\tS\t1\t40\t0\t0\t(empty)\n";
  const skim plain = read_with(tsv, "Cwant", {}, 1 << 20);
  const skim fast = read_with(tsv, "Cwant", {"10.0.0."}, 1 << 16);
  EXPECT_EQ(plain.kept.size(), 40u);
  EXPECT_EQ(fast.kept, plain.kept);
  EXPECT_EQ(fast.report.rows_filtered, plain.report.rows_filtered);
  EXPECT_EQ(fast.report.rows_skipped, 0u);
  EXPECT_EQ(fast.lines, plain.lines);
}

}  // namespace zeekgraph::zeek

namespace zeekgraph::zeek {
namespace {

// Counts the rows handed to add_line and to add_row.
struct line_counter final : row_sink {
  size_t lines = 0, rows = 0;
  std::string last;
  row_verdict add_row(const cell*) override {
    ++rows;
    return {};
  }
  row_verdict add_line(const cell*, std::string_view line) override {
    ++lines;
    last = std::string(line);
    return {};
  }
};

line_counter verbatim_count(const std::vector<std::string>& columns, std::string_view text, bool on = true) {
  line_counter sink;
  file_report report;
  reader_options opts;
  opts.verbatim_lines = on;
  log_reader reader(columns, sink, report, opts);
  reader.start({});
  EXPECT_EQ(reader.feed(text, true), text.size());
  return sink;
}

}  // namespace

TEST(log_reader, verbatim_lines_only_when_the_line_is_what_zeek_writes) {
  const std::string header = "#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n#fields\ta\tb\tc\n";
  const std::string body = "x\t-\t(empty)\ny\tz\tw\n";
  const std::vector<std::string> all = {"a", "b", "c"};
  auto got = verbatim_count(all, header + body);
  EXPECT_EQ(got.lines, 2u);
  EXPECT_EQ(got.rows, 0u);
  EXPECT_EQ(got.last, "y\tz\tw\n");  // with its newline
  // Not asked for, or not every field in the file's order: cells only.
  EXPECT_EQ(verbatim_count(all, header + body, false).lines, 0u);
  EXPECT_EQ(verbatim_count({"a", "b"}, header + body).lines, 0u);
  EXPECT_EQ(verbatim_count({"a", "c", "b"}, header + body).lines, 0u);
  // Other markers or separators than Zeek's writer writes.
  EXPECT_EQ(verbatim_count(all, "#separator \\x09\n#unset_field\tNONE\n#fields\ta\tb\tc\n" + body).lines, 0u);
  EXPECT_EQ(verbatim_count(all, "#separator \\x09\n#empty_field\tE\n#fields\ta\tb\tc\n" + body).lines, 0u);
  EXPECT_EQ(verbatim_count(all, "#separator ,\n#fields,a,b,c\nx,-,(empty)\n").lines, 0u);
  // Markers declared after '#fields' count too.
  EXPECT_EQ(verbatim_count(all, "#fields\ta\tb\tc\n#unset_field\tNONE\n" + body).lines, 0u);
  // Lines it would write otherwise: an empty field, an escape, a control
  // byte, a '\r' before the newline.
  auto odd = verbatim_count(all, header + "x\t\tw\nx\\x41\tz\tw\nx\x01\tz\tw\nx\tz\tw\r\nx\tz\tw\n");
  EXPECT_EQ(odd.lines, 1u);
  EXPECT_EQ(odd.rows, 4u);
}

TEST(log_reader, verbatim_headerless_lines_spell_unset_as_a_dash) {
  std::vector<std::string> conn;
  for (const auto& f : seed_layout().fields) conn.push_back(f.name);
  const std::string plain = "1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t0\tS\t1\t40\t0\t0\t(empty)\n";
  std::string nan = plain;
  nan.replace(nan.find("\t-\t"), 3, "\tNaN\t");
  // The first line, which tells the format, is read by the line path.
  auto got = verbatim_count(conn, plain + plain + nan);
  EXPECT_EQ(got.lines, 1u);  // "(empty)" is text there; the writer escapes it from the cells
  EXPECT_EQ(got.rows, 2u);   // and pandas reads NaN as unset, which Zeek writes '-'
}

}  // namespace zeekgraph::zeek

namespace zeekgraph::zeek {

TEST(log_reader, a_missing_column_named_empty_is_still_missing) {
  // A requested column may be named "" (a '#fields' line can name one);
  // when the log lacks it, its rows are rejected, not read with stale cells.
  line_counter sink;
  file_report report;
  const std::vector<std::string> columns = {"", "b"};  // the reader keeps a reference
  log_reader reader(columns, sink, report, {});
  reader.start({});
  const std::string text = "#fields\ta\tb\n1\t2\n3\t4\n5\t6\n";
  EXPECT_EQ(reader.feed(text, true), text.size());
  EXPECT_EQ(sink.rows + sink.lines, 0u);
  EXPECT_EQ(report.rows_rejected, 3u);
}

}  // namespace zeekgraph::zeek
