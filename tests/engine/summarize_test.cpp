#include "engine/summarize.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "gen/conn_generator.h"
#include "support/string_sink.h"

namespace zeekgraph::engine {
namespace fs = std::filesystem;
namespace {

using test::string_sink;

// Summarizes `log` (written to dir/conn.log) by `by` with `aggs`.
result<summarize_result> summarize_log(const fs::path& dir, const std::string& log, const char* by,
                                       const char* aggs, unsigned threads = 0) {
  fs::create_directories(dir);
  std::ofstream(dir / "conn.log", std::ios::binary) << log;
  summarize_options o;
  o.inputs = {(dir / "conn.log").string()};
  o.spec = agg::parse_query_spec(by, aggs).value();
  o.threads = threads;
  return summarize(o);
}

// Equal cell for cell, floats bit for bit: float sums and means are summed
// in input order however threads split the input (sum_replay).
bool same_double(double x, double y) {
  return std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y));
}

void expect_same_table(const table::summary_table& a, const table::summary_table& b) {
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const table::column &x = a.columns[c], &y = b.columns[c];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.ints, y.ints) << x.name;
    EXPECT_EQ(x.strings, y.strings) << x.name;
    EXPECT_EQ(x.string_null, y.string_null) << x.name;
    ASSERT_EQ(x.floats.size(), y.floats.size()) << x.name;
    for (size_t r = 0; r < x.floats.size(); ++r)
      EXPECT_TRUE(same_double(x.floats[r], y.floats[r])) << x.name << " row " << r << ": " << x.floats[r] << " against "
                                                         << y.floats[r];
  }
}

// gzip -c from > to; the command's exit status.
int gzip_file(const fs::path& from, const fs::path& to) {
  return std::system(("gzip -c " + from.string() + " > " + to.string()).c_str());
}

std::string write_generated(const fs::path& p, uint64_t rows, bool header) {
  string_sink s;
  EXPECT_TRUE(gen::generate_conn_log({rows, 3, header}, s).ok());
  std::ofstream(p, std::ios::binary) << s.data;
  return s.data;
}

}  // namespace

// Chunked reading on many threads must give the same table, bit for bit,
// and the same line accounting as one thread.
TEST(summarize, chunks_on_threads_agree_with_one_thread) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize";
  fs::create_directories(dir);
  write_generated(dir / "conn.log", 60000, true);
  summarize_options one;
  one.inputs = {(dir / "conn.log").string()};
  one.threads = 1;
  summarize_options many = one;
  many.threads = 3;
  many.chunk_bytes = 1 << 16;  // force many chunks
  auto a = summarize(one), b = summarize(many);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->table.rows(), b->table.rows());
  expect_same_table(a->table, b->table);
  EXPECT_EQ(b->passes, 1u);
  ASSERT_EQ(b->files.size(), 1u);
  EXPECT_EQ(b->files[0].lines_read, 60000u);
  EXPECT_EQ(b->files[0].rows_used, 60000u);
  EXPECT_EQ(b->files[0].header_lines, 9u);
}

TEST(summarize, chunk_problem_lines_are_global) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_lines";
  fs::create_directories(dir);
  std::string data = write_generated(dir / "base.log", 30000, false);
  // Break line 25,001 (1-based): past several chunk boundaries.
  size_t pos = 0;
  for (int i = 0; i < 25000; ++i) pos = data.find('\n', pos) + 1;
  data.insert(pos, "broken line\n");
  std::ofstream(dir / "conn.log", std::ios::binary) << data;
  summarize_options o;
  o.inputs = {(dir / "conn.log").string()};
  o.threads = 2;
  o.chunk_bytes = 1 << 16;
  auto r = summarize(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->files[0].problems.size(), 1u);
  EXPECT_EQ(r->files[0].problems[0].line, 25001u);
  EXPECT_EQ(r->files[0].problems[0].byte_offset, pos);
  EXPECT_EQ(r->files[0].rows_rejected, 1u);
}

// nunique of a text column keeps fingerprints while no value repeats; a
// repeat anywhere (here past the trial, in another chunk) makes a second
// pass with exact pairs. Either way the counts are exact, nulls excluded.
TEST(summarize, distinct_texts_are_exact_with_or_without_fingerprints) {
  const char* protos[] = {"tcp", "udp", "icmp"};
  for (bool repeat : {false, true})
    for (unsigned threads : {1u, 2u}) {
      std::string log = "#fields\tproto\tuid\n";
      std::map<std::string, std::set<std::string>> expected;
      const int rows = 60000;
      for (int i = 0; i < rows; ++i) {
        const std::string proto = protos[i % 3];
        std::string uid = i % 97 == 0 ? "-" : "C" + std::to_string(i) + "q";
        if (repeat && i == rows - 3) uid = "C3q";  // row 3's uid, in row 3's group (i % 3 == 0)
        log += proto + "\t" + uid + "\n";
        expected[proto];
        if (uid != "-") expected[proto].insert(uid);
      }
      fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_fingerprints";
      fs::create_directories(dir);
      std::ofstream(dir / "conn.log", std::ios::binary) << log;
      summarize_options o;
      o.inputs = {(dir / "conn.log").string()};
      o.spec = agg::parse_query_spec("proto", "uid:nunique,count").value();
      o.threads = threads;
      o.chunk_bytes = 64 << 10;  // chunks on both threads
      auto r = summarize(o);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->passes, repeat ? 2u : 1u) << repeat << threads;
      const auto& t = r->table;
      ASSERT_EQ(t.rows(), 3u);
      for (size_t g = 0; g < 3; ++g) {
        const auto& want = expected[t.columns[0].strings[g]];
        EXPECT_EQ(t.columns[1].ints[g], static_cast<int64_t>(want.size())) << repeat << threads << g;
        EXPECT_EQ(t.columns[2].ints[g], static_cast<int64_t>(want.size() + (repeat && g == 1)))
            << repeat << threads << g;  // count keeps the repeat (tcp sorts second)
      }
    }
}

TEST(summarize, text_column_guessed_numeric_is_reread_as_text) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_retype";
  fs::create_directories(dir);
  std::ofstream(dir / "conn.log") << "#fields\tts\tuid\tid.orig_h\tid.resp_h\tconn_state\n"
                                     "XXXXXXXXXX.XXXXXX\tC1\ta\tb\tS0\n";
  summarize_options o;
  o.inputs = {(dir / "conn.log").string()};
  o.spec = agg::parse_query_spec("id.orig_h", "time:min;uid:nunique").value();
  auto r = summarize(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->passes, 2u);
  EXPECT_EQ(r->table.columns[1].strings[0], "XXXXXXXXXX.XXXXXX");
}

}  // namespace zeekgraph::engine

namespace zeekgraph::engine {

// A gzip stream decompressed on one thread and parsed on others must
// account for lines, problems and a cut-short stream exactly as one
// thread does.
TEST(summarize, pipelined_gzip_agrees_with_one_thread) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_gzip";
  fs::create_directories(dir);
  std::string data = write_generated(dir / "plain.log", 200000, true);
  size_t pos = 0;
  for (int i = 0; i < 150000; ++i) pos = data.find('\n', pos) + 1;
  data.insert(pos, "broken line\n");
  std::ofstream(dir / "conn.log", std::ios::binary) << data;
  ASSERT_EQ(gzip_file(dir / "conn.log", dir / "conn.log.gz"), 0);
  auto half = std::to_string(fs::file_size(dir / "conn.log.gz") / 2);
  ASSERT_EQ(std::system(("head -c " + half + " " + (dir / "conn.log.gz").string() + " > " + (dir / "cut.log.gz").string()).c_str()), 0);
  for (const char* name : {"conn.log.gz", "cut.log.gz"}) {
    summarize_options one;
    one.inputs = {(dir / name).string()};
    one.threads = 1;
    for (unsigned threads : {2u, 3u}) {
    summarize_options many = one;
    many.threads = threads;
    many.chunk_bytes = 1 << 16;         // pipeline even this small file,
    many.stream_block_bytes = 1 << 16;  // in hundreds of blocks: the queue fills, so the
                                        // inflating thread parses blocks too
    auto a = summarize(one), b = summarize(many);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->table.rows(), b->table.rows()) << name;
    expect_same_table(a->table, b->table);
    const auto& x = a->files[0];
    const auto& y = b->files[0];
    EXPECT_EQ(x.lines_read, y.lines_read) << name;
    EXPECT_EQ(x.rows_used, y.rows_used) << name;
    EXPECT_EQ(x.rows_rejected, y.rows_rejected) << name;
    EXPECT_EQ(x.header_lines, y.header_lines) << name;
    ASSERT_EQ(x.problems.size(), y.problems.size()) << name;
    EXPECT_FALSE(x.problems.empty()) << name;
    for (size_t i = 0; i < x.problems.size(); ++i) {
      EXPECT_EQ(x.problems[i].kind, y.problems[i].kind) << name;
      EXPECT_EQ(x.problems[i].line, y.problems[i].line) << name;
      EXPECT_EQ(x.problems[i].byte_offset, y.problems[i].byte_offset) << name;
    }
    }
  }
}

// Several .gz files on two threads: whether each runs whole on a thread of
// its own (four equal files) or one is pipelined beside a small one, the
// table and the line accounting are one thread's.
TEST(summarize, gzip_files_on_threads_agree_with_one_thread) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_gzip_files";
  fs::remove_all(dir);
  fs::create_directories(dir / "equal");
  fs::create_directories(dir / "mixed");
  std::string data = write_generated(dir / "all.log", 120000, false);
  auto gzip_to = [&](const std::string& text, const fs::path& p) {
    std::ofstream(dir / "part.log", std::ios::binary) << text;
    ASSERT_EQ(gzip_file(dir / "part.log", p), 0);
  };
  size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    size_t end = at;
    for (int k = 0; k < 30000; ++k) end = data.find('\n', end) + 1;
    gzip_to(data.substr(at, end - at), dir / "equal" / ("conn." + std::to_string(i) + ".log.gz"));
    at = end;
  }
  size_t small = 0;
  for (int k = 0; k < 2000; ++k) small = data.find('\n', small) + 1;
  gzip_to(data.substr(small), dir / "mixed" / "conn.big.log.gz");
  gzip_to(data.substr(0, small), dir / "mixed" / "conn.small.log.gz");
  for (const char* sub : {"equal", "mixed"}) {
    summarize_options one;
    one.inputs = {(dir / sub).string()};
    one.threads = 1;
    summarize_options two = one;
    two.threads = 2;
    two.chunk_bytes = 1 << 16;         // every file is big enough to pipeline
    two.stream_block_bytes = 1 << 16;
    auto a = summarize(one), b = summarize(two);
    ASSERT_TRUE(a.ok() && b.ok()) << sub;
    EXPECT_EQ(a->table.rows(), b->table.rows()) << sub;
    expect_same_table(a->table, b->table);
    ASSERT_EQ(a->files.size(), b->files.size()) << sub;
    uint64_t rows = 0;
    for (size_t f = 0; f < a->files.size(); ++f) {
      EXPECT_EQ(a->files[f].path, b->files[f].path) << sub;
      EXPECT_EQ(a->files[f].lines_read, b->files[f].lines_read) << sub << " " << a->files[f].path;
      EXPECT_EQ(a->files[f].rows_used, b->files[f].rows_used) << sub << " " << a->files[f].path;
      EXPECT_TRUE(a->files[f].problems.empty()) << sub;
      EXPECT_TRUE(b->files[f].problems.empty()) << sub;
      rows += b->files[f].rows_used;
    }
    EXPECT_EQ(rows, 120000u) << sub;
  }
}

}  // namespace zeekgraph::engine

namespace zeekgraph::engine {

// int64 min/max/sum come from float64 states while that is exact; integers
// past 2^53, or sums that could pass it, make a second pass with exact int
// states. Expected values are int64 arithmetic (numpy wraps sums too).
TEST(summarize, large_integers_stay_exact) {
  const int64_t p53 = int64_t{1} << 53, p62 = int64_t{1} << 62;
  struct row {
    const char* key;
    int64_t v;
  };
  const std::vector<row> rows = {{"a", p53 + 1}, {"a", p53 + 3}, {"a", -p62 - 5}, {"b", p62 + 7},
                                 {"b", p62 + 9}, {"c", 5}};
  std::string log = "#fields\tproto\torig_bytes\n";
  for (const auto& r : rows) log += std::string(r.key) + '\t' + std::to_string(r.v) + '\n';
  for (unsigned threads : {1u, 2u}) {
    auto r = summarize_log(fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_bigint", log, "proto",
                           "orig_bytes:min,max,sum", threads);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->passes, 2u);
    const auto& mn = r->table.columns[1].ints;
    const auto& mx = r->table.columns[2].ints;
    const auto& sum = r->table.columns[3].ints;
    ASSERT_EQ(mn.size(), 3u);
    EXPECT_EQ(mn[0], -p62 - 5);
    EXPECT_EQ(mx[0], p53 + 3);
    EXPECT_EQ(sum[0], static_cast<int64_t>(static_cast<uint64_t>(p53 + 1) + static_cast<uint64_t>(p53 + 3) +
                                           static_cast<uint64_t>(-p62 - 5)));
    EXPECT_EQ(mn[1], p62 + 7);
    EXPECT_EQ(mx[1], p62 + 9);
    EXPECT_EQ(sum[1], static_cast<int64_t>(static_cast<uint64_t>(p62 + 7) + static_cast<uint64_t>(p62 + 9)));  // wraps
    EXPECT_EQ(sum[2], 5);
  }
}

TEST(summarize, integer_sums_that_could_pass_2_53_are_read_again_exactly) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_bigsum";
  const int64_t v = (int64_t{1} << 52) + 1;  // each exact in float64, the sum is not
  std::string log = "#fields\tproto\torig_bytes\n";
  for (int i = 0; i < 3; ++i) log += "tcp\t" + std::to_string(v) + '\n';
  auto r = summarize_log(dir, log, "proto", "orig_bytes:sum");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->passes, 2u);
  EXPECT_EQ(r->table.columns[1].ints[0], 3 * v);

  // Small integers need one pass.
  auto s = summarize_log(dir, "#fields\tproto\torig_bytes\ntcp\t7\ntcp\t-9\n", "proto", "orig_bytes:min,max,sum");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->passes, 1u);
  EXPECT_EQ(s->table.columns[1].ints[0], -9);
  EXPECT_EQ(s->table.columns[2].ints[0], 7);
  EXPECT_EQ(s->table.columns[3].ints[0], -2);
}

// Plain files are read in 256 KiB copies; a line longer than that comes
// from the mapping, and one past --max-line-bytes is rejected, without
// losing or repeating the lines around them.
TEST(summarize, lines_longer_than_a_read_are_read_whole) {
  std::string log = "#fields\tproto\torig_bytes\n";
  for (int i = 0; i < 20000; ++i) log += "tcp\t1\n";
  log += std::string(400 << 10, 'u') + "\t2\n";   // 400 KiB, under the 1 MiB limit
  for (int i = 0; i < 20000; ++i) log += "udp\t3\n";
  log += std::string(1200 << 10, 'x') + "\t4\n";  // past the limit: rejected
  for (int i = 0; i < 20000; ++i) log += "tcp\t5\n";
  log += "icmp\t6";  // no final newline
  auto r = summarize_log(fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_long_lines", log, "proto", "orig_bytes:sum");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_EQ(r->files[0].lines_read, 60003u);
  EXPECT_EQ(r->files[0].rows_used, 60002u);
  EXPECT_EQ(r->files[0].rows_rejected, 1u);
  const auto& sum = r->table.columns[1].ints;
  ASSERT_EQ(sum.size(), 4u);  // icmp, tcp, udp, the long one
  EXPECT_EQ(sum[0], 6);
  EXPECT_EQ(sum[1], 20000 * 1 + 20000 * 5);
  EXPECT_EQ(sum[2], 20000 * 3);
  EXPECT_EQ(sum[3], 2);

  // The same log gzipped and pipelined in 64 KiB blocks: a line longer than
  // many blocks (and than the limit) is cut into none of them.
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_long_lines";
  ASSERT_EQ(gzip_file(dir / "conn.log", dir / "conn.log.gz"), 0);
  summarize_options one;
  one.inputs = {(dir / "conn.log.gz").string()};
  one.spec = agg::parse_query_spec("proto", "orig_bytes:sum").value();
  one.threads = 1;
  summarize_options two = one;
  two.threads = 2;
  two.chunk_bytes = 1 << 10;
  two.stream_block_bytes = 1 << 16;
  for (const auto* o : {&one, &two}) {
    auto z = summarize(*o);
    ASSERT_TRUE(z.ok());
    EXPECT_EQ(z->files[0].lines_read, 60003u) << o->threads;
    EXPECT_EQ(z->files[0].rows_used, 60002u) << o->threads;
    EXPECT_EQ(z->files[0].rows_rejected, 1u) << o->threads;
    EXPECT_EQ(z->table.columns[1].ints, sum) << o->threads;
  }
}

// A plain file that shrinks while it is read (a log rotated with
// copytruncate) must not be read past its new end, which through the
// mapping would end the process: the reader keeps the whole lines it got
// and reports a read error at the byte where it stopped.
namespace {

class shrinking_source final : public io::input_source {
 public:
  shrinking_source(std::unique_ptr<io::input_source> file, uint64_t shrinks_to)
      : file_(std::move(file)), shrinks_to_(shrinks_to) {
    path_ = file_->path();
    size_on_disk_ = file_->size_on_disk();
  }
  std::optional<std::string_view> mapped() const override { return file_->mapped(); }
  void release(uint64_t b, uint64_t e) override { file_->release(b, e); }
  bool rereadable() const override { return true; }
  size_t read(char* buf, size_t cap) override { return file_->read(buf, cap); }
  uint64_t consumed() const override { return file_->consumed(); }
  size_t read_at(uint64_t offset, char* buf, size_t cap) const override {
    if (offset >= shrinks_to_) return 0;
    return file_->read_at(offset, buf, std::min<uint64_t>(cap, shrinks_to_ - offset));
  }
  uint64_t current_size() const override { return shrinks_to_; }

 private:
  std::unique_ptr<io::input_source> file_;
  uint64_t shrinks_to_;
};

}  // namespace

TEST(summarize, a_file_that_shrinks_while_read_stops_at_its_new_end) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_shrinks";
  std::string log = "#fields\tproto\torig_bytes\n";
  for (int i = 0; i < 100000; ++i) log += "tcp\t1\n";  // 6 bytes a line
  const uint64_t header = log.find('\n') + 1, shrinks_to = header + 6 * 50000 + 3;  // mid-line
  for (bool strict : {false, true}) {
    summarize_options o;
    o.reader.strict = strict;
    o.open_input = [&](const std::string& path) -> result<std::unique_ptr<io::input_source>> {
      auto file = io::input_source::open(path);
      if (!file) return file.err();
      return std::unique_ptr<io::input_source>(new shrinking_source(std::move(*file), shrinks_to));
    };
    fs::create_directories(dir);
    std::ofstream(dir / "conn.log", std::ios::binary) << log;
    o.inputs = {(dir / "conn.log").string()};
    o.spec = agg::parse_query_spec("proto", "orig_bytes:sum").value();
    o.threads = 1;
    auto r = summarize(o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->files.size(), 1u);
    const auto& f = r->files[0];
    EXPECT_EQ(f.lines_read, 50000u) << strict;
    EXPECT_EQ(f.rows_used, 50000u);
    ASSERT_EQ(f.problems.size(), 1u);
    EXPECT_EQ(f.problems[0].kind, zeek::problem_kind::read_error);
    EXPECT_EQ(f.problems[0].byte_offset, header + 6 * 50000);
    EXPECT_EQ(r->stopped, strict);
    if (!strict) {
      EXPECT_EQ(r->table.columns[1].ints[0], 50000);
    }
  }
}

// A file read in chunks on two threads that shrinks mid-pass: the chunk
// past its new end was read before it shrank, and the chunks between read
// short. The input is read again, which sees the file as it now is, so
// the result is exactly that of its prefix, at -j 1 and -j 2 alike.
namespace {

class rotated_source final : public io::input_source {
 public:
  // Opened before it shrank (`*shrunk` false): the file as mapped then,
  // whose bytes in [cut, tail) read short, which is when it shrinks (the
  // chunks from `tail` on were read before). Opened after: the file as it
  // is now, `cut` bytes long.
  rotated_source(std::unique_ptr<io::input_source> file, uint64_t cut, uint64_t tail,
                 std::shared_ptr<std::atomic<bool>> shrunk)
      : file_(std::move(file)), cut_(cut), tail_(tail), first_(!*shrunk), shrunk_(std::move(shrunk)) {
    path_ = file_->path();
    size_on_disk_ = first_ ? file_->size_on_disk() : cut;
  }
  std::optional<std::string_view> mapped() const override {
    auto m = file_->mapped();
    if (m && !first_) return m->substr(0, cut_);
    return m;
  }
  bool rereadable() const override { return true; }
  size_t read(char* buf, size_t cap) override { return file_->read(buf, cap); }
  uint64_t consumed() const override { return file_->consumed(); }
  size_t read_at(uint64_t offset, char* buf, size_t cap) const override {
    if (first_ && offset >= tail_) return file_->read_at(offset, buf, cap);  // read before it shrank
    if (offset + cap > cut_) *shrunk_ = true;
    if (offset >= cut_) return 0;
    return file_->read_at(offset, buf, std::min<uint64_t>(cap, cut_ - offset));
  }
  uint64_t current_size() const override { return first_ ? tail_ : cut_; }

 private:
  std::unique_ptr<io::input_source> file_;
  uint64_t cut_, tail_;
  bool first_;
  std::shared_ptr<std::atomic<bool>> shrunk_;
};

}  // namespace

TEST(summarize, a_chunked_file_that_shrinks_mid_pass_is_read_again_to_its_new_end) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_rotated";
  fs::create_directories(dir);
  std::string log = "#fields\tproto\torig_bytes\n";
  for (int i = 0; i < 100000; ++i) log += (i % 3 ? "tcp\t1\n" : "udp\t2\n");  // 6 bytes a line
  const uint64_t header = log.find('\n') + 1;
  const uint64_t cut = header + 6 * 40000, tail = header + 6 * 90000;
  std::ofstream(dir / "conn.log", std::ios::binary) << log;
  std::ofstream(dir / "prefix.log", std::ios::binary) << log.substr(0, cut);
  summarize_options want;
  want.inputs = {(dir / "prefix.log").string()};
  want.spec = agg::parse_query_spec("proto", "orig_bytes:sum,size").value();
  want.threads = 1;
  auto expected = summarize(want);
  ASSERT_TRUE(expected.ok());
  for (unsigned threads : {1u, 2u}) {
    auto shrunk = std::make_shared<std::atomic<bool>>(false);
    summarize_options o = want;
    o.inputs = {(dir / "conn.log").string()};
    o.threads = threads;
    o.chunk_bytes = 4096;  // chunks even for this small file
    o.open_input = [&](const std::string& path) -> result<std::unique_ptr<io::input_source>> {
      auto file = io::input_source::open(path);
      if (!file) return file.err();
      return std::unique_ptr<io::input_source>(new rotated_source(std::move(*file), cut, tail, shrunk));
    };
    auto r = summarize(o);
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->files.size(), 1u);
    EXPECT_EQ(r->files[0].lines_read, 40000u) << threads;
    EXPECT_EQ(r->table.columns[1].ints, expected->table.columns[1].ints) << threads;
    EXPECT_EQ(r->table.columns[2].ints, expected->table.columns[2].ints) << threads;
    EXPECT_EQ(r->shrank_reread, threads > 1);
  }
}

// Sums of Zeek's integer fields skip Kahan's compensation, which is exact
// only while every value is a small integer. Decimals in such a field make
// a second pass with Kahan sums, as pandas sums float64 columns.
TEST(summarize, decimals_in_an_integer_field_are_summed_with_kahan) {
  std::string log = "#fields\tproto\torig_bytes\n";
  for (int i = 0; i < 10; ++i) log += "tcp\t0.1\n";  // a plain float64 sum gives 0.9999999999999999
  log += "udp\t3\nudp\t-\n";
  for (unsigned threads : {1u, 2u}) {
    auto r = summarize_log(fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_kahan", log, "proto", "orig_bytes:sum,mean",
                           threads);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->passes, 2u);
    ASSERT_EQ(r->table.columns[1].type, table::column_type::float64);
    EXPECT_EQ(r->table.columns[1].floats[0], 1.0);  // tcp, Kahan as pandas
    EXPECT_EQ(r->table.columns[2].floats[0], 0.1);
    EXPECT_EQ(r->table.columns[1].floats[1], 3.0);  // udp
  }
}

}  // namespace zeekgraph::engine

namespace zeekgraph::engine {

// A chunked file whose schema changes mid-way is read again alone, after
// its chunks' float values were summed: the ordered sums are then read a
// third way, on one thread in input order, and the table is still one
// thread's bit for bit.
TEST(summarize, a_schema_change_in_a_chunked_file_keeps_float_sums_in_input_order) {
  fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_schema_change";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string data = write_generated(dir / "first.log", 30000, true);
  data.erase(data.rfind("#close"));
  // The same rows again under a header with one more field.
  std::string more;
  size_t at = 0;
  while (at < data.size()) {
    size_t nl = data.find('\n', at);
    std::string line = data.substr(at, nl - at);
    if (line.rfind("#fields", 0) == 0)
      line += "\textra";
    else if (line.rfind("#types", 0) == 0)
      line += "\tstring";
    else if (line[0] != '#')
      line += "\t-";
    more += line + "\n";
    at = nl + 1;
  }
  std::ofstream(dir / "conn.log", std::ios::binary) << data << more;
  summarize_options one;
  one.inputs = {(dir / "conn.log").string()};
  one.threads = 1;
  summarize_options two = one;
  two.threads = 2;
  two.chunk_bytes = 1 << 16;
  auto a = summarize(one), b = summarize(two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->passes, 1u);
  EXPECT_EQ(b->passes, 2u);  // the chunked pass, then one thread
  ASSERT_EQ(a->table.rows(), b->table.rows());
  expect_same_table(a->table, b->table);
  EXPECT_EQ(b->files[0].rows_used, 60000u);
  EXPECT_EQ(b->files[0].schema_changes, 1u);
}

}  // namespace zeekgraph::engine

namespace zeekgraph::engine {

namespace {

std::string repeated(const std::string& line, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += line;
  return out;
}

// pandas keeps the first of equal values: tcp 0.0, udp -0.0.
void expect_pandas_zero_signs(const summarize_result& r, const std::string& what) {
  ASSERT_EQ(r.table.rows(), 2u) << what;
  for (size_t c : {1u, 2u}) {  // duration min, duration max
    const auto& v = r.table.columns[c].floats;
    EXPECT_EQ(v[0], 0.0) << what;
    EXPECT_FALSE(std::signbit(v[0])) << what << ": tcp, column " << c;
    EXPECT_TRUE(std::signbit(v[1])) << what << ": udp, column " << c;
  }
}

}  // namespace

// A float column kept by min and max only is not summed in order
// (sum_replay), so states read apart merge its zeros without knowing which
// came first (and a thread takes its pieces largest first). A column that
// holds -0.0 makes the summarizer read the rows again on one thread, in
// order, when they were read in more than one piece.
TEST(summarize, a_zero_min_or_max_met_with_both_signs_keeps_the_sign_pandas_keeps) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_zero_signs";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string header = "#fields\tproto\tduration\n";
  // Files: while one thread reads the long second file (tcp's first zero,
  // 0.0), the other reads the first and the third (tcp's -0.0) into one
  // state, which the fold takes first.
  const std::vector<std::string> files = {(dir / "a.log").string(), (dir / "b.log").string(),
                                          (dir / "c.log").string()};
  std::ofstream(files[0], std::ios::binary) << header << repeated("udp\t-0.0\n", 10);
  std::ofstream(files[1], std::ios::binary) << header << repeated("tcp\t0\n", 300000);
  std::ofstream(files[2], std::ios::binary) << header << repeated("tcp\t-0.0\nudp\t0\n", 10);
  // One file in chunks: udp first, tcp's 0.0 in the second chunk only, -0.0
  // after it. Without the second pass both signs come out wrong.
  std::ofstream(dir / "conn.log", std::ios::binary)
      << header << repeated("udp\t-0.0\n", 8000) << repeated("tcp\t0\n", 3000)
      << repeated("tcp\t-0.0\nudp\t0\n", 20000);
  for (unsigned threads : {1u, 2u}) {
    summarize_options o;
    o.spec = agg::parse_query_spec("proto", "duration:min,max").value();
    o.threads = threads;
    o.inputs = files;
    auto r = summarize(o);
    ASSERT_TRUE(r.ok());
    expect_pandas_zero_signs(*r, "three files, -j " + std::to_string(threads));
    EXPECT_FALSE(r->unordered);
    o.inputs = {(dir / "conn.log").string()};
    o.chunk_bytes = 1 << 16;  // 9 chunks
    for (int attempt = 0; attempt < 8; ++attempt) {
      r = summarize(o);
      ASSERT_TRUE(r.ok());
      expect_pandas_zero_signs(*r, "chunks, -j " + std::to_string(threads));
      if (threads == 1) {
        EXPECT_FALSE(r->resummed);
      }
    }
  }
}

// stdin cannot be read again: the result then says its zero signs may
// follow the threads' order. Here "-" reads a file through open_input.
TEST(summarize, a_zero_sign_with_stdin_among_the_inputs_is_reported_unordered) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / "summarize_zero_signs_stdin";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string header = "#fields\tproto\tduration\n";
  std::ofstream(dir / "first.log", std::ios::binary) << header << repeated("tcp\t0\nudp\t-0.0\n", 5000);
  std::ofstream(dir / "second.log", std::ios::binary) << header << repeated("tcp\t-0.0\nudp\t0\n", 5000);
  summarize_options o;
  o.spec = agg::parse_query_spec("proto", "duration:min,max").value();
  o.inputs = {"-", (dir / "second.log").string()};
  o.open_input = [&](const std::string& path) -> result<std::unique_ptr<io::input_source>> {
    return io::input_source::open(path == "-" ? (dir / "first.log").string() : path);
  };
  for (unsigned threads : {1u, 2u}) {
    o.threads = threads;
    auto r = summarize(o);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->resummed);  // stdin is never read twice
    EXPECT_EQ(r->unordered, threads > 1);
    if (threads == 1) expect_pandas_zero_signs(*r, "stdin, -j 1");
  }
}

}  // namespace zeekgraph::engine
