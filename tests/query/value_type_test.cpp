#include "query/value_type.h"
#include "zeek/schema_probe.h"

#include <gtest/gtest.h>

namespace zeekgraph::query {

TEST(value_type, zeek_types) {
  EXPECT_EQ(zeek_type("addr"), value_type::addr);
  EXPECT_EQ(zeek_type("count"), value_type::number);
  EXPECT_EQ(zeek_type("int"), value_type::number);
  EXPECT_EQ(zeek_type("port"), value_type::number);
  EXPECT_EQ(zeek_type("double"), value_type::number);
  EXPECT_EQ(zeek_type("interval"), value_type::number);
  EXPECT_EQ(zeek_type("time"), value_type::time);
  EXPECT_EQ(zeek_type("string"), value_type::text);
  EXPECT_EQ(zeek_type("enum"), value_type::text);
  EXPECT_EQ(zeek_type("bool"), value_type::text);
  EXPECT_EQ(zeek_type("subnet"), value_type::text);
  EXPECT_EQ(zeek_type("set[string]"), value_type::text);
  EXPECT_EQ(zeek_type("vector[count]"), value_type::text);
  EXPECT_EQ(zeek_type(""), value_type::unknown);
  EXPECT_EQ(zeek_type("table[string] of count"), value_type::unknown);
}

TEST(value_type, seed_conn_columns) {
  EXPECT_EQ(known_conn_type("ts"), value_type::time);
  EXPECT_EQ(known_conn_type("time"), value_type::time);
  EXPECT_EQ(known_conn_type("uid"), value_type::text);
  EXPECT_EQ(known_conn_type("id.orig_h"), value_type::addr);
  EXPECT_EQ(known_conn_type("id.resp_h"), value_type::addr);
  EXPECT_EQ(known_conn_type("id.orig_p"), value_type::number);
  EXPECT_EQ(known_conn_type("id.resp_p"), value_type::number);
  for (const char* n :
       {"proto", "service", "conn_state", "history", "local_orig", "local_resp", "tunnel_parents"})
    EXPECT_EQ(known_conn_type(n), value_type::text) << n;
  for (const char* n : {"duration", "orig_bytes", "resp_bytes", "missed_bytes", "orig_pkts",
                        "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"})
    EXPECT_EQ(known_conn_type(n), value_type::number) << n;
  EXPECT_EQ(known_conn_type("community_id"), value_type::unknown);
}

TEST(value_type, ts_and_time_are_one_column) {
  EXPECT_TRUE(zeek::same_column("ts", "time"));
  EXPECT_TRUE(zeek::same_column("time", "ts"));
  EXPECT_TRUE(zeek::same_column("uid", "uid"));
  EXPECT_FALSE(zeek::same_column("ts", "uid"));
  EXPECT_FALSE(zeek::same_column("Ts", "time"));
}

}  // namespace zeekgraph::query
