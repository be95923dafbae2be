#include "graph/hypergraph.h"

#include <gtest/gtest.h>

namespace zeekgraph::graph {
namespace {

table::column text(std::string name, std::vector<std::string> v, std::vector<unsigned char> nulls = {}) {
  table::column c;
  c.name = std::move(name);
  c.type = table::column_type::string;
  c.strings = std::move(v);
  c.string_null = std::move(nulls);
  return c;
}
table::column ints(std::string name, std::vector<int64_t> v) {
  table::column c;
  c.name = std::move(name);
  c.type = table::column_type::int64;
  c.ints = std::move(v);
  return c;
}

// pygraphistry's hyper_df: {'aa': [0, 1, 2], 'bb': ['a', 'b', 'c'], 'cc': ['b', 0, 1]}
table::summary_table hyper_df() {
  table::summary_table t;
  t.columns = {ints("aa", {0, 1, 2}), text("bb", {"a", "b", "c"}), text("cc", {"b", "0", "1"})};
  return t;
}

}  // namespace

// Graphistry's own test cases (pygraphistry test_hypergraph.py).
TEST(hypergraph, direct_three_columns) {
  hypergraph_options o;
  o.direct = true;
  auto g = build_hypergraph(hyper_df(), o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->links(), 9u);
  EXPECT_EQ(g->node_id.size(), 9u);
}

TEST(hypergraph, direct_one_category_merges_values) {
  hypergraph_options o;
  o.direct = true;
  o.categories = {{"n", {"aa", "bb", "cc"}}};
  auto g = build_hypergraph(hyper_df(), o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->links(), 9u);
  EXPECT_EQ(g->node_id.size(), 6u);
  EXPECT_EQ(g->node_id[0], "n::0");
  EXPECT_EQ(g->node_type[0], "aa");  // the column the value was first seen in
  EXPECT_EQ(g->node_category[0], "n");
}

TEST(hypergraph, event_nodes_triangle) {
  table::summary_table t;
  t.columns = {text("id", {"a", "b", "c"}), ints("a1", {1, 2, 3}), text("a2", {"red", "blue", "green"}),
               text("\xf0\x9f\x99\x88", {"\xc3\xa6ski", "\xf0\x9f\x98\x8b", "s"})};
  auto g = build_hypergraph(t, {});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->entities, 12u);
  EXPECT_EQ(g->node_id.size(), 15u);
  EXPECT_EQ(g->links(), 12u);
  EXPECT_EQ(g->events, 3u);
  // Edges by column name, sorted: a1 first.
  EXPECT_EQ(g->edge_type[0], "a1");
  EXPECT_EQ(g->node_id[g->src[0]], "EventID::0");
  EXPECT_EQ(g->node_id[g->dst[0]], "a1::1");
  EXPECT_EQ(g->node_id[g->dst[11]], "\xf0\x9f\x99\x88::s");
}

TEST(hypergraph, nulls_are_dropped) {
  table::summary_table t;
  t.columns = {text("x", {"a", "b", "c"}), text("y", {"aa", "", "cc"}, {0, 1, 0})};
  auto g = build_hypergraph(t, {});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->links(), 5u);
}

TEST(hypergraph, seed_shape_degree_and_self_loops) {
  table::summary_table t;
  t.columns = {text("id.orig_h", {"10.0.0.1", "10.0.0.1", "10.0.0.2"}),
               text("id.resp_h", {"10.0.0.2", "10.0.0.1", "10.0.0.3"}), ints("count", {5, 2, 1})};
  auto g = build_hypergraph(t, seed_graph_options());
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->links(), 3u);
  EXPECT_EQ(g->entities, 3u);
  EXPECT_EQ(g->node_id[0], "ip::10.0.0.1");
  EXPECT_EQ(g->edge_type[0], "ip::ip");
  EXPECT_EQ(g->edge_category[0], "id.orig_h::id.resp_h");
  EXPECT_EQ(g->degree[0], 3u);   // one edge out, and a self-loop counting twice
  EXPECT_EQ(g->sessions[0], 7u);
  EXPECT_EQ(g->degree[1], 2u);
}

TEST(hypergraph, unknown_column_is_an_error) {
  hypergraph_options o;
  o.entity_types = {"nope"};
  EXPECT_FALSE(build_hypergraph(hyper_df(), o).ok());
}

}  // namespace zeekgraph::graph
