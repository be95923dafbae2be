// What reading one input file found: line accounting and the first problems.
// Invariant, checked by tests: lines_read == rows_used + rows_rejected +
// rows_null_key + rows_filtered. Header and comment lines ('#...') are
// counted apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zeekgraph::zeek {

enum class problem_kind {
  field_count,     // a data line has too few or too many fields
  bad_number,      // a numeric column holds text that is not a number
  bad_json,        // a JSON line does not parse, or is not an object
  wrong_type,      // a JSON value has the wrong type for its column
  missing_field,   // the log's schema lacks a column the query needs
  empty_line,      // a data line with no bytes
  nul_byte,        // a line holds NUL bytes (interleaved or torn writes)
  line_too_long,   // a line exceeds --max-line-bytes
  cut_final_line,  // the last line has no newline: the file was cut short
  missing_close,   // a Zeek TSV log without '#close': still being written, or cut
  gzip_truncated,  // the gzip stream ends before its trailer
  gzip_trailing,   // bytes after the last gzip member are not gzip
  gzip_corrupt,    // the gzip stream is damaged
  header_mismatch, // '#types' does not list one type per '#fields' name
  read_error,      // a plain file ended early while being read (it shrank, or a read failed)
};

const char* to_string(problem_kind k);

// True for problems that reject a line; the others describe the file.
bool rejects_line(problem_kind k);

struct problem {
  problem_kind kind = problem_kind::field_count;
  uint64_t line = 0;         // 1-based line number in the (decompressed) stream; 0 = file
  uint64_t byte_offset = 0;  // offset of the line start in the decompressed stream
  std::string column;        // column name, when one column is at fault
  std::string message;       // what is wrong, one line
  std::string hint;          // what to try, may be empty
  std::string excerpt;       // the raw line, cut short
};

struct file_report {
  std::string path;
  std::string format;        // "zeek-tsv", "headerless-tsv", "zeek-json"
  bool gzip = false;
  uint64_t bytes = 0;        // decompressed bytes read
  uint64_t lines_read = 0;   // data lines (not '#' lines)
  uint64_t header_lines = 0; // '#' lines
  uint64_t rows_used = 0;
  uint64_t rows_rejected = 0;
  uint64_t rows_null_key = 0;
  uint64_t rows_filtered = 0;  // dropped by --where before the aggregate saw them
  // Of rows_filtered: lines skipped unparsed because they lack every text
  // the filter needs (reader_options::needles), so not checked for problems.
  uint64_t rows_skipped = 0;
  uint64_t schema_changes = 0;  // '#fields' blocks after the first that differ
  std::vector<problem> problems;       // the first MAX_PROBLEMS
  uint64_t problems_suppressed = 0;    // counted, not kept
  uint64_t problems_total() const { return problems.size() + problems_suppressed; }

  static constexpr size_t MAX_PROBLEMS = 5;

  void add_problem(problem p);
  // Appends a later part of the same file: counts add up, problems keep order.
  void append(const file_report& later);
};

}  // namespace zeekgraph::zeek
