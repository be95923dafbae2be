#include "engine/row_stream.h"

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "engine/row_index.h"
#include "gen/conn_generator.h"
#include "io/gzip_encoder.h"
#include "support/string_sink.h"

namespace zeekgraph::engine {
namespace fs = std::filesystem;
namespace {

using test::string_sink;

fs::path dir() {
  const fs::path d = fs::temp_directory_path() / "zeekgraph-row-stream-test";
  fs::create_directories(d);
  return d;
}

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path p = dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string generated(uint64_t rows, uint64_t seed, bool header) {
  string_sink s;
  EXPECT_TRUE(gen::generate_conn_log({rows, seed, header}, s).ok());
  return s.data;
}

rows_options options(std::vector<std::string> inputs, const std::string& where = "") {
  rows_options o;
  o.inputs = std::move(inputs);
  if (!where.empty()) {
    auto f = query::filter::parse(where);
    EXPECT_TRUE(f.ok()) << where;
    if (f) o.where = std::make_shared<const query::filter>(std::move(*f));
  }
  return o;
}

// What write_rows gives: the sequential reference.
std::string sequential(const rows_options& o) {
  std::ostringstream out;
  auto r = write_rows(o, out);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.err().message);
  return out.str();
}

// Everything a stream gives, taken as a consumer would: waiting for
// `ready` after WAIT, `pause` between takes (a slow client), `max` bytes
// at a time.
struct drained {
  std::string bytes;
  int64_t last = 0;
  rows_result totals;
};

drained drain(const rows_options& o, unsigned threads, uint64_t piece_bytes, size_t max = 65536,
              std::chrono::microseconds pause = {}) {
  std::mutex mu;
  std::condition_variable cv;
  bool woken = false;
  auto s = row_stream::start(
      o, threads,
      [&] {
        std::lock_guard lock(mu);
        woken = true;
        cv.notify_all();
      },
      piece_bytes);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.err().message);
  drained d;
  if (!s) return d;
  std::vector<char> buf(max);
  for (;;) {
    {
      std::lock_guard lock(mu);
      woken = false;
    }
    const int64_t n = (*s)->take(buf.data(), buf.size());
    if (n > 0) {
      d.bytes.append(buf.data(), static_cast<size_t>(n));
      if (pause.count()) std::this_thread::sleep_for(pause);
      continue;
    }
    if (n == row_stream::WAIT) {
      std::unique_lock lock(mu);
      // A wake may come before the wait: `woken` was cleared before take().
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return woken; });
      EXPECT_TRUE(woken) << "no wake within 30 s after WAIT";
      if (!woken) break;
      continue;
    }
    d.last = n;
    break;
  }
  d.totals = (*s)->totals();
  return d;
}

TEST(row_stream, equals_write_rows_for_every_format_thread_count_and_piece_size) {
  const fs::path plain = write_file("plain.log", generated(20000, 3, false));
  const fs::path header = write_file("header.log", generated(20000, 4, true));
  for (const fs::path& p : {plain, header})
    for (auto format : {table::row_format::zeek, table::row_format::csv, table::row_format::ndjson})
      for (const std::string where : {"", "conn_state == \"S0\" or id.resp_p in [22, 80]"})
        for (unsigned threads : {1u, 2u, 4u})
          for (uint64_t piece : {uint64_t{4096}, uint64_t{100000}, uint64_t{8} << 20}) {
            rows_options o = options({p.string()}, where);
            o.format = format;
            const drained d = drain(o, threads, piece);
            EXPECT_EQ(d.last, row_stream::END);
            ASSERT_EQ(d.bytes, sequential(o)) << p << " where '" << where << "' threads " << threads << " piece " << piece;
          }
}

TEST(row_stream, counts_match_the_sequential_reader) {
  const fs::path p = write_file("counts.log", generated(30000, 5, true));
  rows_options o = options({p.string()}, "proto == \"udp\"");
  std::ostringstream out;
  rows_options counted = o;
  counted.count_all = true;
  auto seq = write_rows(counted, out);
  ASSERT_TRUE(seq.ok());
  const drained d = drain(o, 3, 8192);
  EXPECT_EQ(d.totals.matched, seq->matched);
  EXPECT_EQ(d.totals.written, seq->written);
  ASSERT_EQ(d.totals.files.size(), 1u);
  const zeek::file_report& a = d.totals.files[0];
  const zeek::file_report& b = seq->files[0];
  EXPECT_EQ(a.lines_read, b.lines_read);
  EXPECT_EQ(a.header_lines, b.header_lines);
  EXPECT_EQ(a.rows_used, b.rows_used);
  EXPECT_EQ(a.rows_filtered, b.rows_filtered);
  EXPECT_EQ(a.bytes, b.bytes);
}

TEST(row_stream, offset_and_limit_cut_at_the_same_rows) {
  const fs::path p = write_file("paged.log", generated(15000, 6, false));
  for (auto [offset, limit] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 1}, {1, 0}, {7, 13}, {4000, 2500}, {14999, 10}, {15000, 5}, {20000, 0}, {0, 15000}}) {
    rows_options o = options({p.string()});
    o.offset = offset;
    o.limit = limit;
    for (unsigned threads : {1u, 3u}) {
      const drained d = drain(o, threads, 5000, 1000);
      ASSERT_EQ(d.bytes, sequential(o)) << "offset " << offset << " limit " << limit;
    }
  }
}

TEST(row_stream, many_files_gzip_and_a_schema_change_in_the_middle) {
  const std::string a = generated(5000, 7, true), b = generated(5000, 8, true);
  // One file whose schema changes part-way: a second log with fewer
  // columns appended (its header lines are read where they stand).
  std::string changed = a;
  std::string second = generated(5000, 9, true);
  {
    // Drop the `service` column from the second log: header and rows.
    std::istringstream in(second);
    std::string line, out;
    int service = -1;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      size_t at = 0;
      for (size_t tab; (tab = line.find('\t', at)) != std::string::npos; at = tab + 1) f.push_back(line.substr(at, tab - at));
      f.push_back(line.substr(at));
      if (line.rfind("#fields", 0) == 0)
        for (size_t i = 0; i < f.size(); ++i)
          if (f[i] == "service") service = static_cast<int>(i);
      if (service >= 0 && static_cast<size_t>(service) < f.size() && (line[0] != '#' || line.rfind("#fields", 0) == 0 || line.rfind("#types", 0) == 0))
        f.erase(f.begin() + service);
      for (size_t i = 0; i < f.size(); ++i) out += (i ? "\t" : "") + f[i];
      out += '\n';
    }
    ASSERT_GE(service, 0);
    changed += out;
  }
  const fs::path pa = write_file("a.log", a), pc = write_file("changed.log", changed);
  const fs::path gz = dir() / "b.log.gz";
  std::ofstream(gz, std::ios::binary) << io::gzip_compress(b, 1);
  for (const std::string where : {"", "proto == \"tcp\""})
    for (auto cols : std::vector<std::vector<std::string>>{{}, {"ts", "uid", "id.orig_h", "proto", "conn_state"}})
      for (unsigned threads : {1u, 2u, 4u}) {
        rows_options o = options({pa.string(), gz.string(), pc.string()}, where);
        o.columns = cols;
        o.format = table::row_format::ndjson;
        const drained d = drain(o, threads, 3000);
        EXPECT_EQ(d.last, row_stream::END);
        ASSERT_EQ(d.bytes, sequential(o)) << "where '" << where << "' threads " << threads;
      }
}

TEST(row_stream, reads_only_the_blocks_the_index_names) {
  const fs::path p = write_file("indexed.log", generated(200000, 10, true));
  row_index index({"id.orig_h", "id.resp_h"});
  summarize_options so;
  so.inputs = {p.string()};
  so.threads = 2;
  so.chunk_bytes = uint64_t{1} << 20;
  so.observe = &index;
  ASSERT_TRUE(summarize(so).ok());
  // The first row's source, as a node.
  const std::string first_row = sequential([&] {
    rows_options o = options({p.string()});
    o.columns = {"id.orig_h"};
    o.limit = 1;
    o.format = table::row_format::csv;
    return o;
  }());
  const std::string node = first_row.substr(first_row.find('\n') + 1, first_row.rfind('\n') - first_row.find('\n') - 1);
  rows_options o = options({p.string()}, "id.orig_h == " + node + " or id.resp_h == " + node);
  const std::string expected = sequential(o);
  o.index = &index;
  o.index_keys = {value_key(node)};
  const drained d = drain(o, 2, 64 << 10);
  EXPECT_EQ(d.bytes, expected);
  EXPECT_GT(d.totals.indexed_bytes, 0u);
  EXPECT_LT(d.totals.index_read, d.totals.indexed_bytes);
}

TEST(row_stream, a_slow_consumer_gets_every_byte_in_small_takes) {
  const fs::path p = write_file("slow.log", generated(40000, 11, false));
  rows_options o = options({p.string()});
  o.format = table::row_format::ndjson;  // the widest
  const drained d = drain(o, 2, 64 << 10, 4096, std::chrono::microseconds(20));
  EXPECT_EQ(d.bytes, sequential(o));
}

TEST(row_stream, dropping_a_stream_part_way_stops_its_threads) {
  const fs::path p = write_file("dropped.log", generated(100000, 12, false));
  for (int i = 0; i < 20; ++i) {
    auto s = row_stream::start(options({p.string()}), 2, [] {}, 32 << 10);
    ASSERT_TRUE(s.ok());
    char buf[100];
    for (int k = 0; k < i * 3; ++k) (*s)->take(buf, sizeof buf);
    // Destroyed here, with workers mid-piece or waiting for room.
  }
}

TEST(row_stream, errors_are_values_before_any_byte) {
  auto missing = row_stream::start(options({(dir() / "no-such.log").string()}), 2, [] {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.err().kind, error_kind::io);
  const fs::path p = write_file("cols.log", generated(100, 13, true));
  rows_options o = options({p.string()});
  o.columns = {"no_such_column"};
  auto bad = row_stream::start(o, 2, [] {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().kind, error_kind::usage);
}

}  // namespace
}  // namespace zeekgraph::engine
