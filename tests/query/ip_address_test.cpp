#include "query/ip_address.h"

#include <gtest/gtest.h>

namespace zeekgraph::query {
namespace {

ip_address ip(std::string_view t) {
  ip_address a;
  EXPECT_TRUE(parse_ip(t, a)) << t;
  return a;
}

ip_network net(std::string_view t) {
  ip_network n;
  bool had_prefix;
  EXPECT_EQ(parse_network(t, n, had_prefix), network_error::none) << t;
  return n;
}

}  // namespace

TEST(ip_address, strict_dotted_quads) {
  ip_address a;
  ASSERT_TRUE(parse_ipv4("192.168.202.1", a));
  EXPECT_EQ(a.family, 4);
  EXPECT_EQ(a.hi, 0u);
  EXPECT_EQ(a.lo, 0xC0A8CA01u);
  ASSERT_TRUE(parse_ipv4("0.0.0.0", a));
  EXPECT_EQ(a.lo, 0u);
  ASSERT_TRUE(parse_ipv4("255.255.255.255", a));
  EXPECT_EQ(a.lo, 0xFFFFFFFFu);
  for (const char* bad : {"10.0.0.01", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", " 1.2.3.4",
                          "1..2.3", "1.2.3.", "+1.2.3.4", "1.2.3.1000", "", "01.2.3.4", "a.b.c.d"})
    EXPECT_FALSE(parse_ipv4(bad, a)) << bad;
}

TEST(ip_address, ipv6_as_inet_pton_reads_it) {
  ip_address a = ip("::1");
  EXPECT_EQ(a.family, 6);
  EXPECT_EQ(a.hi, 0u);
  EXPECT_EQ(a.lo, 1u);
  a = ip("2001:db8::ff00:42:8329");
  EXPECT_EQ(a.hi, 0x20010db800000000u);
  EXPECT_EQ(a.lo, 0x0000ff0000428329u);
  a = ip("::ffff:10.0.0.1");
  EXPECT_EQ(a.family, 6);
  EXPECT_EQ(a.lo, 0x0000ffff0a000001u);
  EXPECT_FALSE(a == ip("10.0.0.1"));
  ip_address b;
  for (const char* bad : {":::", "1::2::3", "fe80::1%eth0", "12345::", "::g", "::1 "})
    EXPECT_FALSE(parse_ip(bad, b)) << bad;
  // Longer than any address: refused before inet_pton.
  EXPECT_FALSE(parse_ip(std::string(100, ':'), b));
}

TEST(ip_address, order_within_a_family) {
  EXPECT_LT(compare(ip("10.0.0.1"), ip("10.0.0.2")), 0);
  EXPECT_GT(compare(ip("192.168.0.1"), ip("10.255.255.255")), 0);
  EXPECT_EQ(compare(ip("::1"), ip("0::1")), 0);
  EXPECT_LT(compare(ip("::ffff"), ip("1::")), 0);
}

TEST(ip_address, networks_and_edges) {
  ip_network n = net("192.168.202.0/24");
  EXPECT_TRUE(n.contains(ip("192.168.202.0")));
  EXPECT_TRUE(n.contains(ip("192.168.202.255")));
  EXPECT_FALSE(n.contains(ip("192.168.203.0")));
  EXPECT_FALSE(n.contains(ip("192.168.201.255")));
  // Host bits set: the network it lies in.
  n = net("10.1.2.3/8");
  EXPECT_TRUE(n.contains(ip("10.200.0.1")));
  EXPECT_EQ(n.net.lo, 0x0A000000u);
  // /0 holds its whole family, and nothing of the other.
  n = net("0.0.0.0/0");
  EXPECT_TRUE(n.contains(ip("255.255.255.255")));
  EXPECT_FALSE(n.contains(ip("::")));
  n = net("::/0");
  EXPECT_TRUE(n.contains(ip("ffff::1")));
  EXPECT_FALSE(n.contains(ip("0.0.0.0")));
  // /32 and /128 are single addresses; so is a bare address.
  n = net("10.0.0.1/32");
  EXPECT_TRUE(n.contains(ip("10.0.0.1")));
  EXPECT_FALSE(n.contains(ip("10.0.0.0")));
  n = net("2001:db8::1/128");
  EXPECT_TRUE(n.contains(ip("2001:db8::1")));
  EXPECT_FALSE(n.contains(ip("2001:db8::")));
  n = net("2001:db8::1");
  EXPECT_EQ(n.prefix, 128);
  EXPECT_FALSE(n.contains(ip("2001:db8::2")));
  // Prefixes that cut inside the low and high halves.
  n = net("2001:db8:aaaa:bbbb:cccc::/72");
  EXPECT_TRUE(n.contains(ip("2001:db8:aaaa:bbbb:cc00::1")));
  EXPECT_FALSE(n.contains(ip("2001:db8:aaaa:bbbb:cd00::")));
  n = net("2001:db8::/32");
  EXPECT_TRUE(n.contains(ip("2001:db8:ffff::")));
  EXPECT_FALSE(n.contains(ip("2001:db9::")));
  // A v4 network never holds a v6 address, mapped or not.
  EXPECT_FALSE(net("10.0.0.0/8").contains(ip("::ffff:10.0.0.1")));
}

TEST(ip_address, network_errors) {
  ip_network n;
  bool had;
  EXPECT_EQ(parse_network("10.0.0.0/33", n, had), network_error::long_prefix);
  EXPECT_EQ(parse_network("::/129", n, had), network_error::long_prefix);
  EXPECT_EQ(parse_network("::/128", n, had), network_error::none);
  EXPECT_TRUE(had);
  EXPECT_EQ(parse_network("10.0.0.0/", n, had), network_error::bad_prefix);
  EXPECT_EQ(parse_network("10.0.0.0/1000", n, had), network_error::bad_prefix);
  EXPECT_EQ(parse_network("10.0.0.0/x", n, had), network_error::bad_prefix);
  EXPECT_EQ(parse_network("10.0.0.01/8", n, had), network_error::bad_address);
  EXPECT_EQ(parse_network("10.0.0.1", n, had), network_error::none);
  EXPECT_FALSE(had);
  EXPECT_EQ(n.prefix, 32);
}

}  // namespace zeekgraph::query
