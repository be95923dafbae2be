// The piece runner: one pass of summarize() over every input. It cuts the
// inputs into pieces (whole files, line-aligned chunks of big plain files,
// a big gzip stream parsed on every thread: gzip_pipeline.cpp), runs them on
// a pool of threads, biggest first, each into its own partial state behind
// the filter, and merges the states in input order. The pass loop
// (summarize.cpp) decides what to make of the pass, and whether to read
// again (engine/reread.h). Internal to engine/.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/partial_aggregate.h"
#include "agg/sum_replay.h"
#include "engine/filter_sink.h"
#include "engine/summarize.h"
#include "io/input_source.h"
#include "util/result.h"
#include "zeek/file_report.h"
#include "zeek/log_reader.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine::detail {

inline constexpr size_t BLOCK = size_t{8} << 20;       // bytes a reader takes at a time
inline constexpr size_t STREAM_READ = size_t{4} << 20;  // bytes a stream reads at a time
inline constexpr size_t READ_AT = size_t{256} << 10;    // bytes a plain file is read at a time
inline constexpr size_t TAKE_SUMS_AT = size_t{1} << 16;  // logged values a slice hands on at a time
inline constexpr size_t NO_ITEM = SIZE_MAX;
// A piece of at least GROW_PIECE bytes, a GROW_AFTER-th of it read, expects
// the rest at the same rate (agg::partial_aggregate::expect_growth).
inline constexpr uint64_t GROW_PIECE = uint64_t{64} << 20;
inline constexpr uint64_t GROW_AFTER = 16;

// A piece of work: a whole file, or a line-aligned chunk of a mapped one.
struct work_item {
  size_t index = NO_ITEM;  // in input order; NO_ITEM: read again alone, outside the ordered sums
  size_t file = 0;
  bool chunk = false;
  uint64_t begin = 0, end = 0;
  zeek::reader_state start;
  bool last_chunk = true;
  // Filled by the worker.
  zeek::file_report report;
  bool splittable = false;                      // a rereadable gzip stream: could be pipelined
  bool pipelined = false;                       // a big stream parsed on all threads
  std::vector<std::unique_ptr<agg::partial_aggregate>> parts;  // its per-thread states
  uint64_t lines = 0;                           // lines the reader saw
};

// A gzip stream's damage as a problem of its file.
zeek::problem stream_problem(const io::stream_issue& s);

class piece_runner {
 public:
  piece_runner(const summarize_options& opts, const agg::aggregate_plan& plan,
         const std::vector<std::string>& paths)
      : opts_(opts), plan_(plan), paths_(paths), columns_(plan.inputs) {
    // The reader binds the aggregate's columns, then those only the filter
    // reads; cells past the aggregate's are ignored by it.
    if (opts.where)
      for (const auto& c : opts.where->columns()) {
        auto at = std::find_if(columns_.begin(), columns_.end(),
                               [&](const std::string& have) { return zeek::same_column(have, c); });
        filter_cells_.push_back(static_cast<int>(at - columns_.begin()));
        if (at == columns_.end()) columns_.push_back(c);
      }
  }

  // One pass over every input. Returns false with an error on I/O failure.
  status run(summarize_result& out, std::unique_ptr<agg::partial_aggregate>& total);
  // The Kahan sums in `total` are pandas' (in input order): false only
  // when a chunked file had to be read again alone, after its chunks'
  // values were summed.
  bool sums_in_order() const { return sums_in_order_; }
  // More than one state read the input (threads, and more than one piece),
  // so rows met in different states were not met in input order.
  bool read_apart() const { return read_apart_; }
  // A file read in chunks shrank during the pass (a log rotated with
  // copytruncate): chunks read before it shrank may hold lines past its new
  // end, so only reading it again gives the prefix it has now.
  bool chunked_file_shrank() const { return chunked_shrank_.load(); }
  // For a state file: the float values of the Kahan-summed columns are
  // kept in input order (sum_replay's keep_values), not summed into the
  // total; take_replay() hands them on after run().
  void keep_values() { keep_values_ = true; }
  std::unique_ptr<agg::sum_replay> take_replay() { return std::move(kept_replay_); }

 private:
  void run_item(work_item& item, agg::partial_aggregate& sink);
  // Reads [begin, end) of a plain file; returns where it stopped, `end`
  // unless the file ended early (it shrank while being read).
  uint64_t read_mapped(io::input_source& src, std::string_view data, uint64_t begin, uint64_t end,
                       zeek::log_reader& reader, const std::function<void()>& after_feed);
  result<std::unique_ptr<io::input_source>> open(const std::string& path) const {
    return opts_.open_input ? opts_.open_input(path) : io::input_source::open(path);
  }
  void read_stream(io::input_source& src, zeek::log_reader& reader, const std::function<void()>& after_feed);
  // Hands what `sink` logged for the ordered sums on, as slice `at`'s. A
  // file read again alone (NO_ITEM) drops its log: the pass is read once
  // more on one thread, and the log would otherwise grow with the file.
  void take_sums(agg::slice_id at, agg::partial_aggregate& sink, bool last) {
    if (!replay_ || (!last && sink.sum_log_size() < TAKE_SUMS_AT)) return;
    if (at.item == NO_ITEM)
      sink.sum_log().clear();
    else
      replay_->take(at, sink, last);
  }
  // In gzip_pipeline.cpp.
  void run_pipelined(work_item& item, unsigned consumers);
  // --strict stopped, or the group states passed the memory budget.
  bool stopped() const {
    return stop_.load(std::memory_order_relaxed) || (plan_.budget && plan_.budget->exceeded());
  }
  void add_progress(uint64_t n) {
    if (opts_.progress) opts_.progress->fetch_add(n, std::memory_order_relaxed);
  }

  // Inputs are opened when a piece needs them and closed when the file's
  // last piece is done, so 100,000 small files need a descriptor a thread,
  // not one a file (ulimit -n is often 1024). Planning opens each file once
  // (gzip is told by its magic bytes) and keeps only chunked files open.
  struct file_slot {
    std::unique_ptr<io::input_source> src;
    size_t pending = 0;  // pieces of the file not finished
    uint64_t size_on_disk = 0;
    bool gzip = false;
  };
  // The file's source, opened if it is closed; null after an open failure
  // (recorded in open_error_, and the pass stops).
  io::input_source* acquire(size_t f);
  // One piece of file `f` is done; the last one closes the file.
  void done_with(size_t f);

  // What a reader hands rows to: the aggregate, behind the filter if any.
  // Lives as long as the reader that uses it.
  struct row_target {
    // `observed_path`: a plain file's path, whose rows opts_.observe sees.
    row_target(const piece_runner& r, agg::partial_aggregate& state, const std::string* observed_path = nullptr)
        : filtered(r.opts_.where ? std::make_unique<filter_sink>(*r.opts_.where, r.filter_cells_, state) : nullptr),
          observed(r.opts_.observe && observed_path
                       ? r.opts_.observe->piece(*observed_path, r.columns_, filtered ? static_cast<zeek::row_sink&>(*filtered) : state)
                       : nullptr),
          sink(observed ? static_cast<zeek::row_sink&>(*observed)
               : filtered ? static_cast<zeek::row_sink&>(*filtered)
                          : state) {}
    void attach(const zeek::log_reader& reader) {
      if (observed) observed->attach(reader);
    }
    std::unique_ptr<filter_sink> filtered;
    std::unique_ptr<observed_sink> observed;
    zeek::row_sink& sink;
  };

  const summarize_options& opts_;
  const agg::aggregate_plan& plan_;
  const std::vector<std::string>& paths_;
  std::vector<std::string> columns_;  // the reader's: the plan's inputs, then the filter's others
  std::vector<int> filter_cells_;     // per filter column, its index in columns_
  std::vector<file_slot> files_;
  std::mutex files_mu_;
  std::optional<error> open_error_;
  std::vector<std::pair<size_t, uint64_t>> chunk_headers_;  // first chunk item, header lines
  std::unique_ptr<std::atomic<bool>[]> shrink_reported_;    // per file: a read_error was reported
  std::atomic<bool> stop_{false};
  std::unique_ptr<agg::sum_replay> replay_;  // plan_.ordered_sums with Kahan-summed columns
  bool sums_in_order_ = true;
  bool read_apart_ = false;
  bool keep_values_ = false;
  std::unique_ptr<agg::sum_replay> kept_replay_;
  std::atomic<bool> chunked_shrank_{false};
};

}  // namespace zeekgraph::engine::detail
