#include "engine/summarize.h"
#include "engine/summary_passes.h"
#include "engine/filter_sink.h"
#include "engine/input_columns.h"
#include "engine/stream_split.h"
#include "engine/work_order.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <condition_variable>
#include <exception>
#include <functional>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "agg/aggregate_plan.h"
#include "agg/finalize.h"
#include "agg/partial_aggregate.h"
#include "agg/sum_replay.h"
#include "io/input_source.h"
#include "util/parallel.h"
#include "zeek/header_line.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine {
namespace {

constexpr size_t BLOCK = size_t{8} << 20;       // bytes a reader takes at a time
constexpr size_t STREAM_READ = size_t{4} << 20;  // bytes a stream reads at a time
constexpr size_t READ_AT = size_t{256} << 10;    // bytes a plain file is read at a time
constexpr size_t TAKE_SUMS_AT = size_t{1} << 16;  // logged values a slice hands on at a time
constexpr size_t NO_ITEM = SIZE_MAX;

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

struct null_sink final : zeek::row_sink {
  zeek::row_verdict add_row(const zeek::cell*) override { return {}; }
};

zeek::problem stream_problem(const io::stream_issue& s) {
  zeek::problem p;
  switch (s.kind) {
    case io::stream_issue_kind::gzip_truncated: p.kind = zeek::problem_kind::gzip_truncated; break;
    case io::stream_issue_kind::gzip_trailing: p.kind = zeek::problem_kind::gzip_trailing; break;
    case io::stream_issue_kind::gzip_corrupt:
    case io::stream_issue_kind::read_error: p.kind = zeek::problem_kind::gzip_corrupt; break;
  }
  p.byte_offset = s.offset;
  p.message = s.message;
  p.message += " (at compressed byte " + std::to_string(s.offset) + ")";
  p.hint = "rows before the damage were read";
  return p;
}

class runner {
 public:
  runner(const summarize_options& opts, const agg::aggregate_plan& plan,
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
    row_target(const runner& r, agg::partial_aggregate& state, const std::string* observed_path = nullptr)
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

uint64_t runner::read_mapped(io::input_source& src, std::string_view data, uint64_t begin,
                             uint64_t end, zeek::log_reader& reader, const std::function<void()>& after_feed) {
  // Copies of READ_AT bytes, which stay in the cache while they are
  // scanned (see input_source::read_at). A line longer than that is taken
  // from the mapping, once the file is known to still reach `end`.
  std::unique_ptr<char[]> buf(new char[READ_AT]);
  uint64_t pos = begin;
  while (pos < end && !reader.stopped() && !stopped()) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(READ_AT, end - pos));
    const size_t got = src.read_at(pos, buf.get(), want);
    if (got < want) {
      // The file shrank under us (a log rotated with copytruncate) or a
      // read failed: keep the whole lines read, and never touch the
      // mapping past them.
      const size_t used = got ? reader.feed(std::string_view(buf.get(), got), false) : 0;
      add_progress(used);
      return pos + used;
    }
    size_t used = reader.feed(std::string_view(buf.get(), got), pos + got == end);
    if (used == 0) {
      if (src.current_size() < end) return pos;  // shrunk: the mapping is not safe to read
      uint64_t stop = std::min<uint64_t>(end, pos + BLOCK);
      if (stop < end) {
        const void* nl = std::memchr(data.data() + stop, '\n', end - stop);
        stop = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - data.data()) + 1 : end;
      }
      reader.feed(data.substr(pos, stop - pos), stop == end);
      src.release(pos, stop);
      used = static_cast<size_t>(stop - pos);
    }
    add_progress(used);
    pos += used;
    after_feed();
  }
  return end;
}

void runner::read_stream(io::input_source& src, zeek::log_reader& reader, const std::function<void()>& after_feed) {
  std::string buf;
  size_t have = 0;
  bool eof = false, skipping = false;
  uint64_t consumed_seen = 0;
  const size_t limit = std::max(opts_.reader.max_line_bytes, BLOCK) + 1;
  while (!eof && !reader.stopped() && !stopped()) {
    if (buf.size() < have + STREAM_READ) buf.resize(have + STREAM_READ);
    size_t n = src.read(buf.data() + have, STREAM_READ);
    uint64_t c = src.consumed();
    add_progress(c - consumed_seen);
    consumed_seen = c;
    if (n == 0) eof = true;
    if (skipping) {
      // Drop the rest of an over-long line, up to and including its newline.
      const void* nl = std::memchr(buf.data(), '\n', n);
      size_t cut = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1 : n;
      reader.skip(cut);
      std::memmove(buf.data(), buf.data() + cut, n - cut);
      n -= cut;
      if (!nl) continue;
      skipping = false;
    }
    have += n;
    size_t used = reader.feed(std::string_view(buf.data(), have), eof);
    after_feed();
    std::memmove(buf.data(), buf.data() + used, have - used);
    have -= used;
    if (have > limit) {
      reader.reject_overlong(std::string_view(buf.data(), 200), have);
      have = 0;
      skipping = true;
    }
  }
}

// A big gzip stream: this thread decompresses and cuts line-aligned blocks,
// `consumers` - 1 threads parse them, and so does this one whenever the
// queue is full and at the end, each into its own state. Block problems
// carry block-relative line numbers, fixed up in block order afterwards.
void runner::run_pipelined(work_item& item, unsigned consumers) {
  io::input_source* opened = acquire(item.file);
  if (!opened) return;
  io::input_source& src = *opened;
  item.report.path = src.path();
  item.report.gzip = true;

  // Blocks own raw buffers that go back to a pool once parsed: copying each
  // block out, into a fresh zero-filled allocation, cost a memcpy and a
  // page fault per 4 KiB of the decompressed stream.
  struct buffer {
    std::unique_ptr<char[]> data;
    size_t cap = 0;
    void reserve(size_t want, size_t keep) {
      if (want <= cap) return;
      want = std::max(want, cap + cap / 2);  // a long line grows it in O(log) steps, not a read at a time
      std::unique_ptr<char[]> bigger(new char[want]);
      if (keep) std::memcpy(bigger.get(), data.get(), keep);
      data = std::move(bigger);
      cap = want;
    }
  };
  struct block {
    buffer buf;
    size_t size = 0;
    size_t index = 0;
    uint64_t offset = 0;
    bool last = false;
  };
  std::vector<buffer> spare;
  std::mutex mu;
  std::condition_variable cv_items;
  std::deque<block> queue;
  bool closed = false;
  const size_t capacity = consumers + 2;
  std::vector<zeek::file_report> reports;
  std::vector<uint64_t> lines;
  zeek::reader_state start;
  zeek::file_report header;

  auto parse_block = [&](block& b, agg::partial_aggregate& sink) {
    zeek::file_report rep;
    rep.path = src.path();
    row_target target(*this, sink);
    zeek::log_reader reader(columns_, target.sink, rep, opts_.reader);
    zeek::reader_state st = start;
    st.line = 0;
    st.offset = b.offset;
    reader.start(st);
    if (!stopped()) {
      reader.feed(std::string_view(b.buf.data.get(), b.size), b.last);
      if (b.last) reader.finish();
    }
    if (reader.stopped()) stop_ = true;
    take_sums({item.index, b.index}, sink, true);
    std::lock_guard<std::mutex> lock(mu);
    spare.push_back(std::move(b.buf));
    if (reports.size() <= b.index) {
      reports.resize(b.index + 1);
      lines.resize(b.index + 1);
    }
    reports[b.index] = std::move(rep);
    lines[b.index] = reader.state().line;
  };
  // A parser that throws (a spill file that cannot be written) stops the
  // stream; its exception is rethrown once every thread has finished.
  std::exception_ptr consumer_error;
  bool failed = false;
  auto guarded = [&](auto&& fn) {
    try {
      fn();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!consumer_error) consumer_error = std::current_exception();
      failed = true;
      stop_ = true;
      cv_items.notify_all();
    }
  };
  auto consume = [&](agg::partial_aggregate& sink) {
    while (true) {
      block b;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv_items.wait(lock, [&] { return !queue.empty() || closed || failed; });
        if (queue.empty() || failed) return;
        b = std::move(queue.front());
        queue.pop_front();
      }
      parse_block(b, sink);
    }
  };
  auto consume_guarded = [&](agg::partial_aggregate& sink) { guarded([&] { consume(sink); }); };
  // This thread parses too, into a state of its own: when the queue is
  // full it takes the oldest block instead of waiting, and at the end it
  // drains the queue with the others. With one parser a core fewer than
  // threads, no core is shared three ways: sharing left the inflating
  // thread two thirds of a core, and inflating became the longest path.
  const unsigned parsers = std::max(1u, consumers - 1);
  for (unsigned t = 0; t <= parsers; ++t) item.parts.push_back(std::make_unique<agg::partial_aggregate>(plan_));
  agg::partial_aggregate& own = *item.parts[parsers];
  auto push = [&](block b) {
    std::unique_lock<std::mutex> lock(mu);
    while (queue.size() >= capacity && !failed) {
      block oldest = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      guarded([&] { parse_block(oldest, own); });
      lock.lock();
    }
    if (failed) return;
    queue.push_back(std::move(b));
    cv_items.notify_one();
  };
  std::vector<std::thread> pool;
  // Once the header is read (every block starts from its state).
  auto start_parsers = [&] {
    for (unsigned t = 0; t < parsers; ++t) pool.emplace_back(consume_guarded, std::ref(*item.parts[t]));
  };

  // Reads no larger than a block, so a block is handed on as soon as it is
  // full and is parsed while much of it is still in a cache.
  const size_t read_size = static_cast<size_t>(std::clamp<uint64_t>(opts_.stream_block_bytes, 4096, STREAM_READ));
  buffer buf;
  size_t have = 0, index = 0;
  uint64_t offset = 0, consumed_seen = 0;
  bool eof = false, header_done = false;
  null_sink none;
  zeek::log_reader hr(columns_, none, header, opts_.reader);
  hr.start({});
  // Hands the first `cut` bytes on as a block; the rest starts the next buffer.
  auto hand_on = [&](size_t cut, bool last) {
    buffer next;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!spare.empty()) {
        next = std::move(spare.back());
        spare.pop_back();
      }
    }
    next.reserve(std::max<size_t>(have - cut, opts_.stream_block_bytes) + read_size, 0);
    std::memcpy(next.data.get(), buf.data.get() + cut, have - cut);
    block b;
    b.buf = std::move(buf);
    b.size = cut;
    b.index = index++;
    b.offset = offset;
    b.last = last;
    push(std::move(b));
    offset += cut;
    buf = std::move(next);
    have -= cut;
  };
  while (!eof && !stopped()) {
    buf.reserve(have + read_size, have);
    size_t n = src.read(buf.data.get() + have, read_size);
    add_progress(src.consumed() - consumed_seen);
    consumed_seen = src.consumed();
    if (n == 0) eof = true;
    have += n;
    size_t pos = 0;
    if (!header_done) {
      // Read the header lines here, so every block starts with the schema.
      char* data = buf.data.get();
      while (pos < have && zeek::starts_header_line(std::string_view(data + pos, have - pos), offset + pos == 0)) {
        const void* nl = std::memchr(data + pos, '\n', have - pos);
        if (!nl) break;
        size_t next = static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
        hr.feed(std::string_view(data + pos, next - pos), false);
        pos = next;
      }
      std::memmove(data, data + pos, have - pos);
      have -= pos;
      offset += pos;
      if (have > 0 && data[0] == '#' && !eof) continue;  // a header line continues in the next read
      header_done = true;
      start = hr.state();
      start_parsers();
    }
    if (have < opts_.stream_block_bytes && !eof) continue;
    size_t cut = have;
    if (!eof) {
      const char* d = buf.data.get();
      // Where the line holding byte `at - 1` starts.
      auto line_start = [&](size_t at) {
        while (at > 0 && d[at - 1] != '\n') --at;
        return at;
      };
      // Keep the last line back even when it is whole, so the block handed
      // on last always holds the stream's last line ('#close' included).
      // Ending on a block boundary made an empty last block, read without
      // the '#close' an earlier block had seen: a false "no #close" warning.
      size_t i = line_start(have);
      if (i == have) i = line_start(have - 1);
      if (i > 0) cut = i;
      else if (have < (size_t{64} << 20)) continue;  // a very long line: keep reading
    }
    hand_on(cut, eof && cut == have);
  }
  if (!header_done) {  // the stream ended inside the header, or was empty
    start = hr.state();
    start_parsers();
  }
  if (index == 0 || have > 0) hand_on(have, true);
  {
    std::lock_guard<std::mutex> lock(mu);
    closed = true;
  }
  cv_items.notify_all();
  consume_guarded(own);  // the last blocks, beside the other parsers
  for (auto& th : pool) th.join();
  if (consumer_error) std::rethrow_exception(consumer_error);
  if (replay_) replay_->close_item(item.index, index);

  item.report.header_lines = header.header_lines;
  item.report.bytes = header.bytes;
  item.report.format = header.format;
  uint64_t base = start.line;
  for (size_t i = 0; i < reports.size(); ++i) {
    for (auto& p : reports[i].problems)
      if (p.line) p.line += base;
    base += lines[i];
    if (item.report.format.empty()) item.report.format = reports[i].format;
    item.report.append(reports[i]);
  }
  for (const auto& issue : src.issues()) item.report.add_problem(stream_problem(issue));
  if (opts_.reader.strict && !src.issues().empty()) stop_ = true;
  done_with(item.file);
}

io::input_source* runner::acquire(size_t f) {
  std::lock_guard<std::mutex> lock(files_mu_);
  file_slot& slot = files_[f];
  if (!slot.src) {
    auto src = open(paths_[f]);
    if (!src) {
      if (!open_error_) open_error_ = src.err();
      stop_ = true;
      return nullptr;
    }
    slot.src = std::move(*src);
  }
  return slot.src.get();
}

void runner::done_with(size_t f) {
  std::lock_guard<std::mutex> lock(files_mu_);
  file_slot& slot = files_[f];
  if (slot.pending > 0 && --slot.pending == 0) slot.src.reset();
}

void runner::run_item(work_item& item, agg::partial_aggregate& sink) {
  io::input_source* opened = acquire(item.file);
  if (!opened) return;
  io::input_source& src = *opened;
  item.report.path = src.path();
  item.report.gzip = src.gzip();
  row_target target(*this, sink, src.mapped() ? &paths_[item.file] : nullptr);
  zeek::log_reader reader(columns_, target.sink, item.report, opts_.reader);
  target.attach(reader);
  reader.start(item.start);
  const agg::slice_id slice{item.index, 0};
  auto after_feed = [&] { take_sums(slice, sink, false); };
  if (auto m = src.mapped()) {
    const uint64_t end = item.chunk ? item.end : m->size();
    const uint64_t stop = read_mapped(src, *m, item.begin, end, reader, after_feed);
    if (stop < end && opts_.reader.strict) stop_ = true;
    if (stop < end && item.chunk) chunked_shrank_ = true;
    // One report a file, from the first chunk to find it shorter.
    if (stop < end && !shrink_reported_[item.file].exchange(true)) {
      zeek::problem p;
      p.kind = zeek::problem_kind::read_error;
      p.byte_offset = stop;
      p.message = "the file ended at byte " + std::to_string(stop) + " while being read, before byte " +
                   std::to_string(end);
      p.hint = "it shrank (a log rotated with copytruncate?) or a read failed; the lines before were read";
      item.report.add_problem(std::move(p));
    }
  } else {
    read_stream(src, reader, after_feed);
  }
  if (item.last_chunk) reader.finish();
  take_sums(slice, sink, true);
  if (replay_ && item.index != NO_ITEM) replay_->close_item(item.index, 1);
  for (const auto& issue : src.issues()) item.report.add_problem(stream_problem(issue));
  if (opts_.reader.strict && !src.issues().empty()) stop_ = true;
  item.lines = reader.state().line;
  if (reader.stopped()) stop_ = true;
  done_with(item.file);
}

status runner::run(summarize_result& out, std::unique_ptr<agg::partial_aggregate>& total) {
  unsigned threads = thread_count(opts_.threads);
  files_.clear();
  files_.resize(paths_.size());
  open_error_.reset();
  shrink_reported_ = std::make_unique<std::atomic<bool>[]>(paths_.size());
  chunked_shrank_ = false;
  std::vector<work_item> items;
  // Chunked files stay open from here to their last chunk: at most this
  // many, so that descriptors stay bounded (the rest run whole, a thread
  // each, which keeps every thread busy with that many big files anyway).
  const size_t max_chunked = 256;
  size_t chunked = 0;
  for (size_t f = 0; f < paths_.size(); ++f) {
    auto src = open(paths_[f]);
    if (!src) return src.err();
    file_slot& slot = files_[f];
    slot.src = std::move(*src);
    io::input_source& s = *slot.src;
    slot.size_on_disk = s.size_on_disk();
    slot.gzip = s.gzip();
    const size_t items_before = items.size();
    auto m = s.mapped();
    if (opts_.range && !m)
      return error{error_kind::usage, "a byte range needs an uncompressed file, and '" + paths_[f] + "' is not one",
                   "read compressed files whole"};
    if (m && (opts_.range || (threads > 1 && m->size() >= opts_.chunk_bytes && chunked < max_chunked))) {
      ++chunked;
      // Read the header first, then cut the data into line-aligned chunks.
      null_sink none;
      zeek::file_report header;
      zeek::log_reader hr(columns_, none, header, opts_.reader);
      hr.start({});
      uint64_t pos = 0;
      while (pos < m->size() && zeek::starts_header_line(m->substr(pos), pos == 0)) {
        const void* nl = std::memchr(m->data() + pos, '\n', m->size() - pos);
        uint64_t next = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - m->data()) + 1 : m->size();
        hr.feed(m->substr(pos, next - pos), next == m->size());
        pos = next;
      }
      zeek::reader_state st = hr.state();
      const uint64_t data_start = pos;
      // A byte range: the lines that start in it (after the header).
      uint64_t stop_at = m->size();
      if (opts_.range) {
        auto line_at = [&](uint64_t at) -> uint64_t {
          if (at >= m->size()) return m->size();
          if (at == 0 || (*m)[at - 1] == '\n') return at;
          const void* nl = std::memchr(m->data() + at, '\n', m->size() - at);
          return nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - m->data()) + 1 : m->size();
        };
        pos = std::max(pos, line_at(opts_.range->first));
        stop_at = std::max(pos, line_at(opts_.range->second));
      }
      // Chunks of about 32 MiB (at least 4 per thread): threads take them as
      // they finish, so the last one to finish waits for at most one small
      // chunk. With 4 chunks a thread (~350 MB each at 22.7M rows) one
      // thread idled for ~0.3 s at the end.
      size_t nchunks = threads > 1 ? std::max<size_t>(threads * 4, (stop_at - pos) / (size_t{32} << 20)) : 1;
      uint64_t step = (stop_at - pos) / nchunks + 1;
      size_t first = items.size();
      while (pos < stop_at) {
        uint64_t end = std::min<uint64_t>(stop_at, pos + step);
        if (end < stop_at) {
          const void* nl = std::memchr(m->data() + end, '\n', m->size() - end);
          end = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - m->data()) + 1 : m->size();
        }
        work_item it;
        it.file = f;
        it.chunk = true;
        it.begin = pos;
        it.end = end;
        it.start = st;
        it.start.line = 0;
        it.start.offset = pos;
        it.last_chunk = end == m->size();
        items.push_back(std::move(it));
        pos = end;
      }
      if (items.size() == first && opts_.range) {  // an empty range: reads nothing
        work_item it;
        it.file = f;
        it.chunk = true;
        it.begin = it.end = pos;
        it.start = st;
        it.last_chunk = pos == m->size();
        items.push_back(std::move(it));
      } else if (items.size() == first) {  // a header-only file
        work_item it;
        it.file = f;
        items.push_back(std::move(it));
      } else {
        if (items[first].begin == data_start) {  // a range past the header does not count it again
          items[first].report.header_lines = header.header_lines;
          items[first].report.bytes = header.bytes;
        }
        // Chunk line numbers are relative; fixed up below with the header count.
        chunk_headers_.emplace_back(first, st.line);
      }
    } else {
      work_item it;
      it.file = f;
      it.splittable = s.gzip() && s.rereadable();
      items.push_back(std::move(it));
    }
    slot.pending = items.size() - items_before;
    // Whole files are opened again when their turn comes. stdin cannot be.
    if (items.size() == items_before + 1 && !items.back().chunk && s.rereadable()) slot.src.reset();
  }
  // Items are numbered in input order: the order sum_replay sums them in.
  for (size_t i = 0; i < items.size(); ++i) items[i].index = i;
  replay_.reset();
  sums_in_order_ = true;
  if (plan_.ordered_sums && agg::sum_replay::needed(plan_))
    replay_ = std::make_unique<agg::sum_replay>(plan_, items.size(), size_t{16} << 20, keep_values_);
  // Pipelined: a gzip file that is more than one thread's share of all the
  // input (known once every file is open).
  std::vector<uint64_t> file_work(files_.size());
  uint64_t total_work = 0;
  for (size_t f = 0; f < files_.size(); ++f)
    total_work += file_work[f] = input_work(files_[f].size_on_disk, files_[f].gzip);
  for (auto& it : items)
    if (it.splittable)
      it.pipelined = pipeline_stream(file_work[it.file], total_work, threads, input_work(opts_.chunk_bytes / 8, true));
  read_apart_ = threads > 1 && (items.size() > 1 || std::any_of(items.begin(), items.end(),
                                                                [](const work_item& it) { return it.pipelined; }));

  // No more reading threads than pieces: each holds states and buffers.
  // (A pipelined stream starts its own parsers, `threads` of them.)
  const unsigned workers = static_cast<unsigned>(std::clamp<size_t>(items.size(), 1, threads));
  // Whole files share one state per thread, so a single thread reads every
  // row in input order, exactly as pandas does. Chunks keep their own.
  std::vector<std::unique_ptr<agg::partial_aggregate>> per_thread(workers);
  for (auto& p : per_thread) p = std::make_unique<agg::partial_aggregate>(plan_);
  // Chunks of a file share one state per thread (not one per chunk: each
  // state holds every group), kept apart from other files' so the file can
  // be read again alone if its schema changes mid-way.
  std::vector<std::map<size_t, std::unique_ptr<agg::partial_aggregate>>> chunk_states(workers);
  auto chunk_state = [&](unsigned t, size_t file) -> agg::partial_aggregate& {
    auto& slot = chunk_states[t][file];
    if (!slot) slot = std::make_unique<agg::partial_aggregate>(plan_);
    return *slot;
  };
  // Pieces start biggest first.
  std::vector<uint64_t> piece_work(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    piece_work[i] = items[i].chunk ? items[i].end - items[i].begin : file_work[items[i].file];
  const std::vector<size_t> order = largest_first(piece_work, workers);
  std::atomic<size_t> next{0};
  auto work = [&](unsigned t) {
    while (!stopped()) {
      size_t k = next.fetch_add(1);
      if (k >= items.size()) break;
      work_item& it = items[order[k]];
      if (it.pipelined)
        run_pipelined(it, threads);
      else
        run_item(it, it.chunk ? chunk_state(t, it.file) : *per_thread[t]);
    }
  };
  run_on_threads(workers, work);
  if (open_error_) return *open_error_;  // a file went away after planning

  // Past the memory budget: stop here, before merging would double it.
  if (plan_.budget && plan_.budget->exceeded()) {
    total = std::move(per_thread[0]);
    return ok_status();
  }

  // A chunked file whose schema changes mid-way is read again in one piece.
  std::vector<bool> redo(paths_.size(), false);
  for (auto& it : items)
    if ((it.chunk || it.pipelined) && it.report.schema_changes) redo[it.file] = true;

  out.files.assign(paths_.size(), {});
  for (size_t f = 0; f < paths_.size(); ++f) out.files[f].path = paths_[f];
  std::vector<uint64_t> line_base(paths_.size(), 0);
  for (auto [first, lines] : chunk_headers_) line_base[items[first].file] = lines;
  for (auto& it : items) {
    if (redo[it.file] && (it.chunk || it.pipelined)) continue;
    zeek::file_report part = std::move(it.report);
    if (it.chunk) {
      for (auto& p : part.problems)
        if (p.line) p.line += line_base[it.file];
      line_base[it.file] += it.lines;
    }
    zeek::file_report& fr = out.files[it.file];
    std::string path = fr.path;
    if (fr.format.empty()) fr.format = part.format;
    fr.gzip = part.gzip;
    fr.append(part);
    fr.path = path;
  }
  for (size_t f = 0; f < paths_.size(); ++f) {
    if (!redo[f]) continue;
    if (replay_) sums_in_order_ = false;  // its chunks' values were summed already
    files_[f].src.reset();
    files_[f].pending = 1;
    work_item it;
    it.file = f;
    run_item(it, *per_thread[0]);
    if (open_error_) return *open_error_;
    it.report.path = paths_[f];
    out.files[f] = std::move(it.report);
  }

  // Each state is freed as soon as it is folded in. While the total is
  // still empty it takes the next state whole: the same result as folding
  // it in (a chunked file leaves every per-thread state empty, and copying
  // the first chunk state's 80K groups cost 0.1 s at 22.7M rows).
  total = std::move(per_thread[0]);
  auto fold = [&](std::unique_ptr<agg::partial_aggregate>& state) {
    if (total->empty())
      std::swap(total, state);
    else
      total->merge_from(*state);
    state.reset();
  };
  for (unsigned t = 1; t < workers; ++t) fold(per_thread[t]);
  for (auto& states : chunk_states)
    for (auto& [file, state] : states) {
      if (redo[file])
        state.reset();
      else
        fold(state);
    }
  for (auto& it : items) {
    for (auto& p : it.parts) {
      if (redo[it.file])
        p.reset();
      else
        fold(p);
    }
  }
  out.stopped = stop_.load();
  if (replay_ && !out.stopped) {
    if (sums_in_order_ && replay_->complete()) {
      if (keep_values_)
        kept_replay_ = std::move(replay_);
      else
        replay_->apply(*total);
    } else {
      sums_in_order_ = false;
    }
  }
  replay_.reset();  // its key table and sums, before the output is built
  return ok_status();
}

}  // namespace

result<std::vector<std::string>> list_inputs(const summarize_options& opts, uint64_t& total_bytes) {
  auto paths = io::expand_inputs(opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs,
                                 opts.expand);
  if (!paths) return paths.err();
  total_bytes = 0;
  for (const auto& p : *paths) {
    struct stat st {};
    if (p != "-" && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total_bytes += static_cast<uint64_t>(st.st_size);
  }
  return paths;
}

namespace {

// Bytes a reading thread holds besides what its states charge: a stream's
// 4 MiB read buffer and carry-over (or a plain file's copies, or pipelined
// blocks), its float-sum log (1 MiB), the growth between two charges (a
// state charges every 4K groups), and the rows it reads once the budget is
// passed, up to its next 256 KiB read (measured: peak RSS passed a 64 MiB
// limit by 1-2 MiB with 8 MiB a thread, stayed under it with 10).
constexpr uint64_t READ_BUFFERS = uint64_t{10} << 20;

// This process's resident size now.
uint64_t resident_bytes() {
  unsigned long long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu %llu", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGE_SIZE));
}

// The smallest memory limit of the cgroup at `path` (below `root`) and its
// parents, read from `file` in each; UINT64_MAX when none is set ("max").
uint64_t cgroup_limit(const std::string& root, std::string path, const char* file) {
  uint64_t lowest = UINT64_MAX;
  while (true) {
    if (std::FILE* f = std::fopen((root + path + "/" + file).c_str(), "r")) {
      unsigned long long v = 0;
      if (std::fscanf(f, "%llu", &v) == 1 && v > 0) lowest = std::min<uint64_t>(lowest, v);
      std::fclose(f);
    }
    if (path.empty() || path == "/") break;
    path.resize(path.rfind('/'));
  }
  return lowest;
}

// Physical memory, or the limit of this process's memory cgroup where it is
// lower (cgroup v2 memory.max, v1 memory.limit_in_bytes, parents included).
uint64_t usable_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  uint64_t ram = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : uint64_t{16} << 30;
  std::FILE* f = std::fopen("/proc/self/cgroup", "r");
  if (!f) return ram;
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    // "ID:CONTROLLERS:PATH": v2 has no controllers; v1 lists "memory".
    std::string l(line);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    const size_t a = l.find(':'), b = a == std::string::npos ? a : l.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = l.substr(a + 1, b - a - 1), path = l.substr(b + 1);
    if (controllers.empty())
      ram = std::min(ram, cgroup_limit("/sys/fs/cgroup", path, "memory.max"));
    else if (("," + controllers + ",").find(",memory,") != std::string::npos)
      ram = std::min(ram, cgroup_limit("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes"));
  }
  std::fclose(f);
  return ram;
}

error spill_failed(const agg::spill_error& e) {
  return error{error_kind::io, e.what(),
               "nunique's (group, value) pairs and float values waiting to be summed in order go "
               "to temporary files: point TMPDIR at a writable directory with free space"};
}

}  // namespace

result<summary_passes> run_passes(const summarize_options& given, bool for_state) {
  summarize_options opts = given;
  // Lines without the filter's needles are dropped unparsed.
  if (opts.where) opts.reader.needles = opts.where->needles();
  uint64_t total_bytes = 0;
  auto paths = list_inputs(opts, total_bytes);
  if (!paths) return paths.err();
  if (auto st = check_input_columns(*paths, opts.spec.input_columns(), opts.where.get(), opts.open_input); !st)
    return st.err();
  bool rereadable = std::find(paths->begin(), paths->end(), "-") == paths->end();
  if (opts.range && paths->size() != 1)
    return error{error_kind::usage, "a byte range reads one file, and the inputs are " + std::to_string(paths->size()),
                 "name one uncompressed file"};

  // Typing the caller decided (the other pieces of a distributed job) is
  // where this run's starts, and text stays text.
  std::vector<std::string> as_text = opts.force_text, as_numeric, exact_ints = opts.force_exact_ints,
                           kahan_sums = opts.force_kahan_sums, exact_nunique;
  const unsigned threads = thread_count(opts.threads);
  summarize_result out;
  // Three quarters of the memory this process may use (the budget counts
  // the copy a doubling table needs): the rest covers the reading threads'
  // buffers and the input's pages.
  const uint64_t limit = opts.memory_limit ? opts.memory_limit : usable_memory() / 4 * 3;
  // One thread reads every row in input order: the fallback when a result
  // that depends on row order lost it (the ordered sums of a chunked file
  // read again alone, the sign of a zero min or max; see below).
  bool sequential = false, unordered = false, shrank_reread = false;
  summarize_options one_thread = opts;
  one_thread.threads = 1;
  for (unsigned pass = 1;; ++pass) {
    auto plan_owner = std::make_unique<agg::aggregate_plan>(agg::aggregate_plan::make(opts.spec, as_text, as_numeric));
    agg::aggregate_plan& plan = *plan_owner;
    if (opts.nunique_memory) plan.nunique_memory = opts.nunique_memory;
    // Slices read apart sum float columns in input order (sum_replay). One
    // thread reads every piece into one state, in input order (no chunks,
    // no pipelining, files as listed), so it needs no log. A state file
    // keeps every float value in order, for merges to replay (agg/state_file).
    plan.ordered_sums = for_state || (!sequential && threads > 1);
    // stdin cannot be read again: keep exact int states and Kahan sums
    // from the start.
    auto listed = [](const std::vector<std::string>& v, const std::string& n) {
      return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (auto& cp : plan.columns) {
      if (!rereadable || listed(exact_ints, cp.name)) cp.exact_ints = true;
      if (!rereadable || listed(kahan_sums, cp.name)) cp.plain_sum = false;
      // Distinct texts as fingerprints while the input can be read again
      // with exact pairs, should a value repeat (not on the last pass).
      // A state file keeps exact pairs (a merge could not check
      // fingerprints) unless its distributed job checks them.
      cp.fingerprint_nunique = (!for_state || opts.state_fingerprints) && rereadable && pass < 4 && cp.need_nunique &&
                               cp.mode == agg::value_mode::text && !listed(exact_nunique, cp.name);
    }
    auto budget_owner = std::make_unique<agg::memory_budget>(limit);
    agg::memory_budget& budget = *budget_owner;
    // What the process holds already (code, libraries, the caller's data)
    // and each reading thread's buffers count too: the limit bounds the
    // peak resident size, not just the tables.
    budget.charge(resident_bytes() + threads * READ_BUFFERS);
    plan.budget = &budget;
    std::unique_ptr<agg::partial_aggregate> total;
    summarize_result attempt;
    runner r(sequential ? one_thread : opts, plan, *paths);
    if (for_state) r.keep_values();
    try {
      if (auto s = r.run(attempt, total); !s) return s.err();
    } catch (const agg::spill_error& e) {
      return spill_failed(e);
    }
    auto past_limit = [&] {
      return error{error_kind::resource,
                   "the summary would pass the memory limit of " + std::to_string(limit >> 20) + " MiB",
                   "group by fewer or coarser columns, or raise --memory-limit"};
    };
    if (budget.exceeded()) return past_limit();
    // pandas types each column by its data. When ours was typed otherwise
    // (a non-number in a column taken as numeric, or numbers only in one
    // taken as text) read again with the data's type.
    bool again = false;
    bool order_lost = !r.sums_in_order();
    total->flush();  // the last batch's rows, before distinct values are checked
    for (size_t c = 0; c < plan.columns.size(); ++c) {
      const auto& cp = plan.columns[c];
      const auto& facts = total->facts(c);
      if (cp.mode == agg::value_mode::numeric && (cp.need_minmax || cp.need_sum) && !cp.exact_ints &&
          facts.reads_as_int() && !facts.ints_exact_in_double()) {
        exact_ints.push_back(cp.name);  // integers past 2^53: read again with exact states
        again = true;
      }
      if (cp.mode == agg::value_mode::numeric && cp.need_sum && cp.plain_sum &&
          (facts.float_text > 0 || !facts.ints_exact_in_double())) {
        kahan_sums.push_back(cp.name);  // not all small integers: read again with Kahan sums
        again = true;
      }
      if (cp.fingerprint_nunique && !attempt.stopped) {
        bool distinct;
        try {
          distinct = total->distinct(c).values_distinct(threads);
        } catch (const agg::spill_error& e) {
          return spill_failed(e);
        }
        if (!distinct) {
          exact_nunique.push_back(cp.name);  // a value repeats: read again with exact pairs
          again = true;
        }
      }
      // pandas keeps the first of equal values, so a float min or max of
      // zero has the sign of the first zero in row order. Slices read apart
      // (and a thread's pieces, taken largest first) cannot tell which came
      // first, unless sum_replay kept the column in order.
      if (r.read_apart() && cp.mode == agg::value_mode::numeric && cp.need_minmax &&
          !(plan.ordered_sums && cp.kahan_sum()) && !facts.reads_as_int() && facts.negative_zeros > 0)
        order_lost = true;
      if (cp.numeric_required) continue;
      if (cp.mode == agg::value_mode::numeric && facts.not_numeric > 0) {
        as_text.push_back(cp.name);
        again = true;
      } else if (cp.mode == agg::value_mode::text && facts.values > 0 && facts.not_numeric == 0 &&
                 !listed(opts.force_text, cp.name)) {
        as_numeric.push_back(cp.name);
        again = true;
      }
    }
    // Results pandas gets from rows in input order, which states read
    // apart could not keep: the Kahan sums of a file read again alone, and
    // the sign of a zero min or max. One thread reads the rows in order;
    // stdin cannot be read again, so then the result says so instead.
    if (!again && !attempt.stopped && !sequential && order_lost) {
      if (rereadable) {
        sequential = true;
        continue;
      }
      unordered = true;
    }
    // A file read in chunks that shrank during the pass: read it all again
    // (once), which takes exactly the lines before its new end at any -j.
    if (r.chunked_file_shrank() && rereadable && !shrank_reread && !attempt.stopped) {
      shrank_reread = true;
      again = true;
    }
    if (again && pass < 4 && !attempt.stopped) {
      if (!rereadable)
        return error{error_kind::usage,
                     "a column's values are not of the type first assumed, and stdin cannot be "
                     "read twice",
                     "save the input to a file and pass its path"};
      out.retyped = as_text;
      out.retyped.insert(out.retyped.end(), as_numeric.begin(), as_numeric.end());
      continue;
    }
    attempt.passes = pass;
    attempt.shrank_reread = shrank_reread;
    attempt.retyped = out.retyped;
    attempt.recounted = exact_nunique;
    attempt.resummed = sequential;
    attempt.unordered = unordered;
    summary_passes done;
    if (attempt.stopped || for_state) {  // --strict stopped: the table is not written, so not made
      done.result = std::move(attempt);
      if (!done.result.stopped) {
        done.replay = r.take_replay();
        done.total = std::move(total);
        done.plan = std::move(plan_owner);
        done.budget = std::move(budget_owner);
      }
      return done;
    }
    // The table is built beside the total state: a summary that would not
    // fit stops here, before it is made.
    budget.charge(agg::finalize_bytes(*total));
    if (budget.exceeded()) return past_limit();
    try {
      attempt.table = agg::finalize(*total, threads);
    } catch (const agg::spill_error& e) {
      return spill_failed(e);
    }
    done.result = std::move(attempt);
    return done;
  }
}

result<summarize_result> summarize(const summarize_options& opts) {
  auto done = run_passes(opts, false);
  if (!done) return done.err();
  return std::move(done->result);
}

}  // namespace zeekgraph::engine
