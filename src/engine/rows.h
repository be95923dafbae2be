// `zeekgraph rows`: the raw connections behind a question, in input order.
// The drill-down on the command line, and a zeek-cut for every format.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "io/input_paths.h"
#include "query/filter.h"
#include "table/row_writer.h"
#include "util/result.h"
#include "zeek/file_report.h"
#include "zeek/log_reader.h"

namespace zeekgraph::engine {

struct rows_options {
  std::vector<std::string> inputs;       // files, directories, globs, "-"
  io::expand_options expand;
  zeek::reader_options reader;
  std::shared_ptr<const query::filter> where;  // null: every row
  std::vector<std::string> columns;      // empty: every column of the first input
  uint64_t offset = 0;                   // matching rows skipped first
  uint64_t limit = 0;                    // rows written at most (0: all)
  bool count_all = false;                // read on past `limit`, to count every match
  table::row_format format = table::row_format::zeek;
};

struct rows_result {
  std::vector<zeek::file_report> files;  // one per input read (reading stops once `limit` rows are out)
  uint64_t written = 0;
  uint64_t matched = 0;  // rows the filter kept (all of them with count_all)
};

// Reads the inputs in order and writes the rows `where` matches to `out`.
// Errors: error_kind::io (inputs), error_kind::usage (a column the inputs
// lack, a filter that does not fit them).
result<rows_result> write_rows(const rows_options& opts, std::ostream& out);

}  // namespace zeekgraph::engine
