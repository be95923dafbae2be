#include "zeek/file_report.h"

namespace zeekgraph::zeek {

const char* to_string(problem_kind k) {
  switch (k) {
    case problem_kind::field_count: return "field-count";
    case problem_kind::bad_number: return "bad-number";
    case problem_kind::bad_json: return "bad-json";
    case problem_kind::wrong_type: return "wrong-type";
    case problem_kind::missing_field: return "missing-field";
    case problem_kind::empty_line: return "empty-line";
    case problem_kind::nul_byte: return "nul-byte";
    case problem_kind::line_too_long: return "line-too-long";
    case problem_kind::cut_final_line: return "cut-final-line";
    case problem_kind::missing_close: return "missing-close";
    case problem_kind::gzip_truncated: return "gzip-truncated";
    case problem_kind::gzip_trailing: return "gzip-trailing-garbage";
    case problem_kind::gzip_corrupt: return "gzip-corrupt";
    case problem_kind::header_mismatch: return "header-mismatch";
    case problem_kind::read_error: return "read-error";
  }
  return "?";
}

bool rejects_line(problem_kind k) {
  switch (k) {
    case problem_kind::cut_final_line:
    case problem_kind::missing_close:
    case problem_kind::gzip_truncated:
    case problem_kind::gzip_trailing:
    case problem_kind::gzip_corrupt:
    case problem_kind::header_mismatch:
    case problem_kind::read_error:
      return false;
    default:
      return true;
  }
}

void file_report::add_problem(problem p) {
  if (problems.size() < MAX_PROBLEMS)
    problems.push_back(std::move(p));
  else
    ++problems_suppressed;
}

void file_report::append(const file_report& later) {
  bytes += later.bytes;
  lines_read += later.lines_read;
  header_lines += later.header_lines;
  rows_used += later.rows_used;
  rows_rejected += later.rows_rejected;
  rows_null_key += later.rows_null_key;
  rows_filtered += later.rows_filtered;
  rows_skipped += later.rows_skipped;
  schema_changes += later.schema_changes;
  for (const auto& p : later.problems) add_problem(p);
  problems_suppressed += later.problems_suppressed;
}

}  // namespace zeekgraph::zeek
