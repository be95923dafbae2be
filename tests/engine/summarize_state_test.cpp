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

// One file read as byte ranges cut mid-line (each range reads the lines
// that start in it), plus whole files, as hash partitions closed apart and
// joined: the summary of one run over the files.
TEST(summarize_state, ranges_and_partitions_equal_one_run) {
  const fs::path dir = fresh_dir("state_ranges");
  std::vector<std::string> paths;
  for (unsigned f = 0; f < 3; ++f) {
    paths.push_back((dir / ("conn." + std::to_string(f) + ".log")).string());
    std::ofstream(paths.back(), std::ios::binary) << hour_log(f, 8000);
  }
  auto all = summarize(options_for(paths));
  ASSERT_TRUE(all.ok());
  const std::string expected = csv_of(all->table);

  const uint64_t size = fs::file_size(paths[1]);
  const std::vector<uint64_t> cuts = {0, 1, size / 3 + 7, size / 3 + 8, 2 * size / 3, size + 100};
  std::vector<agg::saved_state> maps;
  maps.push_back(saved(options_for({paths[0]})));
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    summarize_options o = options_for({paths[1]});
    o.range = std::make_pair(cuts[i], cuts[i + 1]);
    maps.push_back(saved(o));
  }
  maps.push_back(saved(options_for({paths[2]})));
  EXPECT_EQ(maps[1].files[0].lines_read, 1u);  // [0, 1): only the line that starts at 0
  const uint32_t R = 4;
  std::vector<std::vector<std::string>> parts;
  for (auto& m : maps) parts.push_back(agg::encode_state(m, R));
  std::vector<agg::saved_state> closed;
  for (uint32_t r = 0; r < R; ++r) {
    std::vector<agg::saved_state> col;
    for (auto& p : parts) col.push_back(agg::decode_state(p[r], "part").value());
    auto m = agg::merge_states(std::move(col), true);
    ASSERT_TRUE(m.ok()) << m.err().message;
    closed.push_back(agg::decode_state(agg::encode_state(*m)[0], "closed").value());
  }
  EXPECT_EQ(difference(merged_csv(std::move(closed)), expected), "");
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
