#include "io/output_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::io {
namespace fs = std::filesystem;

class output_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(ZEEKGRAPH_TEST_TMP) /
            (std::string("output_file-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  size_t entries() { return static_cast<size_t>(std::distance(fs::directory_iterator(root_), {})); }
  fs::path root_;
};

TEST_F(output_file_test, the_target_changes_only_at_commit) {
  const fs::path target = root_ / "summary.csv";
  std::ofstream(target) << "old\n";
  auto f = output_file::open(target.string());
  ASSERT_TRUE(f.ok()) << f.err().message;
  (*f)->stream() << std::string(3 << 20, 'x');  // past the buffer: bytes reach the temporary
  EXPECT_EQ(read(target), "old\n");
  EXPECT_EQ(entries(), 1u);  // the temporary has no name yet
  ASSERT_TRUE((*f)->commit().ok());
  EXPECT_EQ(read(target), std::string(3 << 20, 'x'));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(output_file_test, without_a_commit_the_old_file_stays_and_nothing_is_left) {
  const fs::path target = root_ / "summary.csv";
  std::ofstream(target) << "old\n";
  {
    auto f = output_file::open(target.string());
    ASSERT_TRUE(f.ok());
    (*f)->stream() << std::string(3 << 20, 'y');
  }
  EXPECT_EQ(read(target), "old\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(output_file_test, a_new_file_appears_only_at_commit) {
  const fs::path target = root_ / "new.csv";
  auto f = output_file::open(target.string());
  ASSERT_TRUE(f.ok());
  (*f)->stream() << "a,b\n";
  EXPECT_FALSE(fs::exists(target));
  ASSERT_TRUE((*f)->commit().ok());
  EXPECT_EQ(read(target), "a,b\n");
  // Mode as a new file gets it: 0666 less the umask.
  mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(fs::status(target).permissions(), static_cast<fs::perms>(0666 & ~mask));
}

TEST_F(output_file_test, two_writers_each_leave_a_whole_file) {
  const fs::path target = root_ / "out.csv";
  auto a = output_file::open(target.string());
  auto b = output_file::open(target.string());
  ASSERT_TRUE(a.ok() && b.ok());
  (*a)->stream() << "csv header\nrow\n";
  (*b)->stream() << "{\"ndjson\":1}\n";
  ASSERT_TRUE((*a)->commit().ok());
  EXPECT_EQ(read(target), "csv header\nrow\n");
  ASSERT_TRUE((*b)->commit().ok());
  EXPECT_EQ(read(target), "{\"ndjson\":1}\n");  // the last rename wins
  EXPECT_EQ(entries(), 1u);
}

TEST_F(output_file_test, a_symlink_keeps_pointing_at_the_replaced_file) {
  const fs::path real = root_ / "real.csv", link = root_ / "link.csv";
  std::ofstream(real) << "old\n";
  fs::create_symlink(real, link);
  auto f = output_file::open(link.string());
  ASSERT_TRUE(f.ok());
  (*f)->stream() << "new\n";
  ASSERT_TRUE((*f)->commit().ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(real), "new\n");
}

TEST_F(output_file_test, a_full_device_fails_at_commit_with_the_os_reason) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto f = output_file::open("/dev/full");
  ASSERT_TRUE(f.ok()) << f.err().message;
  (*f)->stream() << "x";
  auto st = (*f)->commit();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.err().message, "cannot write /dev/full: No space left on device");
}

TEST_F(output_file_test, errors_name_the_file_and_the_reason) {
  auto missing = output_file::open((root_ / "no/such/dir/out.csv").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.err().message, "cannot write " + (root_ / "no/such/dir/out.csv").string() +
                                       ": No such file or directory");
  auto dir = output_file::open(root_.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.err().message, "cannot write " + root_.string() + ": Is a directory");
}

TEST_F(output_file_test, stdout_is_named_stdout) {
  auto f = output_file::open("-");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->name(), "stdout");
}

}  // namespace zeekgraph::io
