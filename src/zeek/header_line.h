// Parses Zeek ASCII header lines ('#separator', '#fields', ...) into a
// log_format. Handles every version seen in the wild, including the
// pre-2.0 single '# ts<TAB>uid...' line and btest's '###' banner lines.
#pragma once

#include <string_view>

#include "zeek/log_format.h"

namespace zeekgraph::zeek {

enum class header_effect {
  none,        // comment, '#open', '#path', unknown: nothing to rebind
  new_header,  // '#separator': a new log starts here, markers reset
  fields,      // '#fields' or the pre-2.0 line: the schema changed
  types,       // '#types'
  types_mismatch,  // '#types' with another count of entries than '#fields'
  open,        // '#open': the writer will end the log with '#close'
  close,       // '#close'
};

// Applies one '#' line (without its newline) to `fmt`.
header_effect apply_header_line(std::string_view line, log_format& fmt);

// Whether the line `rest` starts with belongs to a log's header: a '#' line,
// or, as the log's first line (`first`), a CSV header (is_csv_header). Those
// who cut a log into pieces read these lines first, so every piece knows
// the schema.
bool starts_header_line(std::string_view rest, bool first);

}  // namespace zeekgraph::zeek
