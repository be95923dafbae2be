// Which columns the inputs offer, read from each file's first lines before
// the scan, so that a query naming a column the input lacks is a usage
// error, not a run that rejects every row and exits 0.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/input_source.h"
#include "query/filter.h"
#include "util/result.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine {

using input_opener = std::function<result<std::unique_ptr<io::input_source>>(const std::string&)>;

// The schema of one input, from its first 64 KiB (decompressed).
// Errors: error_kind::io when it cannot be opened.
result<zeek::log_schema> probe_input(const std::string& path, const input_opener& open);

// Checks that every `wanted` column is in some input. Files are probed in
// order until all are found. A TSV header or the headerless layout is a
// complete list; a JSON log's first object may leave unset fields out, so
// with JSON input the tutorial's 20 conn columns count as present too, and
// stdin (which cannot be read twice) is not probed: with stdin among the
// inputs nothing is refused. Errors: error_kind::usage naming the first
// missing column, its columns as the hint, or two names of one column
// (`ts` and `time`) in one query; error_kind::io when an input cannot be
// opened.
// With `where`, its columns are wanted too, and it is checked against the
// probed columns and their types first (query::filter::check: a caret at an
// unknown column or a literal of the wrong type).
status check_input_columns(const std::vector<std::string>& paths, std::vector<std::string> wanted,
                           const query::filter* where, const input_opener& open);

}  // namespace zeekgraph::engine
