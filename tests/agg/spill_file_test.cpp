#include "agg/spill_file.h"

#include <string>

#include <gtest/gtest.h>

#include "support/scoped_env.h"

namespace zeekgraph::agg {

TEST(spill_file, appends_return_offsets_and_read_back) {
  spill_file f("a test");
  const std::string a = "first", b(100000, 'x');
  EXPECT_EQ(f.append(a.data(), a.size()), 0u);
  EXPECT_EQ(f.append(b.data(), b.size()), a.size());
  EXPECT_EQ(f.size(), a.size() + b.size());
  std::string back(b.size(), '\0');
  f.read(a.size(), back.data(), back.size());
  EXPECT_EQ(back, b);
  char two[2];
  EXPECT_THROW(f.read(f.size() - 1, two, 2), spill_error);  // past the end
}

TEST(spill_file, an_unwritable_directory_names_the_owner_and_the_directory) {
  test::scoped_env tmpdir("TMPDIR", "/nonexistent/zeekgraph-test");
  try {
    spill_file f("the ordered sums");
    ADD_FAILURE() << "created a file in a missing directory";
  } catch (const spill_error& e) {
    EXPECT_NE(std::string(e.what()).find("for the ordered sums in /nonexistent/zeekgraph-test"), std::string::npos)
        << e.what();
  }
}

}  // namespace zeekgraph::agg
