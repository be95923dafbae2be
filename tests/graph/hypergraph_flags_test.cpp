#include "graph/hypergraph_flags.h"

#include <gtest/gtest.h>

namespace zeekgraph::graph {
namespace {

TEST(hypergraph_flags, spell_graphistrys_arguments) {
  hypergraph_flags f;
  f.entities = "id.orig_h,,id.resp_h";
  f.categories = {"ip=id.orig_h,id.resp_h", "port=id.resp_p"};
  f.events = true;
  f.edge_shape = "id.orig_h:id.resp_h,proto;proto:id.resp_p";
  f.skip = "uid";
  auto o = parse_hypergraph_flags(f);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->entity_types, (std::vector<std::string>{"id.orig_h", "id.resp_h"}));
  EXPECT_FALSE(o->direct);
  ASSERT_EQ(o->categories.size(), 2u);
  EXPECT_EQ(o->categories[0].first, "ip");
  EXPECT_EQ(o->categories[0].second, (std::vector<std::string>{"id.orig_h", "id.resp_h"}));
  EXPECT_EQ(o->categories[1].second, (std::vector<std::string>{"id.resp_p"}));
  ASSERT_EQ(o->edges.size(), 2u);
  EXPECT_EQ(o->edges[0].first, "id.orig_h");
  EXPECT_EQ(o->edges[0].second, (std::vector<std::string>{"id.resp_h", "proto"}));
  EXPECT_EQ(o->skip, (std::vector<std::string>{"uid"}));
}

TEST(hypergraph_flags, malformed_entries_are_usage_errors_naming_the_flag) {
  hypergraph_flags f;
  f.categories = {"ip"};
  auto bad = parse_hypergraph_flags(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().kind, error_kind::usage);
  EXPECT_NE(bad.err().message.find("--category 'ip'"), std::string::npos);
  f.categories.clear();
  f.edge_shape = "a:b;c";
  bad = parse_hypergraph_flags(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message.find("--edge-shape entry 'c'"), std::string::npos);
}

TEST(hypergraph_flags, empty_flags_mean_direct_edges_and_nothing_else) {
  auto o = parse_hypergraph_flags({});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->entity_types.empty());
  EXPECT_TRUE(o->direct);
  EXPECT_TRUE(o->categories.empty());
  EXPECT_TRUE(o->edges.empty());
}

}  // namespace
}  // namespace zeekgraph::graph
