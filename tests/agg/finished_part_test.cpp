#include "agg/finished_part.h"

#include <gtest/gtest.h>

#include "support/damaged_bytes.h"
#include "support/saved_states.h"

namespace zeekgraph::agg {

using namespace test;

namespace {

std::vector<std::array<cell, 3>> rows_ab() {
  std::vector<std::array<cell, 3>> all = rows_a();
  for (auto& r : rows_b()) all.push_back(r);
  return all;
}

// Partition r of states a and b merged and closed, as a reduce task does.
saved_state reduced(const std::vector<pooled_string>& pa, const std::vector<pooled_string>& pb, size_t r) {
  std::vector<saved_state> two;
  two.push_back(decode_state(pa[r], "a").value());
  two.push_back(decode_state(pb[r], "b").value());
  return merge_states(std::move(two), true).value();
}

// Every partition of a and b, finished and sent as bytes.
std::vector<finished_part> finished(uint32_t R, std::optional<table::table_format> format, bool keys_only = false,
                                    bool fingerprints = false) {
  const char* aggs = "v:min,max,sum,mean;u:nunique,min,count";
  saved_state a = state_of(rows_a(), "a.log", aggs, fingerprints), b = state_of(rows_b(), "b.log", aggs, fingerprints);
  const auto pa = encode_state(a, R), pb = encode_state(b, R);
  std::vector<finished_part> parts;
  for (size_t r = 0; r < R; ++r) {
    saved_state st = reduced(pa, pb, r);
    auto part = finish_partition(st, format, keys_only);
    EXPECT_TRUE(part.ok()) << part.err().message;
    const pooled_string bytes = encode_part(*part);
    auto back = decode_part(bytes, "part " + std::to_string(r));
    EXPECT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(encode_part(*back), bytes);
    parts.push_back(std::move(*back));
  }
  return parts;
}

std::string text_of(const table::summary_table& t, table::table_format f) {
  std::ostringstream out;
  table::write_table(t, f, out);
  return out.str();
}

}  // namespace

// The parts' sorted rows, merged, are the summary of all the rows at once:
// as a table and as CSV or NDJSON, byte for byte, whatever the partitions.
TEST(finished_part, joined_parts_are_the_whole_summary) {
  saved_state whole = state_of(rows_ab(), "a.log");
  const table::summary_table want = finalize_state(whole).value();
  for (uint32_t R : {1u, 2u, 3u, 7u})
    for (auto f : {table::table_format::csv, table::table_format::ndjson}) {
      auto j = join_parts(finished(R, f), true);
      ASSERT_TRUE(j.ok()) << j.err().message;
      EXPECT_EQ(j->rows, want.rows());
      EXPECT_EQ(j->text, text_of(want, f)) << R;
      EXPECT_EQ(csv_of(j->table), csv_of(want)) << R;
      // Text alone: the parts keep their keys, which order the rows.
      auto t = join_parts(finished(R, f, true), false);
      ASSERT_TRUE(t.ok()) << t.err().message;
      EXPECT_EQ(t->text, text_of(want, f)) << R;
    }
  // No text: the table alone.
  auto j = join_parts(finished(3, std::nullopt), true);
  ASSERT_TRUE(j.ok()) << j.err().message;
  EXPECT_EQ(csv_of(j->table), csv_of(want));
  EXPECT_TRUE(j->text.empty());
}

TEST(finished_part, a_join_needs_every_partition_once) {
  auto parts = finished(3, table::table_format::csv);
  std::vector<finished_part> some;
  some.push_back(parts[0]);
  some.push_back(parts[2]);
  auto j = join_parts(std::move(some), false);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.err().message.find("partition 1 of 3 is missing"), std::string::npos) << j.err().message;
  std::vector<finished_part> twice = parts;
  twice[2] = parts[0];
  j = join_parts(std::move(twice), false);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.err().message.find("partition 0 appears twice"), std::string::npos) << j.err().message;
  // Keys alone cannot make the table.
  j = join_parts(finished(3, table::table_format::csv, true), true);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.err().message.find("key columns alone"), std::string::npos) << j.err().message;
  // Parts of two formats do not join.
  std::vector<finished_part> mixed = finished(2, table::table_format::csv);
  mixed[1] = finished(2, table::table_format::ndjson)[1];
  EXPECT_FALSE(join_parts(std::move(mixed), false).ok());
  // An open state is not finished.
  saved_state open = state_of(rows_a(), "a.log");
  EXPECT_FALSE(finish_partition(open, table::table_format::csv).ok());
}

// rows_a holds u1 twice, and u2 is in both a and b: with fingerprints,
// their shards repeat, so those parts carry no rows and the job must count
// u again exactly.
TEST(finished_part, repeated_fingerprints_ask_for_a_recount) {
  for (uint32_t R : {1u, 3u}) {
    auto parts = finished(R, table::table_format::csv, false, true);
    size_t repeated = 0;
    for (const auto& p : parts) {
      ASSERT_EQ(p.kinds.size(), 1u);
      if (p.kinds[0] == nunique_kind::repeated) {
        ++repeated;
        EXPECT_EQ(p.table.rows(), 0u);
      }
    }
    EXPECT_GE(repeated, 1u) << R;
    EXPECT_EQ(recount_columns(parts), std::vector<std::string>{"u"});
    auto j = join_parts(std::move(parts), true);
    ASSERT_FALSE(j.ok());
    EXPECT_NE(j.err().message.find("'u'"), std::string::npos) << j.err().message;
  }
  // Exact pairs in one part and fingerprints in another cannot count together.
  auto exact = finished(2, table::table_format::csv), fps = finished(2, table::table_format::csv, false, true);
  std::vector<finished_part> mixed;
  mixed.push_back(exact[0]);
  mixed.push_back(fps[1]);
  mixed[1].kinds[0] = nunique_kind::fingerprints;
  EXPECT_EQ(recount_columns(mixed), std::vector<std::string>{"u"});
}

// Every cut and every flipped byte of a part is refused with a message.
TEST(finished_part, damaged_parts_are_refused) {
  auto parts = finished(2, table::table_format::csv, true);
  const pooled_string bytes = encode_part(parts[0]);
  expect_damage_refused(bytes, [](std::string_view b, const std::string& name) { return decode_part(b, name); });
  auto p = decode_part(bytes.substr(0, 5), "short.part");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.err().message.find("'short.part' is not a valid finished partition"), std::string::npos);
  saved_state st = state_of(rows_a(), "a.log");
  EXPECT_FALSE(decode_part(encode_state(st)[0], "a state file").ok());
}

}  // namespace zeekgraph::agg
