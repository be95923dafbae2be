#include "graph/local_networks.h"

#include <gtest/gtest.h>

namespace zeekgraph::graph {
namespace {

TEST(local_networks, builtin_ranges_are_internal) {
  const local_networks l = default_local_networks();
  for (const char* a : {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.202.65",
                        "169.254.1.1", "127.0.0.1", "fc00::1", "fdff:ffff::1", "fe80::1", "::1"})
    EXPECT_TRUE(l.contains(a)) << a;
  for (const char* a : {"172.32.0.1", "172.15.255.255", "192.169.0.1", "8.8.8.8", "11.0.0.1", "2001:db8::1",
                        "fec0::1", "::ffff:10.0.0.1", "::2"})
    EXPECT_FALSE(l.contains(a)) << a;
}

TEST(local_networks, text_that_is_not_an_address_is_external) {
  const local_networks l = default_local_networks();
  EXPECT_FALSE(l.contains(""));
  EXPECT_FALSE(l.contains("host.example"));
  EXPECT_FALSE(l.contains("10.0.0.01"));
  EXPECT_FALSE(l.contains("10.0.0.0/8"));
}

TEST(local_networks, addresses_the_log_marks_local_are_internal) {
  local_networks l = default_local_networks();
  l.logged = {"224.0.0.251", "8.8.8.8", "2001:db8::1"};
  EXPECT_TRUE(l.contains("224.0.0.251"));
  EXPECT_TRUE(l.contains("8.8.8.8"));
  EXPECT_TRUE(l.contains("2001:db8::1"));
  EXPECT_FALSE(l.contains("8.8.4.4"));
  EXPECT_TRUE(l.contains("10.1.2.3"));  // the ranges stay
}

TEST(local_networks, option_adds_networks) {
  auto l = parse_local_networks("8.8.8.0/24, 2001:db8::/32,,1.2.3.4");
  ASSERT_TRUE(l) << l.err().message;
  EXPECT_TRUE(l->contains("8.8.8.8"));
  EXPECT_FALSE(l->contains("8.8.9.8"));
  EXPECT_TRUE(l->contains("2001:db8:1::5"));
  EXPECT_TRUE(l->contains("1.2.3.4"));
  EXPECT_FALSE(l->contains("1.2.3.5"));
  EXPECT_TRUE(l->contains("10.1.1.1"));  // the built-in ranges stay
}

TEST(local_networks, bad_entries_are_usage_errors_naming_them) {
  auto a = parse_local_networks("10.0.0.0/8,nope");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.err().kind, error_kind::usage);
  EXPECT_EQ(a.err().message, "--local-nets: 'nope' is not an address or network");
  auto b = parse_local_networks("10.0.0.0/33");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.err().message, "--local-nets: '10.0.0.0/33' has a bad prefix length");
}

zeek::log_schema tsv_with(std::vector<std::string> names, zeek::input_format f = zeek::input_format::tsv_header) {
  zeek::log_schema s;
  s.format = f;
  for (auto& n : names) s.columns.push_back({std::move(n)});
  return s;
}

// logged_local_columns over these schemas; `probed` counts the probes.
std::vector<std::string> learnt(const std::vector<result<zeek::log_schema>>& inputs,
                                const std::vector<std::string>& aggregated, size_t* probed = nullptr) {
  return logged_local_columns(
      inputs.size(),
      [&](size_t i) {
        if (probed) ++*probed;
        return inputs[i];
      },
      aggregated);
}

TEST(local_networks, the_logged_columns_are_learnt_where_every_input_is_a_tsv_log_with_them) {
  using inputs = std::vector<result<zeek::log_schema>>;
  const auto both = tsv_with({"id.orig_h", "local_orig", "local_resp"});
  EXPECT_EQ(learnt(inputs{both, both}, {"id.orig_h"}), (std::vector<std::string>{"local_orig", "local_resp"}));
  // A file without local_resp (Bro 2.3 logs) drops it alone.
  EXPECT_EQ(learnt(inputs{both, tsv_with({"local_orig"})}, {}), std::vector<std::string>{"local_orig"});
  // A query that aggregates one already keeps its own.
  EXPECT_EQ(learnt(inputs{both}, {"local_orig"}), std::vector<std::string>{"local_resp"});
  // JSON, stdin (not probed), or no input: none.
  EXPECT_TRUE(learnt(inputs{both, tsv_with({"local_orig", "local_resp"}, zeek::input_format::json)}, {}).empty());
  EXPECT_TRUE(learnt(inputs{both, error{error_kind::io, "stdin"}}, {}).empty());
  EXPECT_TRUE(learnt(inputs{}, {}).empty());
}

TEST(local_networks, inputs_are_probed_only_while_a_column_is_left_to_learn) {
  using inputs = std::vector<result<zeek::log_schema>>;
  const auto both = tsv_with({"local_orig", "local_resp"});
  const auto json = tsv_with({"local_orig", "local_resp"}, zeek::input_format::json);
  size_t probed = 0;
  EXPECT_TRUE(learnt(inputs{json, both, both, both}, {}, &probed).empty());
  EXPECT_EQ(probed, 1u);  // the first input settles it
  probed = 0;
  EXPECT_TRUE(learnt(inputs{both, both}, {"local_orig", "local_resp"}, &probed).empty());
  EXPECT_EQ(probed, 0u);  // the query asks for both itself
  probed = 0;
  EXPECT_EQ(learnt(inputs{both, both, both}, {}, &probed).size(), 2u);
  EXPECT_EQ(probed, 3u);  // each input once, not once a column
}

table::column strings(std::string name, std::vector<std::string> v, std::vector<unsigned char> null = {}) {
  table::column c;
  c.name = std::move(name);
  c.strings = std::move(v);
  c.string_null = std::move(null);
  return c;
}

TEST(local_networks, the_logged_addresses_are_taken_from_the_maxima_which_then_leave_the_table) {
  table::summary_table t;
  t.columns.push_back(strings("id.orig_h", {"1.1.1.1", "2.2.2.2", "3.3.3.3", ""}, {0, 0, 0, 1}));
  t.columns.push_back(strings("id.resp_h", {"9.9.9.9", "8.8.8.8", "7.7.7.7", "6.6.6.6"}));
  t.columns.push_back(strings("uid count", {"1", "2", "3", "4"}));
  t.columns.push_back(strings("local_orig max", {"T", "F", "", "T"}, {0, 0, 1, 0}));
  t.columns.push_back(strings("local_resp max", {"F", "T", "T", "F"}));
  local_networks l = default_local_networks();
  take_logged_local(t, {"local_orig", "local_resp"}, l);
  // T with an address: the originator (local_orig) or the responder
  // (local_resp); a null max or a null address marks nothing.
  EXPECT_EQ(l.logged, (std::unordered_set<std::string>{"1.1.1.1", "8.8.8.8", "7.7.7.7"}));
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[2].name, "uid count");
  EXPECT_TRUE(l.contains("8.8.8.8"));

  // A column the query asked for itself stays.
  table::summary_table asked;
  asked.columns.push_back(strings("id.orig_h", {"1.1.1.1"}));
  asked.columns.push_back(strings("local_orig max", {"T"}));
  local_networks none = default_local_networks();
  take_logged_local(asked, {}, none);
  EXPECT_TRUE(none.logged.empty());
  EXPECT_EQ(asked.columns.size(), 2u);
}

}  // namespace
}  // namespace zeekgraph::graph
