#include "graph/edge_classes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace zeekgraph::graph {
namespace {

TEST(class_colour, each_conn_state_has_its_own_fixed_colour) {
  EXPECT_STREQ(class_colour("SF", "conn_state"), "#59a14f");
  EXPECT_STREQ(class_colour("S0", "conn_state"), "#e15759");
  EXPECT_STREQ(class_colour("REJ", "conn_state"), "#ff9d4d");
  EXPECT_STREQ(class_colour("OTH", "conn_state"), "#9d9da1");
  std::set<std::string> seen;
  for (const char* s : {"SF", "S0", "REJ", "S1", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"})
    seen.insert(class_colour(s, "conn_state"));
  EXPECT_EQ(seen.size(), 13u);
}

TEST(class_colour, other_values_hash_to_a_spare_colour_like_the_ui) {
  // FNV-1a of the bytes, mod 12, as web/src/zeek.js computes it: "S0" of a
  // column that is not conn_state, and a value Zeek does not write.
  EXPECT_STREQ(class_colour("S0", "service"), class_colour("S0", "proto"));
  EXPECT_STRNE(class_colour("S0", "service"), "#e15759");
  EXPECT_STREQ(class_colour("dns", "service"), class_colour("dns", "service"));
  uint32_t h = 2166136261u;
  for (unsigned char c : std::string("http")) h = (h ^ c) * 16777619u;
  static const char* spare[] = {"#86bcb6", "#f1ce63", "#499894", "#e49444", "#d4a6c8", "#9467bd",
                                "#79706e", "#17becf", "#bcbd22", "#ff7f0e", "#2ca02c", "#1f77b4"};
  EXPECT_STREQ(class_colour("http", "service"), spare[h % 12]);
}

}  // namespace
}  // namespace zeekgraph::graph
