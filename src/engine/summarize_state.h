// Summaries as state files: a run that keeps its partial aggregate instead
// of (or before) finalizing it, so that runs over separate inputs (hours,
// days, machines) merge into the summary one run over all of them gives,
// byte for byte (agg/state_file).
#pragma once

#include <string>
#include <vector>

#include "agg/state_file.h"
#include "engine/summarize.h"
#include "util/result.h"

namespace zeekgraph::engine {

// Summarizes `opts.inputs` (or opts.range of the one input) into a state:
// the same passes as summarize(), with every float sum's values kept in
// input order and exact nunique pairs. The inputs are the state's pieces,
// named as listed. `result` gets the per-file reports and notes (no table).
// Errors: those of summarize(). With --strict stopped, result.stopped is
// set and the state is empty.
result<agg::saved_state> summarize_state(const summarize_options& opts, summarize_result& result);

// Reads the state files at `paths` and merges them in input order (see
// agg::merge_states). Errors: error_kind::io for a file that cannot be
// read, error_kind::corrupt for one that is not a whole state file, and
// merge_states' errors.
result<agg::saved_state> merge_state_files(const std::vector<std::string>& paths, bool close = false,
                                           unsigned threads = 1);

// Writes `state` to `path` whole or not at all (io::output_file), as one
// file, or as `partitions` files PATH.0, PATH.1, ... (hash partitions of
// the groups). Consumes its nunique pairs. Errors: error_kind::io.
status write_state_file(agg::saved_state& state, const std::string& path, uint32_t partitions = 1);

}  // namespace zeekgraph::engine
