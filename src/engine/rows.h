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

class row_index;

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
  // serve's row index, and keys (row_index::ranges) every row `where` keeps
  // is filed under (a node's address; an edge's two ends): only the blocks
  // of indexed files that may hold them all are read. The caller vouches
  // for that promise; the filter still decides every row.
  const row_index* index = nullptr;
  std::vector<uint64_t> index_keys;
};

struct rows_result {
  // One per input read (reading stops once `limit` rows are out). A file
  // read through the index counts only the lines of the blocks read.
  std::vector<zeek::file_report> files;
  uint64_t indexed_bytes = 0;  // bytes of the files read through the index
  uint64_t index_read = 0;     // of those, the bytes of the blocks read
  uint64_t written = 0;
  uint64_t matched = 0;  // rows the filter kept (all of them with count_all)
};

// Reads the inputs in order and writes the rows `where` matches to `out`.
// Errors: error_kind::io (inputs), error_kind::usage (a column the inputs
// lack, a filter that does not fit them).
result<rows_result> write_rows(const rows_options& opts, std::ostream& out);

}  // namespace zeekgraph::engine
