#include "agg/state_file.h"

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>
#include <zlib.h>

#include "agg/finalize.h"
#include "support/damaged_bytes.h"
#include "support/saved_states.h"
#include "table/table_writer.h"

namespace zeekgraph::agg {

using namespace test;

TEST(state_file, round_trip_is_byte_identical) {
  saved_state st = state_of(rows_a(), "a.log");
  const auto bytes = encode_state(st);
  ASSERT_EQ(bytes.size(), 1u);
  auto back = decode_state(bytes[0], "a.state");
  ASSERT_TRUE(back.ok()) << back.err().message;
  EXPECT_EQ(back->pieces, st.pieces);
  EXPECT_EQ(back->typing, st.typing);
  EXPECT_EQ(back->groups->group_count(), 3u);
  EXPECT_EQ(encode_state(*back)[0], bytes[0]);  // nothing lost, nothing reordered
}

// Two states merged in input order equal one state of all the rows: the
// float sums replayed in row order (the values 1e16 and -1e16 make a sum of
// the halves' sums lose the 0.1 and 0.3), the -0.0 met first kept as min.
TEST(state_file, merge_equals_one_pass) {
  std::vector<std::array<cell, 3>> all = rows_a();
  for (auto& r : rows_b()) all.push_back(r);
  saved_state whole = state_of(all, "a.log");
  auto expected = finalize_state(whole);
  ASSERT_TRUE(expected.ok());

  std::vector<saved_state> parts;
  saved_state b = state_of(rows_b(), "b.log");
  saved_state a = state_of(rows_a(), "a.log");
  // Given in the wrong order: merged by their pieces' order.
  parts.push_back(decode_state(encode_state(b)[0], "b").value());
  parts.push_back(decode_state(encode_state(a)[0], "a").value());
  auto merged = merge_states(std::move(parts));
  ASSERT_TRUE(merged.ok()) << merged.err().message;
  auto got = finalize_state(*merged);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(csv_of(*got), csv_of(*expected));
  // x: 0.1 + 1e16 + 0.3 - 1e16 + 0.7 in Kahan order is 1.1 (naive: 1.0).
  EXPECT_EQ(got->columns[3].floats[1], expected->columns[3].floats[1]);
  const double half_a = 0.1 + 1e16 + 0.3, half_b = -1e16 + 0.7;
  EXPECT_NE(half_a + half_b, got->columns[3].floats[1]);
  // y's min is the first zero, -0.0.
  EXPECT_TRUE(std::signbit(got->columns[1].floats[2]));
}

// A job's own input order (pieces' `order`) goes before their paths: z.log
// listed first merges first, as one run over "z.log a.log" reads it.
TEST(state_file, order_before_path) {
  std::vector<std::array<cell, 3>> all = rows_b();
  for (auto& r : rows_a()) all.push_back(r);
  saved_state whole = state_of(all, "z.log");
  const std::string expected = csv_of(finalize_state(whole).value());
  saved_state z = state_of(rows_b(), "z.log"), a = state_of(rows_a(), "a.log");
  a.pieces[0].order = 1;
  std::vector<saved_state> v;
  v.push_back(decode_state(encode_state(a)[0], "a").value());
  v.push_back(decode_state(encode_state(z)[0], "z").value());
  EXPECT_EQ(v[0].pieces[0].order, 1u);
  auto m = merge_states(std::move(v));
  ASSERT_TRUE(m.ok()) << m.err().message;
  EXPECT_EQ(csv_of(finalize_state(*m).value()), expected);
}

// Hash partitions, each merged and closed, then merged by union.
TEST(state_file, partitions_close_and_union) {
  std::vector<std::array<cell, 3>> all = rows_a();
  for (auto& r : rows_b()) all.push_back(r);
  saved_state whole = state_of(all, "a.log");
  const std::string expected = csv_of(finalize_state(whole).value());

  saved_state a = state_of(rows_a(), "a.log"), b = state_of(rows_b(), "b.log");
  const auto pa = encode_state(a, 3), pb = encode_state(b, 3);
  ASSERT_EQ(pa.size(), 3u);
  std::vector<saved_state> closed;
  std::vector<pooled_string> closed_bytes;
  for (size_t r = 0; r < 3; ++r) {
    std::vector<saved_state> two;
    two.push_back(decode_state(pa[r], "a").value());
    two.push_back(decode_state(pb[r], "b").value());
    EXPECT_EQ(two[0].partition, r);
    EXPECT_EQ(two[0].partitions, 3u);
    auto m = merge_states(std::move(two), true);
    ASSERT_TRUE(m.ok()) << m.err().message;
    EXPECT_TRUE(m->closed);
    closed_bytes.push_back(encode_state(*m)[0]);
    // Closing while merging replays each state's values in place; merged
    // open first (the values concatenated), then closed, is the same state.
    std::vector<saved_state> again;
    again.push_back(decode_state(pa[r], "a").value());
    again.push_back(decode_state(pb[r], "b").value());
    std::vector<saved_state> open;
    open.push_back(merge_states(std::move(again)).value());
    EXPECT_FALSE(open[0].closed);
    saved_state reclosed = merge_states(std::move(open), true).value();
    EXPECT_EQ(encode_state(reclosed)[0], closed_bytes.back());
    closed.push_back(decode_state(closed_bytes.back(), "closed").value());
  }
  // Two of the three partitions: a summary without the third's groups.
  std::vector<saved_state> some;
  some.push_back(decode_state(closed_bytes[0], "c0").value());
  some.push_back(decode_state(closed_bytes[2], "c2").value());
  auto partial = merge_states(std::move(some));
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.err().message.find("partition 1 of 3 is missing"), std::string::npos) << partial.err().message;
  // A partition's open state alone cannot be finalized either.
  saved_state one = decode_state(pa[1], "a.1").value();
  auto t = finalize_state(one);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.err().message.find("partition 1 of 3"), std::string::npos);

  auto u = merge_states(std::move(closed));
  ASSERT_TRUE(u.ok()) << u.err().message;
  EXPECT_EQ(u->partitions, 1u);
  EXPECT_EQ(csv_of(finalize_state(*u).value()), expected);
}

TEST(state_file, refuses_what_would_not_be_exact) {
  auto two = [](saved_state x, saved_state y) {
    std::vector<saved_state> v;
    v.push_back(std::move(x));
    v.push_back(std::move(y));
    return merge_states(std::move(v));
  };
  // Another query.
  auto r = two(state_of(rows_a(), "a.log"), state_of(rows_b(), "b.log", "v:min"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().kind, error_kind::usage);
  EXPECT_NE(r.err().message.find("different queries"), std::string::npos);
  // Another --where.
  saved_state w = state_of(rows_b(), "b.log");
  w.where = "v > 1";
  r = two(state_of(rows_a(), "a.log"), std::move(w));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("different --where"), std::string::npos);
  // The same input twice, and overlapping ranges of one file.
  r = two(state_of(rows_a(), "a.log"), state_of(rows_b(), "a.log"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("read the same input"), std::string::npos);
  saved_state r1 = state_of(rows_a(), "a.log"), r2 = state_of(rows_b(), "a.log");
  r1.pieces = {{0, "a.log", 0, 100}};
  r2.pieces = {{0, "a.log", 50, 200}};
  r = two(std::move(r1), std::move(r2));
  ASSERT_FALSE(r.ok());
  // Interleaved inputs: a state of a.log and c.log, another of b.log.
  saved_state ac = state_of(rows_a(), "a.log");
  ac.pieces.push_back({0, "c.log", 0, UINT64_MAX});
  r = two(std::move(ac), state_of(rows_b(), "b.log"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("interleave"), std::string::npos);
  // Typed apart: u read as text in one state, numbers in the other.
  saved_state num = state_of({{T("x"), T("1"), T("7")}}, "b.log");
  num.typing[2].mode = value_mode::numeric;
  r = two(state_of(rows_a(), "a.log"), std::move(num));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("typed column 'u' apart"), std::string::npos);
  // Adjacent ranges of one file are fine.
  saved_state q1 = state_of(rows_a(), "a.log"), q2 = state_of(rows_b(), "a.log");
  q1.pieces = {{0, "a.log", 0, 100}};
  q2.pieces = {{0, "a.log", 100, 200}};
  EXPECT_TRUE(two(std::move(q1), std::move(q2)).ok());
}

// Each section's checksum is zlib's crc32 of its tag, length and payload,
// whichever library computed it (isa-l where the build has it): files
// written by one build read in the other.
TEST(state_file, section_crc_is_zlibs_crc32) {
  saved_state st = state_of(rows_a(), "a.log");
  const pooled_string bytes = encode_state(st)[0];
  size_t pos = 12, sections = 0;
  while (pos < bytes.size()) {
    uint64_t len;
    std::memcpy(&len, bytes.data() + pos + 4, 8);
    uint32_t stored;
    std::memcpy(&stored, bytes.data() + pos + 12 + len, 4);
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(bytes.data() + pos), static_cast<uInt>(12 + len));
    EXPECT_EQ(stored, static_cast<uint32_t>(crc)) << "section at " << pos;
    pos += 12 + len + 4;
    ++sections;
  }
  EXPECT_EQ(pos, bytes.size());
  EXPECT_EQ(sections, 6u);
}

// Every cut and every flipped byte is an error with a message, never a
// crash or a state.
TEST(state_file, damage_is_an_error) {
  saved_state st = state_of(rows_a(), "a.log");
  const pooled_string bytes = encode_state(st)[0];
  expect_damage_refused(bytes, [](std::string_view b, const std::string& name) { return decode_state(b, name); });
  auto extra = decode_state(bytes + "x", "extra.state");
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.err().message.find("after its end"), std::string::npos);
  pooled_string v1 = bytes;  // version 1 had no kind byte in UNIQUE
  v1[8] = 1;
  auto old = decode_state(v1, "v1.state");
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.err().message.find("version 1"), std::string::npos);
}

// A map state's fingerprints (u's values, all distinct): shard r of them
// in partition file r whatever their groups, read back and written again
// unchanged; a fingerprint of 0 or of another shard is refused.
TEST(state_file, fingerprints_shard_by_value_and_are_checked) {
  std::vector<std::string> texts;  // the cells' bytes: filled before any cell points in
  for (int i = 0; i < 60; ++i) texts.push_back("uid" + std::to_string(i));
  std::vector<std::array<cell, 3>> rows;
  const char* keys[] = {"x", "y", "z"};
  for (int i = 0; i < 60; ++i) rows.push_back({T(keys[i % 3]), T("1.5"), i % 7 == 0 ? N() : T(texts[i])});
  saved_state st = state_of(rows, "a.log", "v:min,max,sum,mean;u:nunique,min,count", true);
  const auto parts = encode_state(st, 2);
  std::vector<saved_state> closed;
  for (uint32_t r = 0; r < 2; ++r) {
    auto back = decode_state(parts[r], "part");
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_TRUE(back->groups->distinct(2).fingerprinted());
    EXPECT_EQ(encode_state(*back)[0], parts[r]);  // canonical: nothing lost or reordered
    std::vector<saved_state> one;
    one.push_back(std::move(*back));
    auto m = merge_states(std::move(one), true);
    ASSERT_TRUE(m.ok());
    closed.push_back(decode_state(encode_state(*m)[0], "closed").value());
    EXPECT_EQ(closed.back().nunique_kinds, std::vector<nunique_kind>{nunique_kind::fingerprints});
  }
  // Every group's count is its rows less its nulls: u's exact counts.
  auto u = merge_states(std::move(closed));
  ASSERT_TRUE(u.ok()) << u.err().message;
  saved_state exact = state_of(rows, "a.log");
  EXPECT_EQ(csv_of(finalize_state(*u).value()), csv_of(finalize_state(exact).value()));

  // The UNIQUE section of partition 0: kind, count, then the fingerprints.
  pooled_string bytes = parts[0];
  size_t pos = 12, payload = 0;
  while (pos < bytes.size()) {
    uint32_t tag;
    uint64_t len;
    std::memcpy(&tag, bytes.data() + pos, 4);
    std::memcpy(&len, bytes.data() + pos + 4, 8);
    if (tag == 5) payload = pos + 12;
    pos += 12 + len + 4;
  }
  ASSERT_GT(payload, 0u);
  ASSERT_EQ(bytes[payload], 1);  // nunique_kind::fingerprints
  uint64_t n;
  std::memcpy(&n, bytes.data() + payload + 1, 8);
  ASSERT_GT(n, 0u);
  auto with = [&](uint64_t h) {
    pooled_string b = bytes;
    std::memcpy(b.data() + payload + 9, &h, 8);
    // The section's CRC made right: the reader itself must refuse it.
    size_t at = 12;
    while (at < b.size()) {
      uint64_t len;
      std::memcpy(&len, b.data() + at + 4, 8);
      const uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(b.data() + at), static_cast<uInt>(12 + len)));
      std::memcpy(b.data() + at + 12 + len, &crc, 4);
      at += 12 + len + 4;
    }
    return decode_state(b, "bad.state");
  };
  auto zero = with(0);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.err().message.find("a fingerprint of 0"), std::string::npos) << zero.err().message;
  uint64_t other = 1;
  while (nunique_store::fingerprint_shard(other, 2) == 0) ++other;
  auto moved = with(other);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.err().message.find("another partition's shard"), std::string::npos) << moved.err().message;
}

// A state of exact pairs and one of fingerprints cannot count together:
// merged and closed, the column is to be recounted; merged open, the
// summary is refused (an error, not an exception).
TEST(state_file, exact_pairs_and_fingerprints_do_not_mix) {
  std::vector<std::array<cell, 3>> a = {{T("x"), T("1"), T("u1")}, {T("y"), T("2"), T("u2")}};
  std::vector<std::array<cell, 3>> b = {{T("x"), T("3"), T("u3")}, {T("y"), T("4"), T("u4")}};
  auto two = [&] {
    std::vector<saved_state> v;
    saved_state sa = state_of(a, "a.log"), sb = state_of(b, "b.log", "v:min,max,sum,mean;u:nunique,min,count", true);
    v.push_back(decode_state(encode_state(sa)[0], "a").value());
    v.push_back(decode_state(encode_state(sb)[0], "b").value());
    return v;
  };
  auto closed = merge_states(two(), true);
  ASSERT_TRUE(closed.ok());
  std::vector<saved_state> c;
  c.push_back(decode_state(encode_state(*closed)[0], "closed").value());
  EXPECT_EQ(c[0].nunique_kinds, std::vector<nunique_kind>{nunique_kind::repeated});
  EXPECT_EQ(recount_columns(c), std::vector<std::string>{"u"});
  auto t = finalize_state(c[0]);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.err().kind, error_kind::format);
  auto open = merge_states(two());
  ASSERT_TRUE(open.ok());
  auto t2 = finalize_state(*open);
  ASSERT_FALSE(t2.ok());
  EXPECT_NE(t2.err().message.find("'u'"), std::string::npos) << t2.err().message;
}

}  // namespace zeekgraph::agg
