// The gzip pipeline of the piece runner: see run_pipelined in piece_runner.h.
#include "engine/piece_runner.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "zeek/header_line.h"

namespace zeekgraph::engine::detail {
// A big gzip stream: this thread decompresses and cuts line-aligned blocks,
// `consumers` - 1 threads parse them, and so does this one whenever the
// queue is full and at the end, each into its own state. Block problems
// carry block-relative line numbers, fixed up in block order afterwards.
void piece_runner::run_pipelined(work_item& item, unsigned consumers) {
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
  zeek::null_sink none;
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


}  // namespace zeekgraph::engine::detail
