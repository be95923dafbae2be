#include "table/table_writer.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

namespace zeekgraph::table {

summary_table sample() {
  summary_table t;
  column k{"key", column_type::string, {}, {}, {"a", "b,c", "q\"d"}, {}};
  column n{"n", column_type::int64, {1, -2, 3}, {}, {}, {}};
  column f{"f", column_type::float64, {}, {1331901000.0, std::nan(""), 6.2e-05}, {}, {}};
  t.columns = {k, n, f};
  return t;
}

TEST(table_writer, csv_like_pandas_to_csv) {
  std::ostringstream out;
  write_table(sample(), table_format::csv, out);
  EXPECT_EQ(out.str(), "key,n,f\na,1,1331901000.0\n\"b,c\",-2,\n\"q\"\"d\",3,6.2e-05\n");
}

TEST(table_writer, ndjson_with_nulls) {
  std::ostringstream out;
  write_table(sample(), table_format::ndjson, out);
  EXPECT_EQ(out.str(),
            "{\"key\":\"a\",\"n\":1,\"f\":1331901000.0}\n{\"key\":\"b,c\",\"n\":-2,\"f\":null}\n"
            "{\"key\":\"q\\\"d\",\"n\":3,\"f\":6.2e-05}\n");
}

// Rows are formatted in blocks on several threads and must come out in
// order, byte for byte as one thread writes them.
TEST(table_writer, threads_write_what_one_thread_writes) {
  summary_table t;
  column k{"key", column_type::string, {}, {}, {}, {}};
  column n{"n", column_type::int64, {}, {}, {}, {}};
  column f{"f", column_type::float64, {}, {}, {}, {}};
  for (int i = 0; i < 5000; ++i) {
    k.strings.push_back(i % 9 == 0 ? "a,\"" + std::to_string(i) : "k" + std::to_string(i));
    n.ints.push_back(i * 7 - 300);
    f.floats.push_back(i % 11 == 0 ? std::nan("") : i / 7.0);
  }
  t.columns = {k, n, f};
  for (table_format fmt : {table_format::csv, table_format::ndjson}) {
    std::ostringstream one;
    write_table(t, fmt, one, 1);
    const std::string text = one.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), fmt == table_format::csv ? 5001 : 5000);
    for (unsigned threads : {2u, 3u, 0u}) {
      std::ostringstream many;
      write_table(t, fmt, many, threads);
      EXPECT_EQ(text, many.str()) << threads;
    }
  }
}

}  // namespace zeekgraph::table
