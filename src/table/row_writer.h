// Raw connections out, one row at a time, in three formats: a Zeek TSV log
// with its header (which zeekgraph and zeek-cut read back), CSV with ts as
// ISO 8601 UTC, and Zeek-style NDJSON (an unset value's key is left out).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "zeek/row_sink.h"

namespace zeekgraph::table {

enum class row_format { zeek, csv, ndjson };

struct row_column {
  std::string name;       // as written; a headerless log's "time" is written "ts"
  std::string zeek_type;  // for '#types' and NDJSON numbers ("time", "count", "addr", "string", ...)
};

class row_writer {
 public:
  row_writer(std::ostream& out, row_format format, std::vector<row_column> columns);
  // Appends to a string instead, without an ostream's cost a call.
  row_writer(std::string& out, row_format format, std::vector<row_column> columns);
  void header();                        // Zeek: '#separator' .. '#types'; CSV: the names
  void row(const zeek::cell* cells);    // cells[i] is columns[i]'s value
  // Zeek: a row already in Zeek's form, '\n' included
  // (zeek::row_sink::add_line's lines), copied.
  void line(std::string_view zeek_line) { put(zeek_line.data(), zeek_line.size()); }
  void footer();                        // Zeek: '#close'

 private:
  row_writer(std::ostream* stream, std::string* text, row_format format, std::vector<row_column> columns);
  void put(const char* p, size_t n) {
    if (text_)
      text_->append(p, n);
    else
      stream_->write(p, static_cast<std::streamsize>(n));
  }
  std::ostream* stream_;
  std::string* text_;
  row_format format_;
  std::vector<row_column> columns_;
  std::vector<bool> numeric_;  // NDJSON: written as a JSON number when it reads as one
  std::vector<bool> time_;     // CSV: written as ISO 8601 UTC
  std::string line_;
  std::unique_ptr<char[]> zeek_buf_;  // a Zeek line, written without bounds checks
  size_t zeek_cap_ = 0;
};

// Epoch seconds as ISO 8601 UTC with microseconds ("2012-03-16T12:30:00.000000Z");
// text that is not a number is returned as it is.
std::string iso_utc(std::string_view epoch_seconds);

}  // namespace zeekgraph::table
