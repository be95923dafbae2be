// What `rows` reads and writes, worked out once from rows_options: the
// inputs, the columns written (with their Zeek types), the columns the
// reader binds (the written ones, then those only the filter reads), and
// the sink that filters rows and writes the ones it keeps. Shared by the
// sequential writer (engine/rows) and the threaded stream (engine/row_stream).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/rows.h"
#include "io/input_source.h"
#include "table/row_writer.h"
#include "util/result.h"
#include "zeek/log_reader.h"
#include "zeek/row_sink.h"

namespace zeekgraph::engine {

struct row_plan {
  std::vector<std::string> paths;             // the inputs, expanded
  std::vector<table::row_column> written;     // the columns written, in order
  std::vector<std::string> reader_columns;    // written ones first, then the filter's others
  std::vector<int> filter_cells;              // per filter column, its index in reader_columns
  zeek::reader_options reader;                // with the filter's needles, and verbatim lines when they serve
};

// Errors: error_kind::io (inputs), error_kind::usage (a column the inputs
// lack, a filter that does not fit them, stdin without --columns).
result<row_plan> plan_rows(const rows_options& opts);

// Applies the filter, then skips `offset` matches and writes up to `limit`
// (0: all) of the rest.
class row_output final : public zeek::row_sink {
 public:
  row_output(const rows_options& o, const row_plan& plan, table::row_writer& w, uint64_t offset, uint64_t limit);
  zeek::row_verdict add_row(const zeek::cell* cells) override { return take(cells, {}); }
  // A line the reader vouches a Zeek writer writes unchanged is copied
  // (plan_rows asks for them when all of a line is written as Zeek TSV).
  zeek::row_verdict add_line(const zeek::cell* cells, std::string_view line) override { return take(cells, line); }
  bool full() const { return limit_ && written_ >= limit_; }
  uint64_t written() const { return written_; }
  uint64_t matched() const { return matched_; }

 private:
  zeek::row_verdict take(const zeek::cell* cells, std::string_view line);
  const rows_options& opts_;
  const row_plan& plan_;
  table::row_writer& writer_;
  std::vector<zeek::cell> gathered_;
  uint64_t offset_, limit_;
  uint64_t skipped_ = 0, written_ = 0, matched_ = 0;
};

// Reading a plain file by ranges, all with pread: a read from the mapping,
// even of one byte a block, mapped the kernel's readahead window with it
// (MADV_SEQUENTIAL), which held the whole file resident.
//
// The start of the first line at or after `at` in a file of `size` bytes:
// `at` when a line starts there, else the start of the next line.
uint64_t line_start_at(const io::input_source& src, uint64_t size, uint64_t at);
// Feeds the file's leading header lines ('#' lines, or a CSV header line) to
// `reader`; returns where they end.
uint64_t read_header_lines(const io::input_source& src, uint64_t size, zeek::log_reader& reader, std::string& buf);
// Feeds `reader` the lines that start in [from, to), a megabyte at a time
// while !done(); returns the bytes read. The reader's state is the caller's.
uint64_t read_line_range(const io::input_source& src, uint64_t size, uint64_t from, uint64_t to,
                         zeek::log_reader& reader, const std::function<bool()>& done, std::string& buf);

// Feeds `reader` the whole of `src` from where it stands, a megabyte at a
// time while !done() (a mapped file's pages are released once copied); a
// line past `max_line_bytes` is rejected and skipped. Returns true when the
// stream was read to its end (the caller then calls reader.finish()).
bool read_whole_stream(io::input_source& src, zeek::log_reader& reader, size_t max_line_bytes,
                       const std::function<bool()>& done, std::string& buf);

}  // namespace zeekgraph::engine
