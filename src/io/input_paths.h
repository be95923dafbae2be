// Turns command-line inputs into a list of files: plain paths, "-" (stdin),
// globs, and directories walked recursively in sorted order, which keeps
// Zeek's rotated logs (conn.00:00:00-01:00:00.log.gz, ...) in time order.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace zeekgraph::io {

struct expand_options {
  // In directories, take files whose name contains this log path ("conn"),
  // ending in .log, .log.gz, .json, .json.gz or holding ".log.". Empty: all.
  std::string log_path = "conn";
};

// Errors (error_kind::io): a path that does not exist, a glob that matches
// nothing, a directory with no matching logs, a symlink loop.
result<std::vector<std::string>> expand_inputs(const std::vector<std::string>& args,
                                               const expand_options& opts);

}  // namespace zeekgraph::io
