// The summarize job: expand inputs, read every file (big plain files in
// line-aligned chunks on all threads), aggregate, merge, and finalize.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "agg/query_spec.h"
#include "io/input_paths.h"
#include "io/input_source.h"
#include "query/filter.h"
#include "table/summary_table.h"
#include "util/result.h"
#include "zeek/file_report.h"
#include "zeek/log_reader.h"

namespace zeekgraph::engine {

// A row sink a row_observer puts in front of a piece's consumer: it forwards
// every row, and learns where each row starts from the piece's reader.
class observed_sink : public zeek::row_sink {
 public:
  void attach(const zeek::log_reader& reader) { reader_ = &reader; }

 protected:
  const zeek::log_reader* reader_ = nullptr;  // set before the first row
};

// Sees the rows of every piece of a plain (mapped) input file as the scan
// reads them, before --where: serve's row index (engine/row_index). Called
// on the reading threads; a file read again is seen again.
class row_observer {
 public:
  virtual ~row_observer() = default;
  // A sink forwarding to `next` for one piece of `path`, whose reader hands
  // it cells of `reader_columns`; null: nothing to observe.
  virtual std::unique_ptr<observed_sink> piece(const std::string& path,
                                               const std::vector<std::string>& reader_columns,
                                               zeek::row_sink& next) = 0;
};

struct summarize_options {
  std::vector<std::string> inputs;  // files, directories, globs, "-"
  agg::query_spec spec = agg::query_spec::seed();
  // --where: only rows it matches reach the aggregate (null: every row).
  // The filter is checked against the inputs' columns before the scan.
  std::shared_ptr<const query::filter> where;
  unsigned threads = 0;             // 0: every core
  zeek::reader_options reader;
  io::expand_options expand;
  uint64_t chunk_bytes = uint64_t{64} << 20;  // plain files above this split across threads
  // A pipelined gzip stream's blocks: 1 MiB, parsed while partly still in
  // the cache the inflater wrote them to (8 MiB blocks took 3-7% longer).
  uint64_t stream_block_bytes = uint64_t{1} << 20;
  // Group states, the ordered sums and the output table may use this much,
  // counted with the copy a doubling table needs; 0: three quarters of RAM or
  // of the cgroup's memory.max, whichever is lower.
  uint64_t memory_limit = 0;
  // Reads only the lines that start in [first, second) of the one input,
  // an uncompressed file, after its header: a map task's byte range
  // (python/zeekgraph/distributed.py). Positions past the end are its end.
  std::optional<std::pair<uint64_t, uint64_t>> range;
  // Typing decided elsewhere: the other pieces of a distributed job showed
  // pandas would read these columns as text, or need exact int64 states or
  // Kahan sums for them, whatever this input's values alone would decide,
  // so that every piece's state is typed alike (agg/state_file).
  std::vector<std::string> force_text, force_exact_ints, force_kahan_sums;
  // A state (summarize_state) may keep nunique fingerprints where summarize()
  // would: for a distributed job, whose reduce tasks check them and which
  // runs again with exact pairs should they repeat (agg/state_file). A state
  // saved to merge later keeps exact pairs.
  bool state_fingerprints = false;
  // nunique's pairs kept in memory per slice before they spill (0: the
  // plan's default): a map task of a bounded piece keeps them all, since it
  // hands them over in memory anyway (agg::aggregate_plan::nunique_memory).
  size_t nunique_memory = 0;
  std::atomic<uint64_t>* progress = nullptr;  // on-disk bytes read so far
  row_observer* observe = nullptr;            // sees the rows of plain files as they are read
  // Opens one input; empty means io::input_source::open. Tests put sources
  // that fail in chosen ways here.
  std::function<result<std::unique_ptr<io::input_source>>(const std::string&)> open_input;
};

struct summarize_result {
  table::summary_table table;
  std::vector<zeek::file_report> files;  // one per input file, in input order
  std::vector<std::string> retyped;      // columns the data showed to be typed otherwise
  // Text columns whose distinct values were counted from fingerprints until
  // a value repeated, then read again with exact pairs.
  std::vector<std::string> recounted;
  // The input was read again on one thread, because a result depends on row
  // order across pieces read apart: a chunked file had to be read again
  // alone after its chunks' float values were summed in order, or a float
  // column kept by min or max holds -0.0 (pandas keeps the first zero).
  bool resummed = false;
  // Such a result could not be made in input order, because stdin cannot be
  // read again: those float sums, or the sign of such a zero, follow the
  // order the threads read (-j 1 gives pandas' digits).
  bool unordered = false;
  // A file read in chunks shrank while it was read (a log rotated with
  // copytruncate), so the input was read again: the counts are those of the
  // lines before its new end.
  bool shrank_reread = false;
  unsigned passes = 1;
  bool stopped = false;                  // --strict stopped at a problem (then `table` is empty)
};

// Errors: error_kind::io (inputs missing or unreadable), error_kind::usage
// (a column typed by the data differs and the input cannot be read again),
// error_kind::resource (the group states would pass memory_limit).
result<summarize_result> summarize(const summarize_options& opts);

// The paths `inputs` expand to, and their total size on disk (for progress).
result<std::vector<std::string>> list_inputs(const summarize_options& opts, uint64_t& total_bytes);

}  // namespace zeekgraph::engine
