#include "gen/conn_generator.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace zeekgraph::gen {
namespace {

struct string_sink final : text_sink {
  std::string data;
  status write(std::string_view b) override {
    data.append(b);
    return ok_status();
  }
};

std::string run(gen_options o) {
  string_sink s;
  EXPECT_TRUE(generate_conn_log(o, s).ok());
  return s.data;
}

}  // namespace

TEST(conn_generator, deterministic_per_seed) {
  EXPECT_EQ(run({5000, 9, false}), run({5000, 9, false}));
  EXPECT_NE(run({5000, 9, false}), run({5000, 10, false}));
}

TEST(conn_generator, seed_layout_shape) {
  std::string d = run({20000, 1, false});
  std::istringstream in(d);
  std::string line;
  size_t rows = 0, v6 = 0, scanner = 0, unset_bytes = 0;
  std::set<std::string> states;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string x;
    while (std::getline(ls, x, '\t')) f.push_back(x);
    ASSERT_EQ(f.size(), 20u) << line;
    ASSERT_EQ(f[1].size(), 18u);
    EXPECT_EQ(f[1][0], 'C');
    states.insert(f[11]);
    if (f[2].find(':') != std::string::npos) ++v6;
    if (f[2].rfind("192.168.202.", 0) == 0) ++scanner;
    if (f[9] == "-") ++unset_bytes;
  }
  EXPECT_EQ(rows, 20000u);
  EXPECT_GT(v6, 0u);
  EXPECT_GT(scanner, rows / 2);
  EXPECT_GT(unset_bytes, rows / 3);
  EXPECT_GE(states.size(), 6u);
}

TEST(conn_generator, header_mode_is_a_complete_zeek_log) {
  std::string d = run({10, 1, true});
  EXPECT_EQ(d.rfind("#separator \\x09\n", 0), 0u);
  EXPECT_NE(d.find("#fields\tts\tuid"), std::string::npos);
  EXPECT_NE(d.find("\n#close\t"), std::string::npos);
}

}  // namespace zeekgraph::gen
