#include "engine/row_index.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "gen/conn_generator.h"
#include "support/string_sink.h"

namespace zeekgraph::engine {
namespace fs = std::filesystem;
namespace {

using test::string_sink;

struct indexed_log {
  fs::path path;
  std::string text;
  row_index index{{"id.orig_h", "id.resp_h"}};
};

// A generated log of `rows` rows (header or not), summarized on 2 threads
// in 1 MiB chunks with the index watching.
void build(indexed_log& l, const char* name, uint64_t rows, bool header) {
  const fs::path dir = fs::temp_directory_path() / "zeekgraph-row-index-test";
  fs::create_directories(dir);
  l.path = dir / name;
  string_sink s;
  ASSERT_TRUE(gen::generate_conn_log({rows, 9, header}, s).ok());
  l.text = s.data;
  std::ofstream(l.path, std::ios::binary) << l.text;
  summarize_options o;
  o.inputs = {l.path.string()};
  o.threads = 2;
  o.chunk_bytes = uint64_t{1} << 20;
  o.observe = &l.index;
  ASSERT_TRUE(summarize(o).ok());
}

bool covers(const std::vector<std::pair<uint64_t, uint64_t>>& ranges, uint64_t at) {
  for (const auto& [b, e] : ranges)
    if (at >= b && at < e) return true;
  return false;
}

}  // namespace

TEST(row_index, every_row_is_in_a_block_its_keys_name) {
  for (bool header : {false, true}) {
    SCOPED_TRACE(header);
    indexed_log l;
    build(l, header ? "header.log" : "plain.log", 60000, header);
    EXPECT_EQ(l.index.files(), 1u);
    EXPECT_GT(l.index.blocks(), 20u);  // about 7 MB of log
    EXPECT_EQ(l.index.bytes(), l.index.blocks() * row_index::FILTER_WORDS * 8);
    // Every data line: its block is among those of its source, of its
    // destination, and of its pair.
    std::istringstream in(l.text);
    std::string line;
    uint64_t at = 0, checked = 0;
    const int src = 2, dst = 4;  // id.orig_h, id.resp_h: the same places in both layouts
    while (std::getline(in, line)) {
      const uint64_t start = at;
      at += line.size() + 1;
      if (line.empty() || line[0] == '#' || ++checked % 97) continue;
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
      const auto by_src = l.index.ranges(l.path.string(), {value_key(f[src])});
      const auto by_pair = l.index.ranges(l.path.string(), {tuple_key({f[src], f[dst]})});
      const auto by_both = l.index.ranges(l.path.string(), {value_key(f[src]), value_key(f[dst])});
      ASSERT_TRUE(by_src && by_pair && by_both);
      EXPECT_TRUE(covers(*by_src, start) && covers(*by_pair, start) && covers(*by_both, start)) << line;
    }
    EXPECT_GT(checked, 50000u);
    // A pair that never occurs names few blocks; one that does, fewer than all.
    const auto none = l.index.ranges(l.path.string(), {tuple_key({"10.9.8.7", "10.9.8.6"})});
    ASSERT_TRUE(none);
    uint64_t bytes = 0;
    for (const auto& [b, e] : *none) bytes += e - b;
    EXPECT_LT(bytes, l.text.size() / 20);
  }
}

TEST(row_index, addresses_are_keys_by_value_and_text_by_bytes) {
  EXPECT_EQ(value_key("fe80::1"), value_key("FE80:0:0:0:0:0:0:1"));
  EXPECT_NE(value_key("10.0.0.1"), value_key("::ffff:10.0.0.1"));
  EXPECT_NE(value_key("10.0.0.1"), value_key("10.0.0.10"));
  EXPECT_NE(tuple_key({"a", "b"}), tuple_key({"b", "a"}));
}

TEST(row_index, stands_aside_for_a_changed_or_forgotten_file) {
  indexed_log l;
  build(l, "changing.log", 5000, false);
  const auto key = std::vector<uint64_t>{value_key("192.168.202.65")};
  EXPECT_TRUE(l.index.ranges(l.path.string(), key));
  EXPECT_FALSE(l.index.ranges("/no/such/file", key));
  std::ofstream(l.path, std::ios::binary | std::ios::app) << "x\n";
  EXPECT_FALSE(l.index.ranges(l.path.string(), key));  // it grew
  indexed_log m;
  build(m, "forgotten.log", 5000, false);
  m.index.forget(m.path.string());
  EXPECT_FALSE(m.index.ranges(m.path.string(), key));
}

}  // namespace zeekgraph::engine
