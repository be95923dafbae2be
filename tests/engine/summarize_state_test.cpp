#include "engine/summarize_state.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gen/conn_generator.h"
#include "support/string_sink.h"
#include "table/table_writer.h"

namespace zeekgraph::engine {
namespace fs = std::filesystem;
namespace {

using test::string_sink;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(ZEEKGRAPH_TEST_TMP) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Hour `h`'s log: generated rows whose groups recur across hours, so that
// float sums and means of a group span files.
std::string hour_log(unsigned h, uint64_t rows) {
  gen::gen_options g;
  g.rows = rows;
  g.seed = 1000 + h;
  string_sink s;
  EXPECT_TRUE(gen::generate_conn_log(g, s).ok());
  return s.data;
}

std::string csv_of(const table::summary_table& t) {
  std::ostringstream out;
  table::write_table(t, table::table_format::csv, out);
  return out.str();
}

// Empty when equal, else the first line that differs (gtest's diff of two
// megabyte strings would take gigabytes).
std::string difference(const std::string& got, const std::string& want) {
  if (got == want) return {};
  size_t at = 0;
  while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
  const size_t from = got.rfind('\n', at) == std::string::npos ? 0 : got.rfind('\n', at) + 1;
  return "got:  " + got.substr(from, got.find('\n', at) - from) + "\nwant: " +
         want.substr(from, want.find('\n', at) - from);
}

summarize_options options_for(std::vector<std::string> inputs, unsigned threads = 2) {
  summarize_options o;
  o.inputs = std::move(inputs);
  o.threads = threads;
  return o;
}

// A state as another process would see it: written and read back.
agg::saved_state saved(const summarize_options& o) {
  summarize_result r;
  auto st = summarize_state(o, r);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.err().message);
  return agg::decode_state(agg::encode_state(*st)[0], "state").value();
}

std::string merged_csv(std::vector<agg::saved_state>&& states) {
  auto m = agg::merge_states(std::move(states));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.err().message);
  if (!m.ok()) return {};
  auto t = agg::finalize_state(*m);
  EXPECT_TRUE(t.ok());
  return t.ok() ? csv_of(*t) : std::string();
}

}  // namespace

// 24 hourly files, each saved as a state, merged: the summary of all of
// them in one run, byte for byte (the seed's float means included). Then
// the day again from the state of its first 12 hours and the new hours'
// states, reading only the new hours.
TEST(summarize_state, hourly_states_merge_to_one_run) {
  const fs::path dir = fresh_dir("state_hourly");
  std::vector<std::string> paths;
  for (unsigned h = 0; h < 24; ++h) {
    char name[32];
    std::snprintf(name, sizeof name, "conn.%02u.log", h);
    paths.push_back((dir / name).string());
    std::ofstream(paths.back(), std::ios::binary) << hour_log(h, 6000);
  }
  auto all = summarize(options_for(paths));
  ASSERT_TRUE(all.ok());
  const std::string expected = csv_of(all->table);

  std::vector<agg::saved_state> hours;
  for (const auto& p : paths) hours.push_back(saved(options_for({p}, 1)));
  // Handed over out of order: merged in input order all the same.
  std::reverse(hours.begin(), hours.end());
  EXPECT_EQ(difference(merged_csv(std::move(hours)), expected), "");

  // Hours 0-11 merged and saved; later, hours 12-23 read and merged in.
  std::vector<agg::saved_state> morning;
  for (size_t h = 0; h < 12; ++h) morning.push_back(saved(options_for({paths[h]})));
  auto half = agg::merge_states(std::move(morning));
  ASSERT_TRUE(half.ok());
  std::vector<agg::saved_state> day;
  day.push_back(agg::decode_state(agg::encode_state(*half)[0], "morning").value());
  day.push_back(saved(options_for(std::vector<std::string>(paths.begin() + 12, paths.end()))));
  EXPECT_EQ(difference(merged_csv(std::move(day)), expected), "");

  // A float mean that merging per-file means would not give: the test
  // would pass without the ordered replay only if no group spans files.
  size_t shared = 0;
  {
    std::vector<agg::saved_state> two;
    two.push_back(saved(options_for({paths[0]})));
    two.push_back(saved(options_for({paths[1]})));
    const size_t g0 = two[0].groups->group_count(), g1 = two[1].groups->group_count();
    auto m = agg::merge_states(std::move(two));
    ASSERT_TRUE(m.ok());
    shared = g0 + g1 - m->groups->group_count();
  }
  EXPECT_GT(shared, 100u);
}

namespace {

// Three files, the middle one read as byte ranges cut mid-line (each
// range reads the lines that start in it), as map states of R hash
// partitions: `fingerprints` as a distributed job's maps keep them.
struct mapped_job {
  std::string expected;  // one run over the files
  std::vector<std::vector<pooled_string>> parts;  // per map, its R partition files
};

// What map_job does to its files' uids.
enum class twist {
  none,
  collide,  // a uid of the first file and one of the last share a fingerprint
  repeat,   // the last file repeats a row of the first: one group, one uid twice
  repeat_within,  // the last file repeats its own first row: a map that does not check its own
};

// The uid of a log's first row (the headerless layout's second column).
std::string first_uid(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream l(line);
    for (std::string c; std::getline(l, c, '\t');) cells.push_back(c);
    if (!cells.empty() && cells[0] == "#fields") fields.assign(cells.begin() + 1, cells.end());
    if (line.empty() || line[0] == '#') continue;
    if (fields.empty()) return cells.size() > 1 ? cells[1] : std::string();
    for (size_t i = 0; i < fields.size() && i < cells.size(); ++i)
      if (fields[i] == "uid") return cells[i];
  }
  return {};
}

// The first data line of a log.
std::string first_row(const std::string& log) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') return line + "\n";
  return {};
}

mapped_job map_job(const std::string& name, bool fingerprints, uint32_t R, twist t = twist::none) {
  const fs::path dir = fresh_dir(name);
  std::vector<std::string> paths, logs;
  for (unsigned f = 0; f < 3; ++f) {
    paths.push_back((dir / ("conn." + std::to_string(f) + ".log")).string());
    logs.push_back(hour_log(f, 8000));
  }
  if (t == twist::repeat || t == twist::repeat_within) {
    const std::string row = first_row(logs[t == twist::repeat ? 0 : 2]);
    const size_t end = logs[2].rfind("#close");
    logs[2].insert(end == std::string::npos ? logs[2].size() : end, row);
  }
  for (unsigned f = 0; f < 3; ++f) std::ofstream(paths[f], std::ios::binary) << logs[f];
  if (t == twist::collide) {
    EXPECT_NE(first_uid(logs[0]), first_uid(logs[2]));
    agg::testing::collide_fingerprints(first_uid(logs[0]), first_uid(logs[2]));
  }
  mapped_job job;
  auto all = summarize(options_for(paths));
  EXPECT_TRUE(all.ok());
  if (all.ok()) job.expected = csv_of(all->table);

  const uint64_t size = fs::file_size(paths[1]);
  const std::vector<uint64_t> cuts = {0, 1, size / 3 + 7, size / 3 + 8, 2 * size / 3, size + 100};
  std::vector<summarize_options> maps;
  maps.push_back(options_for({paths[0]}));
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    maps.push_back(options_for({paths[1]}));
    maps.back().range = std::make_pair(cuts[i], cuts[i + 1]);
  }
  maps.push_back(options_for({paths[2]}));
  for (auto& o : maps) {
    o.state_fingerprints = fingerprints;
    summarize_result r;
    auto st = summarize_state(o, r);
    EXPECT_TRUE(st.ok());
    if (!st.ok()) continue;
    if (o.range && o.range->first == 0) {
      EXPECT_EQ(st->files[0].lines_read, 1u);  // [0, 1): the line at 0
    }
    job.parts.push_back(agg::encode_state(*st, R));
  }
  agg::testing::collide_fingerprints({}, {});
  return job;
}

// Reduce r: partition r of every map, merged and closed, read back.
// `borrow`: the maps' fingerprints are read in place, as a reduce task does.
std::vector<agg::saved_state> reduced(const mapped_job& job, uint32_t R, bool borrow = true) {
  std::vector<agg::saved_state> closed;
  for (uint32_t r = 0; r < R; ++r) {
    std::vector<agg::saved_state> col;
    for (auto& p : job.parts) col.push_back(agg::decode_state(p[r], "part", borrow).value());
    auto m = agg::merge_states(std::move(col), true);
    EXPECT_TRUE(m.ok()) << m.err().message;
    if (m.ok()) closed.push_back(agg::decode_state(agg::encode_state(*m)[0], "closed").value());
  }
  return closed;
}

}  // namespace

// Hash partitions closed apart and joined: the summary of one run.
TEST(summarize_state, ranges_and_partitions_equal_one_run) {
  const uint32_t R = 4;
  const mapped_job job = map_job("state_ranges", false, R);
  EXPECT_EQ(difference(merged_csv(reduced(job, R)), job.expected), "");
}

// The same with the uids as fingerprints sharded by value: the counts stand
// (no uid repeats), the partition files are smaller, and the summary is
// the same, byte for byte.
TEST(summarize_state, fingerprinted_maps_equal_one_run) {
  const uint32_t R = 4;
  const mapped_job exact = map_job("state_exact", false, R), fps = map_job("state_fps", true, R);
  size_t exact_bytes = 0, fps_bytes = 0;
  for (const auto& m : exact.parts)
    for (const auto& p : m) exact_bytes += p.size();
  for (const auto& m : fps.parts)
    for (const auto& p : m) fps_bytes += p.size();
  EXPECT_LT(fps_bytes, exact_bytes);
  // Read in place or copied, the same closed states.
  for (uint32_t r = 0; r < R; ++r)
    EXPECT_EQ(agg::encode_state(reduced(fps, R, false)[r])[0], agg::encode_state(reduced(fps, R, true)[r])[0]);
  std::vector<agg::saved_state> closed = reduced(fps, R);
  ASSERT_EQ(closed.size(), R);
  // uid's counts came from fingerprints, id.resp_p's from exact pairs.
  EXPECT_EQ(closed[0].nunique_kinds,
            (std::vector<agg::nunique_kind>{agg::nunique_kind::exact, agg::nunique_kind::fingerprints}));
  EXPECT_TRUE(agg::recount_columns(closed).empty());
  EXPECT_EQ(difference(merged_csv(std::move(closed)), fps.expected), "");
}

// Two distinct uids of different maps forced to share a fingerprint (each
// map's own fingerprints stay distinct, so only a reduce sees it), and a
// uid that repeats in one group across files (its exact count is one less
// than its rows): some shard repeats, so the closed states' counts do not
// stand and are refused, naming the column. So is a uid repeated within
// one map's piece: a map leaves the check to the reduces. Exact maps, the
// job's fallback, give the summary of one run.
TEST(summarize_state, repeated_fingerprints_fall_back_to_exact_pairs) {
  const uint32_t R = 3;
  for (twist t : {twist::collide, twist::repeat, twist::repeat_within}) {
    SCOPED_TRACE(t == twist::collide ? "collide" : t == twist::repeat ? "repeat" : "repeat within");
    const mapped_job fps = map_job("state_twist", true, R, t);
    std::vector<agg::saved_state> closed = reduced(fps, R);
    EXPECT_EQ(agg::recount_columns(closed), std::vector<std::string>{"uid"});
    auto m = agg::merge_states(std::move(closed));
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.err().kind, error_kind::format);
    EXPECT_NE(m.err().message.find("'uid'"), std::string::npos) << m.err().message;

    const mapped_job exact = map_job("state_twist_exact", false, R, t);
    EXPECT_EQ(exact.expected, fps.expected);
    closed = reduced(exact, R);
    EXPECT_TRUE(agg::recount_columns(closed).empty());
    EXPECT_EQ(difference(merged_csv(std::move(closed)), exact.expected), "");
  }
}

// Data that types a column apart in two states: refused, naming it.
TEST(summarize_state, typed_apart_is_refused) {
  const fs::path dir = fresh_dir("state_typed");
  std::ofstream(dir / "a.log") << "#fields\tproto\torig_bytes\ntcp\t7\nudp\t9\n";
  std::ofstream(dir / "b.log") << "#fields\tproto\torig_bytes\ntcp\tlots\n";
  auto o = [&](const char* f) {
    summarize_options s = options_for({(dir / f).string()});
    s.spec = agg::parse_query_spec("proto", "orig_bytes:min").value();
    return s;
  };
  std::vector<agg::saved_state> two;
  two.push_back(saved(o("a.log")));
  two.push_back(saved(o("b.log")));
  auto m = agg::merge_states(std::move(two));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.err().kind, error_kind::usage);
  EXPECT_NE(m.err().message.find("typed column 'orig_bytes' apart"), std::string::npos) << m.err().message;
}

}  // namespace zeekgraph::engine
