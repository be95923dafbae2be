#include "query/filter.h"
#include "query/ip_address.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace zeekgraph::query {
namespace {

filter parsed(std::string_view expr) {
  auto f = filter::parse(expr);
  EXPECT_TRUE(f.ok()) << expr << ": " << (f.ok() ? "" : f.err().message);
  return f.ok() ? *f : filter();
}

// The row as column -> text; a column left out, or given nullptr, is unset.
using row = std::map<std::string, const char*>;

bool run(const filter& f, const row& r, zeek::cell_kind kind = zeek::cell_kind::text) {
  std::vector<zeek::cell> cells(f.columns().size());
  for (size_t i = 0; i < cells.size(); ++i) {
    auto it = r.find(f.columns()[i]);
    if (it != r.end() && it->second) cells[i] = zeek::cell{it->second, kind};
  }
  return f.matches(cells.data());
}

bool match(std::string_view expr, const row& r) { return run(parsed(expr), r); }

error parse_error(std::string_view expr) {
  auto f = filter::parse(expr);
  EXPECT_FALSE(f.ok()) << expr;
  if (f.ok()) return {};
  EXPECT_EQ(f.err().kind, error_kind::usage);
  EXPECT_EQ(f.err().source, expr);
  return f.err();
}

const std::vector<column_type>& conn_schema() {
  static const std::vector<column_type> s = {
      {"ts", value_type::time},         {"uid", value_type::text},
      {"id.orig_h", value_type::addr},  {"id.orig_p", value_type::number},
      {"id.resp_h", value_type::addr},  {"id.resp_p", value_type::number},
      {"proto", value_type::text},      {"service", value_type::text},
      {"duration", value_type::number}, {"orig_bytes", value_type::number},
      {"conn_state", value_type::text}, {"history", value_type::text}};
  return s;
}

error check_error(std::string_view expr, const std::vector<column_type>& schema = conn_schema()) {
  filter f = parsed(expr);
  status s = f.check(schema);
  EXPECT_FALSE(s.ok()) << expr;
  if (s.ok()) return {};
  EXPECT_EQ(s.err().kind, error_kind::usage);
  EXPECT_EQ(s.err().source, expr);
  return s.err();
}

}  // namespace

TEST(filter, ipv4_networks) {
  const char* e = "id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24";
  EXPECT_TRUE(match(e, {{"id.orig_h", "192.168.202.7"}, {"id.resp_h", "192.168.23.255"}}));
  EXPECT_FALSE(match(e, {{"id.orig_h", "192.168.203.7"}, {"id.resp_h", "192.168.23.1"}}));
  EXPECT_FALSE(match(e, {{"id.orig_h", "192.168.202.7"}, {"id.resp_h", "192.168.22.1"}}));
  EXPECT_FALSE(match(e, {{"id.orig_h", "192.168.202.7"}}));  // unset
  EXPECT_FALSE(match(e, {{"id.orig_h", "192.168.202.7"}, {"id.resp_h", "garbage"}}));
  // Edges: /0 holds every v4 address and no v6 one; /32 one address.
  EXPECT_TRUE(match("a in 0.0.0.0/0", {{"a", "255.255.255.255"}}));
  EXPECT_FALSE(match("a in 0.0.0.0/0", {{"a", "::1"}}));
  EXPECT_TRUE(match("a in 10.0.0.1/32", {{"a", "10.0.0.1"}}));
  EXPECT_FALSE(match("a in 10.0.0.1/32", {{"a", "10.0.0.2"}}));
  // Host bits set mean the network: 10.1.2.3/8 is 10.0.0.0/8.
  EXPECT_TRUE(match("a in 10.1.2.3/8", {{"a", "10.250.0.1"}}));
  // A bare address after in is a /32.
  EXPECT_TRUE(match("a in 10.0.0.1", {{"a", "10.0.0.1"}}));
  EXPECT_FALSE(match("a in 10.0.0.1", {{"a", "10.0.0.10"}}));
}

TEST(filter, ipv6_networks) {
  EXPECT_TRUE(match("a in 2001:db8::/32", {{"a", "2001:db8:1::5"}}));
  EXPECT_FALSE(match("a in 2001:db8::/32", {{"a", "2001:db9::5"}}));
  EXPECT_TRUE(match("a in ::/0", {{"a", "fe80::1"}}));
  EXPECT_FALSE(match("a in ::/0", {{"a", "10.0.0.1"}}));
  EXPECT_TRUE(match("a in fe80::1/128", {{"a", "fe80::1"}}));
  EXPECT_FALSE(match("a in fe80::1/128", {{"a", "fe80::2"}}));
  // A v4 network never holds a v6 address, mapped or not.
  EXPECT_FALSE(match("a in 10.0.0.0/8", {{"a", "::ffff:10.0.0.1"}}));
  EXPECT_TRUE(match("a in [10.0.0.0/8, fe80::/10]", {{"a", "fe80::abcd"}}));
  EXPECT_TRUE(match("a in [10.0.0.0/8, fe80::/10]", {{"a", "10.9.9.9"}}));
  EXPECT_FALSE(match("a in [10.0.0.0/8, fe80::/10]", {{"a", "11.0.0.0"}}));
}

TEST(filter, address_equality_and_order) {
  EXPECT_TRUE(match("a == 10.0.0.1", {{"a", "10.0.0.1"}}));
  EXPECT_FALSE(match("a == 10.0.0.1", {{"a", "10.0.0.2"}}));
  EXPECT_TRUE(match("a == ::1", {{"a", "0:0::1"}}));  // as addresses, not text
  // Different families are never equal, so != holds between them.
  EXPECT_FALSE(match("a == 10.0.0.1", {{"a", "::ffff:10.0.0.1"}}));
  EXPECT_FALSE(match("a == ::ffff:10.0.0.1", {{"a", "10.0.0.1"}}));
  EXPECT_TRUE(match("a == ::ffff:10.0.0.1", {{"a", "::ffff:10.0.0.1"}}));
  EXPECT_TRUE(match("a != 10.0.0.1", {{"a", "::ffff:10.0.0.1"}}));
  // Order within a family is numeric; across families nothing is ordered.
  EXPECT_TRUE(match("a < 10.0.0.2", {{"a", "9.255.255.255"}}));
  EXPECT_FALSE(match("a < 10.0.0.2", {{"a", "10.0.0.10"}}));
  EXPECT_TRUE(match("a >= 10.0.0.2", {{"a", "10.0.0.10"}}));
  EXPECT_FALSE(match("a < 10.0.0.2", {{"a", "::1"}}));
  EXPECT_FALSE(match("a > 10.0.0.2", {{"a", "::1"}}));
  // Not an address: false, != included.
  EXPECT_FALSE(match("a != 10.0.0.1", {{"a", "host"}}));
  EXPECT_FALSE(match("a == 10.0.0.1", {{"a", "10.0.0.01"}}));
}

TEST(filter, ipv4_equality_by_text_agrees_with_parsing) {
  // == against an IPv4 address compares the cell's text with the address's
  // one spelling; every near miss must give what parsing the cell gives.
  const std::vector<std::string> addresses = {"10.0.0.1", "192.168.202.65", "0.0.0.0", "255.255.255.255"};
  std::mt19937 rng(11);
  const std::string bytes = "0123456789.: x/-+";
  for (const auto& a : addresses) {
    const filter f = parsed("a == " + a);
    ip_address want;
    ASSERT_TRUE(parse_ip(a, want));
    std::vector<std::string> texts = {a, "0" + a, a + "0", a + " ", " " + a, "::ffff:" + a, a + "/32", ""};
    for (int i = 0; i < 20000; ++i) {
      std::string t = a;
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
        const size_t at = rng() % (t.size() + 1);
        switch (rng() % 3) {
          case 0: t.insert(t.begin() + static_cast<long>(at), bytes[rng() % bytes.size()]); break;
          case 1: if (at < t.size()) t.erase(at, 1); break;
          default: if (at < t.size()) t[at] = bytes[rng() % bytes.size()]; break;
        }
      }
      texts.push_back(t);
    }
    for (const auto& t : texts) {
      ip_address got;
      const bool same = parse_ip(t, got) && got == want;
      EXPECT_EQ(run(f, {{"a", t.c_str()}}), same) << a << " against '" << t << "'";
    }
  }
}

TEST(filter, address_literal_errors) {
  error e = parse_error("id.orig_h == 10.0.0.01");
  EXPECT_EQ(e.message, "'10.0.0.01' is not an IPv4 address");
  EXPECT_EQ(e.hint, "write four parts 0-255 without leading zeros, like 10.0.0.1");
  EXPECT_EQ(e.at, 13u);
  EXPECT_EQ(parse_error("a == 256.1.1.1").message, "'256.1.1.1' is not an IPv4 address");
  EXPECT_EQ(parse_error("a in 1.2.3").message, "'1.2.3' is not an IPv4 address");
  e = parse_error("a in 10.0.0.0/33");
  EXPECT_EQ(e.message, "the prefix of '10.0.0.0/33' is longer than 32 bits");
  EXPECT_EQ(e.at, 5u);
  EXPECT_EQ(parse_error("a in ::/129").message, "the prefix of '::/129' is longer than 128 bits");
  EXPECT_EQ(parse_error("a in 1::2::3").message, "'1::2::3' is not an IPv6 address");
  e = parse_error("a == 10.0.0.0/8");
  EXPECT_EQ(e.message, "a network goes with 'in'");
  EXPECT_EQ(e.hint, "write a in 10.0.0.0/8");
  EXPECT_EQ(e.at, 5u);
  e = parse_error("a in \"10.0.0.0/8\"");
  EXPECT_EQ(e.message, "'in' takes a list or a network");
  EXPECT_EQ(e.at, 5u);
  EXPECT_EQ(parse_error("a in 5").message, "'in' takes a list or a network");
}

TEST(filter, and_binds_tighter_than_or) {
  // a or (b and c), and its truth table.
  const char* e = "a == \"1\" or b == \"1\" and c == \"1\"";
  for (int bits = 0; bits < 8; ++bits) {
    const bool a = bits & 1, b = bits & 2, c = bits & 4;
    row r{{"a", a ? "1" : "0"}, {"b", b ? "1" : "0"}, {"c", c ? "1" : "0"}};
    EXPECT_EQ(match(e, r), a || (b && c)) << bits;
    EXPECT_EQ(match("(a == \"1\" or b == \"1\") and c == \"1\"", r), (a || b) && c) << bits;
    EXPECT_EQ(match("not a == \"1\" and b == \"1\"", r), !a && b) << bits;
    EXPECT_EQ(match("not (a == \"1\" and b == \"1\") or c == \"1\"", r), !(a && b) || c) << bits;
    EXPECT_EQ(match("a == \"1\" and not not (b == \"1\" or not c == \"1\")", r), a && (b || !c))
        << bits;
  }
}

TEST(filter, keywords_in_any_case) {
  row r{{"proto", "udp"}, {"service", nullptr}, {"p", "53"}};
  EXPECT_TRUE(match("proto == \"udp\" AND service == NULL", r));
  EXPECT_TRUE(match("proto == \"tcp\" Or NOT (p In [80])", r));
  EXPECT_TRUE(match("p NOT IN [80, 443]", r));
  // A keyword needs its own word: "andx" is not "and".
  EXPECT_EQ(parse_error("proto == \"udp\" andx p == 1").message,
            "unexpected 'andx' after a complete expression");
}

TEST(filter, unset_cells) {
  // Every comparison with unset is false; only == null / != null test it.
  row unset{{"service", nullptr}};
  for (const char* e :
       {"service == \"dns\"", "service != \"dns\"", "service < \"z\"", "service in [\"dns\"]",
        "service not in [\"dns\"]", "service ~ \"\"", "service !~ \"x\"", "service == 5",
        "service != 5", "service != 10.0.0.1", "service != null"})
    EXPECT_FALSE(match(e, unset)) << e;
  EXPECT_TRUE(match("service == null", unset));
  EXPECT_TRUE(match("not (service == \"dns\")", unset));
  EXPECT_TRUE(match("not (proto == \"udp\")", {{"proto", nullptr}}));
  row set{{"service", "dns"}};
  EXPECT_TRUE(match("service != null", set));
  EXPECT_FALSE(match("service == null", set));
  // Empty text is set, not unset.
  EXPECT_TRUE(match("service != null", {{"service", ""}}));
  EXPECT_EQ(parse_error("service < null").message, "null goes only with == and !=");
  EXPECT_EQ(parse_error("service in [null]").message, "null cannot be in a list");
}

TEST(filter, numbers) {
  const char* e = "duration > 1.5 and orig_bytes >= 1000";
  EXPECT_TRUE(match(e, {{"duration", "1.500001"}, {"orig_bytes", "1000"}}));
  EXPECT_FALSE(match(e, {{"duration", "1.5"}, {"orig_bytes", "1000"}}));
  EXPECT_FALSE(match(e, {{"duration", "2"}, {"orig_bytes", "999"}}));
  EXPECT_TRUE(match("x == 80", {{"x", "80"}}));
  EXPECT_TRUE(match("x == 80", {{"x", "80.0"}}));
  EXPECT_TRUE(match("x == 1e3", {{"x", "1000"}}));
  EXPECT_TRUE(match("x < -0.5", {{"x", "-1"}}));
  EXPECT_TRUE(match("x <= +2", {{"x", "2"}}));
  EXPECT_TRUE(match("x != 3", {{"x", "2"}}));
  // Text that is not a number: every comparison is false.
  for (const char* e2 : {"x == 1", "x != 1", "x < 1", "x > 1", "x in [1, 2]", "x not in [1, 2]"}) {
    EXPECT_FALSE(match(e2, {{"x", "abc"}})) << e2;
    EXPECT_FALSE(match(e2, {{"x", "nan"}})) << e2;
    EXPECT_FALSE(match(e2, {{"x", ""}})) << e2;
    EXPECT_FALSE(match(e2, {{"x", "1 "}})) << e2;
  }
  // JSON number tokens are read the same way.
  filter f = parsed("x >= 1331899200.5");
  EXPECT_TRUE(run(f, {{"x", "1331899200.500000"}}, zeek::cell_kind::number));
  EXPECT_FALSE(run(f, {{"x", "1331899200.499999"}}, zeek::cell_kind::number));
  EXPECT_EQ(parse_error("x > 1e999").message, "the number '1e999' is out of range");
  EXPECT_EQ(parse_error("x > 5x").message, "'5x' is not a number, time or address");
  EXPECT_EQ(parse_error("x > -inf").message, "'-inf' is not a number, time or address");
}

TEST(filter, times) {
  const char* e = "ts >= 2012-03-16T12:00:00Z and ts < 2012-03-16T13:00:00Z";
  EXPECT_TRUE(match(e, {{"ts", "1331899200.000000"}}));
  EXPECT_TRUE(match(e, {{"ts", "1331902799.999999"}}));
  EXPECT_FALSE(match(e, {{"ts", "1331902800.000000"}}));
  EXPECT_FALSE(match(e, {{"ts", "1331899199.999999"}}));
  EXPECT_TRUE(match("ts == 2012-03-16T12:00:00Z", {{"ts", "1331899200"}}));
  EXPECT_TRUE(match("ts == 2012-03-16T13:00:00+01:00", {{"ts", "1331899200"}}));
  EXPECT_TRUE(match("ts == 2012-03-16T07:00:00-05:00", {{"ts", "1331899200"}}));
  EXPECT_TRUE(match("ts == 2012-03-16T12:00:00.123456Z", {{"ts", "1331899200.123456"}}));
  EXPECT_TRUE(match("ts > 2012-03-16T12:00:00.5Z", {{"ts", "1331899200.500001"}}));
  EXPECT_FALSE(match("ts > 2012-03-16T12:00:00.5Z", {{"ts", "1331899200.500000"}}));
  // Epoch seconds as a plain number.
  EXPECT_TRUE(match("ts >= 1331899200 and ts < 1331902800", {{"ts", "1331900000.25"}}));
  // A cell in ISO form (Zeek JSON's ISO timestamps) is read as a time.
  EXPECT_TRUE(match("ts == 1331899200.25", {{"ts", "2012-03-16T12:00:00.25Z"}}));
  EXPECT_FALSE(match("ts > 0", {{"ts", "2012-03-16"}}));
  // `time` and `ts` are one column, named as first written.
  filter f = parsed("ts > 1 and time < 3");
  ASSERT_EQ(f.columns(), std::vector<std::string>{"ts"});
  EXPECT_TRUE(run(f, {{"ts", "2"}}));
  EXPECT_FALSE(run(f, {{"ts", "3"}}));
  error err = parse_error("ts >= 2012-03-16T12:00:00");
  EXPECT_EQ(err.message,
            "'2012-03-16T12:00:00' is not an ISO 8601 time: no time zone: add Z for UTC or an "
            "offset like +01:00");
  EXPECT_EQ(err.at, 6u);
  EXPECT_EQ(parse_error("ts >= 2012-02-30T00:00:00Z").message,
            "'2012-02-30T00:00:00Z' is not an ISO 8601 time: day out of range for its month");
}

TEST(filter, strings) {
  EXPECT_TRUE(
      match("conn_state == \"S0\" or conn_state in [\"REJ\", \"RSTO\"]", {{"conn_state", "RSTO"}}));
  EXPECT_TRUE(
      match("conn_state == \"S0\" or conn_state in [\"REJ\", \"RSTO\"]", {{"conn_state", "S0"}}));
  EXPECT_FALSE(
      match("conn_state == \"S0\" or conn_state in [\"REJ\", \"RSTO\"]", {{"conn_state", "S1"}}));
  EXPECT_TRUE(match("s == 's0\\'s'", {{"s", "s0's"}}));
  EXPECT_TRUE(match("s == \"a\\\"b\\\\c\\td\\x2d\"", {{"s", "a\"b\\c\td-"}}));
  EXPECT_TRUE(match("s < \"b\"", {{"s", "abc"}}));
  EXPECT_FALSE(match("s < \"b\"", {{"s", "b"}}));
  EXPECT_TRUE(match("s > \"\\x7f\"", {{"s", "\xc3\xa9"}}));  // byte order, unsigned
  EXPECT_TRUE(match("s != \"x\"", {{"s", "xy"}}));
  // Strings compare by bytes, even where they look like numbers.
  EXPECT_FALSE(match("s == \"80\"", {{"s", "80.0"}}));
  EXPECT_EQ(parse_error("s == \"abc").message, "unterminated string");
  EXPECT_EQ(parse_error("s == \"abc").at, 5u);
  EXPECT_EQ(parse_error("s == \"\\x4\"").message, "\\x needs two hex digits");
  error e = parse_error("proto == udp");
  EXPECT_EQ(e.message, "'udp' is not a value");
  EXPECT_EQ(e.hint,
            "quote text: \"udp\"; a value is a quoted string, a number, an ISO 8601 time, an "
            "address, or null");
  EXPECT_EQ(e.at, 9u);
}

TEST(filter, in_lists) {
  EXPECT_TRUE(match("id.resp_p in [22, 80, 443] and not (proto == \"udp\")",
                    {{"id.resp_p", "443"}, {"proto", "tcp"}}));
  EXPECT_FALSE(match("id.resp_p in [22, 80, 443] and not (proto == \"udp\")",
                     {{"id.resp_p", "443"}, {"proto", "udp"}}));
  EXPECT_TRUE(match("id.resp_p in [22, 80, 443] and not (proto == \"udp\")",
                    {{"id.resp_p", "22"}, {"proto", nullptr}}));
  EXPECT_FALSE(match("id.resp_p in [22, 80, 443]", {{"id.resp_p", "23"}}));
  // Longer lists take the sorted search: every member and some non-members.
  std::string nums = "p in [", strs = "s in [";
  for (int i = 40; i > 0; --i) {
    nums += std::to_string(i * 3) + (i > 1 ? ", " : "]");
    strs += "\"v" + std::to_string(i * 3) + (i > 1 ? "\", " : "\"]");
  }
  filter fn = parsed(nums), fs = parsed(strs);
  for (int v = 0; v <= 125; ++v) {
    const std::string t = std::to_string(v), sv = "v" + t;
    const bool member = v > 0 && v <= 120 && v % 3 == 0;
    EXPECT_EQ(run(fn, {{"p", t.c_str()}}), member) << v;
    EXPECT_EQ(run(fs, {{"s", sv.c_str()}}), member) << v;
  }
  EXPECT_TRUE(match("s not in [\"a\", \"b\"]", {{"s", "c"}}));
  EXPECT_FALSE(match("s not in [\"a\", \"b\"]", {{"s", "a"}}));
  EXPECT_TRUE(match("ts in [1331899200, 2012-03-16T13:00:00Z]", {{"ts", "1331902800"}}));
  error e = parse_error("s in [\"a\", 5]");
  EXPECT_EQ(e.message, "a list holds one kind of value: this is a number, the first item a string");
  EXPECT_EQ(e.at, 11u);
  e = parse_error("s in []");
  EXPECT_EQ(e.message, "empty list");
  EXPECT_EQ(e.at, 5u);
  e = parse_error("s in [\"a\" \"b\"]");
  EXPECT_EQ(e.message, "expected ',' or ']' in the list opened at offset 5");
  EXPECT_EQ(e.at, 10u);
}

TEST(filter, regex_partial_match) {
  EXPECT_TRUE(match("history ~ \"^ShA\"", {{"history", "ShADadfF"}}));
  EXPECT_FALSE(match("history ~ \"^ShA\"", {{"history", "DShA"}}));
  EXPECT_TRUE(match("history ~ \"ShA\"", {{"history", "DShA"}}));  // anywhere
  EXPECT_TRUE(match("history ~ \"^d$\"", {{"history", "d"}}));
  EXPECT_FALSE(match("history ~ \"^d$\"", {{"history", "dd"}}));
  EXPECT_TRUE(match("uid ~ '^C\\d+$'", {{"uid", "C1234"}}));  // \d reaches RE2
  EXPECT_TRUE(match("history !~ \"R\"", {{"history", "ShA"}}));
  EXPECT_FALSE(match("history !~ \"R\"", {{"history", "ShAR"}}));
  // Any column's text: a number column too.
  EXPECT_TRUE(match("duration ~ \"^0\\\\.\"", {{"duration", "0.25"}}));
  error e = parse_error("history ~ \"(ab\"");
  EXPECT_EQ(e.message, "bad regular expression: missing ): (ab");
  EXPECT_EQ(e.at, 10u);
  e = parse_error("history ~ ^ShA");
  EXPECT_EQ(e.message, "'~' takes a quoted regular expression");
  EXPECT_EQ(e.at, 10u);
}

TEST(filter, syntax_errors_point_at_the_token) {
  error e = parse_error("");
  EXPECT_EQ(e.message, "empty filter expression");
  EXPECT_EQ(e.at, 0u);
  e = parse_error("proto == \"udp\" and");
  EXPECT_EQ(e.message, "expected a comparison");
  EXPECT_EQ(e.at, 18u);
  e = parse_error("proto = \"udp\"");
  EXPECT_EQ(e.message, "'=' is not an operator");
  EXPECT_EQ(e.hint, "compare with ==");
  EXPECT_EQ(e.at, 6u);
  e = parse_error("proto \"udp\"");
  EXPECT_EQ(e.message, "expected an operator after 'proto'");
  EXPECT_EQ(e.at, 6u);
  e = parse_error("(proto == \"udp\"");
  EXPECT_EQ(e.message, "expected ')' to close the '(' at offset 0");
  EXPECT_EQ(e.at, 15u);
  e = parse_error("proto == \"udp\" )");
  EXPECT_EQ(e.message, "unexpected ')' after a complete expression");
  EXPECT_EQ(e.at, 15u);
  e = parse_error("== 5");
  EXPECT_EQ(e.message, "expected a column name");
  EXPECT_EQ(e.at, 0u);
  e = parse_error("x == 1 and or == 2");
  EXPECT_EQ(e.message, "expected a column name, found the keyword 'or'");
  EXPECT_EQ(e.hint, "backquote a column with that name: `or`");
  EXPECT_EQ(e.at, 11u);
  e = parse_error("x ==");
  EXPECT_EQ(e.message, "expected a value");
  EXPECT_EQ(e.at, 4u);
  e = parse_error("`odd name == 1");
  EXPECT_EQ(e.message, "unterminated backquoted column name");
  EXPECT_EQ(e.at, 0u);
  e = parse_error("x not 5");
  EXPECT_EQ(e.message, "expected 'in' after 'not'");
  EXPECT_EQ(e.at, 6u);
}

TEST(filter, backquoted_and_dotted_names) {
  filter f = parsed("`odd name` == \"a\" and `and` == \"b\" and id.orig_h == 1.2.3.4");
  EXPECT_EQ(f.columns(), (std::vector<std::string>{"odd name", "and", "id.orig_h"}));
  EXPECT_TRUE(run(f, {{"odd name", "a"}, {"and", "b"}, {"id.orig_h", "1.2.3.4"}}));
}

TEST(filter, columns_in_first_use_order) {
  filter f = parsed("b == 1 or a == 2 and b < 5 or time > 3 or c == null or ts < 0");
  EXPECT_EQ(f.columns(), (std::vector<std::string>{"b", "a", "time", "c"}));
  EXPECT_EQ(f.text(), "b == 1 or a == 2 and b < 5 or time > 3 or c == null or ts < 0");
}

TEST(filter, nesting_is_bounded) {
  std::string ok = std::string(256, '(') + "x == 1" + std::string(256, ')');
  EXPECT_TRUE(match(ok, {{"x", "1"}}));
  std::string nots;
  for (int i = 0; i < 256; ++i) nots += "not ";
  EXPECT_TRUE(match(nots + "x == 1", {{"x", "1"}}));  // an even count
  error e = parse_error(std::string(257, '(') + "x == 1" + std::string(257, ')'));
  EXPECT_EQ(e.message, "the expression nests deeper than 256 levels");
  EXPECT_EQ(e.at, 256u);
  e = parse_error(nots + "not x == 1");
  EXPECT_EQ(e.message, "the expression nests deeper than 256 levels");
  // Far deeper input fails the same way instead of overflowing the stack.
  parse_error(std::string(1000000, '(') + "x == 1");
  parse_error(std::string(100000, '['));
}

TEST(filter, long_flat_chains_are_fine) {
  std::string e = "x == 0";
  for (int i = 1; i < 20000; ++i) e += (i % 2 ? " or x == " : " and x == ") + std::to_string(i);
  filter f = parsed(e);
  EXPECT_EQ(f.columns().size(), 1u);
  EXPECT_TRUE(run(f, {{"x", "0"}}));
}

TEST(filter, repeated_columns_and_many_columns) {
  // ts is read by both comparisons (cached once per row); many columns
  // exceed the cache and are parsed again, with the same answers.
  std::string e;
  for (int i = 0; i < 40; ++i)
    e += (i ? " and " : "") + std::string("c") + std::to_string(i) + " > 0 and c" +
         std::to_string(i) + " < 10 and a" + std::to_string(i) + " == 10.0.0.1 and a" +
         std::to_string(i) + " in 10.0.0.0/8";
  filter f = parsed(e);
  row r;
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back("c" + std::to_string(i));
    names.push_back("a" + std::to_string(i));
  }
  for (size_t i = 0; i < names.size(); ++i) r[names[i]] = i % 2 ? "10.0.0.1" : "5";
  EXPECT_TRUE(run(f, r));
  r["c39"] = "10";
  EXPECT_FALSE(run(f, r));
  r["c39"] = "5";
  r["a39"] = "10.0.0.2";
  EXPECT_FALSE(run(f, r));
  r["a39"] = "10.0.0.1";
  r["a0"] = "x";
  EXPECT_FALSE(run(f, r));
}

TEST(filter, default_filter_matches_everything) {
  filter f;
  EXPECT_TRUE(f.columns().empty());
  EXPECT_TRUE(f.matches(nullptr));
  EXPECT_TRUE(f.check({}).ok());
}

TEST(filter, copies_share_and_agree) {
  filter a = parsed("history ~ \"^S\" and p in [1, 2]");
  filter b = a;
  filter c = std::move(a);
  EXPECT_TRUE(run(b, {{"history", "Sh"}, {"p", "2"}}));
  EXPECT_TRUE(run(c, {{"history", "Sh"}, {"p", "2"}}));
  EXPECT_FALSE(run(c, {{"history", "h"}, {"p", "2"}}));
}

TEST(filter, check_accepts_the_examples) {
  for (const char* e :
       {"id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24",
        "conn_state == \"S0\" or conn_state in [\"REJ\", \"RSTO\"]",
        "id.resp_p in [22, 80, 443] and not (proto == \"udp\")",
        "ts >= 2012-03-16T12:00:00Z and ts < 2012-03-16T13:00:00Z", "time >= 1331899200",
        "duration > 1.5 and orig_bytes >= 1000", "service == null", "service != null",
        "history ~ \"^ShA\"", "duration ~ \"x\"", "id.orig_h ~ \"^10\\\\.\"", "id.orig_h == null",
        "proto > \"t\""})
    EXPECT_TRUE(parsed(e).check(conn_schema()).ok()) << e;
}

TEST(filter, check_unknown_column) {
  error e = check_error("proto == \"tcp\" and color == \"red\"");
  EXPECT_EQ(e.message, "unknown column 'color'");
  EXPECT_EQ(e.hint,
            "columns: ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, proto, service, "
            "duration, orig_bytes, conn_state, history");
  EXPECT_EQ(e.at, 19u);
  e = check_error("x == 1", {});
  EXPECT_EQ(e.hint, "the input has no columns");
  // ts and time find each other.
  EXPECT_TRUE(parsed("time > 0").check({{"ts", value_type::time}}).ok());
  EXPECT_TRUE(parsed("ts > 0").check({{"time", value_type::time}}).ok());
}

TEST(filter, check_type_mismatches) {
  error e = check_error("proto > 5");
  EXPECT_EQ(e.message, "'proto' is text, so it compares with strings, not with the number 5");
  EXPECT_EQ(e.hint, "quote the value to compare text: proto > \"5\"");
  EXPECT_EQ(e.at, 8u);
  e = check_error("id.orig_h == \"x\"");
  EXPECT_EQ(e.message,
            "'id.orig_h' is an address, so it compares with addresses and networks, not with the "
            "string \"x\"");
  EXPECT_EQ(e.hint,
            "write the address bare, without quotes: id.orig_h == 10.0.0.1 or id.orig_h in "
            "10.0.0.0/8");
  EXPECT_EQ(e.at, 13u);
  e = check_error("id.orig_h == \"10.0.0.1\"");
  EXPECT_EQ(e.hint, "write the address without quotes: id.orig_h == 10.0.0.1");
  e = check_error("ts >= \"yesterday\"");
  EXPECT_EQ(e.message,
            "'ts' is a time, so it compares with times and epoch seconds, not with the string "
            "\"yesterday\"");
  EXPECT_EQ(e.hint,
            "write the time bare: an ISO 8601 time like ts >= 2012-03-16T12:00:00Z, or epoch "
            "seconds like ts >= 1331899200");
  EXPECT_EQ(e.at, 6u);
  e = check_error("orig_bytes > \"5\"");
  EXPECT_EQ(e.message,
            "'orig_bytes' is a number, so it compares with numbers, not with the string \"5\"");
  EXPECT_EQ(e.hint, "write the number without quotes: orig_bytes > 5");
  e = check_error("duration < 2012-03-16T12:00:00Z");
  EXPECT_EQ(e.message,
            "'duration' is a number, so it compares with numbers, not with the time "
            "2012-03-16T12:00:00Z");
  e = check_error("conn_state in [1, 2]");
  EXPECT_EQ(e.message,
            "'conn_state' is text, so it compares with strings, not with a list of numbers");
  EXPECT_EQ(e.at, 14u);
  e = check_error("id.resp_p in 10.0.0.0/8");
  EXPECT_EQ(
      e.message,
      "'id.resp_p' is a number, so it compares with numbers, not with the network 10.0.0.0/8");
  // The first problem in the expression is the one reported.
  e = check_error("proto == \"tcp\" and nope == 1 and proto > 5");
  EXPECT_EQ(e.message, "unknown column 'nope'");
}

TEST(filter, check_falls_back_to_the_conn_table_and_is_lenient_otherwise) {
  // Declared unknown (headerless, JSON): the seed's conn types apply...
  std::vector<column_type> untyped = {{"proto", value_type::unknown},
                                      {"extra", value_type::unknown}};
  EXPECT_FALSE(parsed("proto > 5").check(untyped).ok());
  // ...and a column outside that table takes any literal.
  for (const char* e :
       {"extra > 5", "extra == \"x\"", "extra in 10.0.0.0/8", "extra < 2012-03-16T12:00:00Z"})
    EXPECT_TRUE(parsed(e).check(untyped).ok()) << e;
}

}  // namespace zeekgraph::query

namespace zeekgraph::query {

using needles = std::vector<std::string>;

TEST(filter, needles_are_texts_every_accepted_row_holds) {
  EXPECT_EQ(parsed(R"(uid == "CsN0jYWypFpfeLgsRt")").needles(), needles{"CsN0jYWypFpfeLgsRt"});
  EXPECT_EQ(parsed(R"(service in ["http", "dns", "ssl"] )").needles(), (needles{}));  // "dns" is too short
  EXPECT_EQ(parsed(R"(service in ["http", "smtp"])").needles(), (needles{"http", "smtp"}));
  EXPECT_EQ(parsed("id.orig_h == 192.168.202.110").needles(), needles{"192.168.202.110"});
  EXPECT_EQ(parsed("id.orig_h == 10.0.0.1 or id.resp_h == 10.0.0.1").needles(), needles{"10.0.0.1"});
  EXPECT_EQ(parsed("id.orig_h in [10.0.0.1, 10.0.0.2/32]").needles(), (needles{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(parsed("id.resp_h in 192.168.231.0/24").needles(), needles{"192.168.231."});
  EXPECT_EQ(parsed("id.resp_h in 192.168.231.64/26").needles(), needles{"192.168.231."});
  EXPECT_EQ(parsed("id.resp_h in 10.1.0.0/16").needles(), needles{"10.1."});
  EXPECT_EQ(parsed("id.resp_h in 172.16.0.0/12").needles(), needles{"172."});  // its one whole octet
  // An and takes its best side; a conn_state is short, a uid is not.
  EXPECT_EQ(parsed(R"(conn_state == "S0" and uid == "Cabcdef")").needles(), needles{"Cabcdef"});
  EXPECT_EQ(parsed(R"(duration > 1 and (uid == "Cabcdef" or uid == "Cxyzxyz"))").needles(),
            (needles{"Cabcdef", "Cxyzxyz"}));
}

TEST(filter, no_needles_where_a_match_need_not_show_a_text) {
  for (const char* e : {R"(uid != "Cabcdef")", R"(not (uid == "Cabcdef"))", R"(uid not in ["Cabcdef"])",
                        R"(uid == "Cabcdef" or duration > 1)", R"(uid == "Cabcdef" or service == null)",
                        "id.orig_h in 10.0.0.0/8", "id.orig_h in 0.0.0.0/4", "id.orig_h in fe80::/10",
                        "id.orig_h == ::1", "id.orig_h < 10.0.0.1",
                        R"(uid ~ "Cabcdef")", R"(uid >= "Cabcdef")", "duration > 1.5"})
    EXPECT_TRUE(parsed(e).needles().empty()) << e;
}

TEST(filter, an_and_gives_a_needle_set_per_side) {
  const filter f = parsed("id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24");
  EXPECT_EQ(f.needles(), needles{"192.168.202."});  // the longer text first
  EXPECT_EQ(f.also_needles(), std::vector<needles>{needles{"192.168.23."}});
  const filter g = parsed(R"(duration > 1 and uid == "Cabcdef" and (id.orig_h == 10.0.0.1 and proto == "icmp"))");
  EXPECT_EQ(g.needles(), needles{"10.0.0.1"});  // the longest text first
  EXPECT_EQ(g.also_needles(), (std::vector<needles>{needles{"Cabcdef"}, needles{"icmp"}}));
  EXPECT_TRUE(parsed(R"(uid == "Cabcdef" or proto == "icmp")").also_needles().empty());
  EXPECT_TRUE(parsed(R"(not (uid == "Cabcdef" and proto == "icmp"))").also_needles().empty());
}

TEST(filter, a_match_holds_a_text_of_every_needle_set) {
  const filter f = parsed(R"(uid == "Cabcdef" and id.orig_h in [10.0.0.1, 172.16.5.0/24] and conn_state in ["RSTO", "RSTR"])");
  ASSERT_EQ(f.also_needles().size(), 2u);
  for (const char* uid : {"Cabcdef", "Cabcdefg", "-"})
    for (const char* host : {"10.0.0.1", "10.0.0.10", "172.16.5.9", "172.16.50.9", "::ffff:10.0.0.1"})
      for (const char* state : {"RSTO", "RSTOS0", "S0", "RSTR"}) {
        if (!run(f, {{"uid", uid}, {"id.orig_h", host}, {"conn_state", state}})) continue;
        const std::string line = std::string(uid) + "\t" + host + "\t" + state;
        std::vector<needles> sets = f.also_needles();
        sets.push_back(f.needles());
        for (const auto& set : sets) {
          bool held = false;
          for (const auto& n : set) held |= line.find(n) != std::string::npos;
          EXPECT_TRUE(held) << line;
        }
      }
}

TEST(filter, a_match_always_holds_a_needle) {
  // The property the reader relies on, over cells spelled as logs spell them.
  const filter f = parsed(R"(uid == "Cabcdef" or id.orig_h in [10.0.0.1, 192.168.1.20, 172.16.5.0/24])");
  for (const char* uid : {"Cabcdef", "Cabcdefg", "xCabcdef", "Cabcde", "-"})
    for (const char* host : {"10.0.0.1", "10.0.0.10", "192.168.1.20", "::ffff:10.0.0.1", "010.0.0.1",
                             "172.16.5.9", "172.16.50.9", "172.16.05.9"}) {
      if (!run(f, {{"uid", uid}, {"id.orig_h", host}})) continue;
      const std::string line = std::string(uid) + "\t" + host;
      bool held = false;
      for (const auto& n : f.needles()) held |= line.find(n) != std::string::npos;
      EXPECT_TRUE(held) << line;
    }
}

}  // namespace zeekgraph::query
