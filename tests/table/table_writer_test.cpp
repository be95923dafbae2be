#include "table/table_writer.h"

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

}  // namespace zeekgraph::table
