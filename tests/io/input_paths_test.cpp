#include "io/input_paths.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::io {
namespace fs = std::filesystem;

class input_paths : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs tests as parallel processes.
    root_ = fs::path(ZEEKGRAPH_TEST_TMP) /
            (std::string("input_paths-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "2024-04-19");
    fs::create_directories(root_ / "2024-04-20");
    for (auto p : {"2024-04-20/conn.00:00:00-01:00:00.log.gz", "2024-04-19/conn.23:00:00-00:00:00.log.gz",
                   "2024-04-19/conn.01:00:00-02:00:00.log.gz", "2024-04-19/dns.log", "conn.log",
                   "notes.txt"})
      std::ofstream(root_ / p) << "x";
  }
  fs::path root_;
};

TEST_F(input_paths, directories_walk_sorted_and_pick_conn_logs) {
  auto r = expand_inputs({root_.string()}, {});
  ASSERT_TRUE(r.ok()) << r.err().message;
  std::vector<std::string> names;
  for (auto& p : *r) names.push_back(fs::relative(p, root_).string());
  EXPECT_EQ(names, (std::vector<std::string>{"2024-04-19/conn.01:00:00-02:00:00.log.gz",
                                             "2024-04-19/conn.23:00:00-00:00:00.log.gz",
                                             "2024-04-20/conn.00:00:00-01:00:00.log.gz", "conn.log"}));
}

TEST_F(input_paths, globs_stdin_and_errors) {
  auto g = expand_inputs({(root_ / "2024-04-19/*.gz").string(), "-"}, {});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->size(), 3u);
  EXPECT_EQ(g->back(), "-");
  auto missing = expand_inputs({(root_ / "nope.log").string()}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.err().message.find("no such file"), std::string::npos);
  auto nomatch = expand_inputs({(root_ / "*.nothing").string()}, {});
  EXPECT_FALSE(nomatch.ok());
  fs::create_directories(root_ / "empty");
  auto empty = expand_inputs({(root_ / "empty").string()}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.err().message.find("no conn logs"), std::string::npos);
}

TEST_F(input_paths, symlink_loop_is_an_error_not_a_hang) {
  fs::create_directories(root_ / "loop");
  fs::create_directory_symlink(root_ / "loop", root_ / "loop" / "again");
  std::ofstream(root_ / "loop" / "conn.log") << "x";
  auto r = expand_inputs({(root_ / "loop").string()}, {});
  if (r.ok()) {
    EXPECT_LE(r->size(), 70u);
  } else {
    EXPECT_FALSE(r.err().message.empty());
  }
}

}  // namespace zeekgraph::io
