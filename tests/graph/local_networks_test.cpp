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

}  // namespace
}  // namespace zeekgraph::graph
