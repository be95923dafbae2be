#include "engine/row_stream.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/row_index.h"
#include "engine/row_plan.h"
#include "io/input_source.h"

namespace zeekgraph::engine {
namespace {

constexpr size_t CHUNK_BYTES = size_t{1} << 20;      // output a worker hands on at a time
constexpr size_t CHUNK_ROOM = CHUNK_BYTES + (64 << 10);  // a chunk's buffer: the last row runs past CHUNK_BYTES
constexpr size_t PIECE_HOLD = size_t{4} << 20;       // output a piece holds before its worker waits
constexpr size_t AHEAD_PER_THREAD = 2;               // pieces started past the one being taken

// Output in row-aligned chunks. `ends`: where each row ends, kept only
// when an offset or a limit needs counting rows.
struct chunk {
  std::string bytes;
  std::vector<uint32_t> ends;
  size_t rows = 0;
  size_t at = 0;  // bytes taken already
  bool trimmed = false;
};

struct piece {
  size_t file = 0;
  bool whole = false;  // read as a stream (gzip, stdin); else the lines starting in [from, to)
  bool header = false; // a plain file's header lines alone (each file's first piece)
  size_t header_piece = 0;  // the file's header piece (plain files)
  uint64_t from = 0, to = 0;
  bool last_of_file = true;
  // Set when an earlier piece of the file changed its schema: the state to
  // start from instead of the file's header.
  std::optional<zeek::reader_state> start;
  // Under the stream's mutex.
  enum class phase { waiting, running, done } ph = phase::waiting;
  std::atomic<unsigned> generation{0};  // a piece read again drops what an older run made
  std::deque<chunk> out;
  size_t held = 0;
  zeek::file_report report;
  zeek::reader_state end;
  uint64_t matched = 0, read_bytes = 0;
};

}  // namespace

struct row_stream::impl {
  rows_options opts;
  row_plan plan;
  std::function<void()> ready;
  std::vector<std::unique_ptr<piece>> pieces;
  std::vector<bool> indexed;  // per file: read through the index
  std::string head, tail;     // the writer's header and footer
  bool track_rows = false;    // offset or limit: count rows in chunks

  mutable std::mutex mu;
  std::condition_variable work_cv;  // a piece to start, or room in one
  size_t cur = 0;                   // the piece take() is on
  size_t head_at = 0, tail_at = 0;
  bool waiting = false;  // take() returned WAIT: call ready() on news
  std::atomic<bool> stopping{false};
  std::optional<error> failed;
  uint64_t skipped = 0, written = 0;
  rows_result totals;
  std::vector<std::thread> threads;

  size_t thread_count = 1;  // set before the threads start
  size_t window() const { return thread_count * AHEAD_PER_THREAD + 1; }

  void work();
  // What a worker reads of a piece, copied when it takes the piece: the
  // consumer may set `start` for a later run meanwhile.
  struct job {
    size_t file;
    bool whole, header, last_of_file;
    uint64_t from, to;
    std::optional<zeek::reader_state> start;
  };
  void run(piece& p, const job& j, unsigned gen, std::string& buf);
  // A chunk from a worker; false when the piece is no longer wanted.
  // `spare` gets a taken chunk's buffer to fill next, when one is kept.
  bool hand_on(piece& p, unsigned gen, chunk&& c, std::string& spare);
  std::vector<std::string> spares;  // taken chunks' buffers: fresh ones page-fault
  std::string take_spare() {        // with the lock held; empty when none is kept
    std::string s;
    if (!spares.empty()) {
      s = std::move(spares.back());
      spares.pop_back();
      s.clear();
    }
    return s;
  }
  // After take() moved to the next piece: a piece that starts from its
  // file's header is read again from the end of the piece before it when
  // that piece ended with another schema (the file's schema changed). The
  // pieces after it are started again too, so that no worker waits on a
  // piece the consumer will not reach first. With the lock held.
  bool read_again_if_needed();
  void notify() {
    bool call = false;
    {
      std::lock_guard lock(mu);
      call = waiting;
      waiting = false;
    }
    if (call && ready) ready();
  }
};

namespace {

// Filters and formats one piece's rows into chunks.
class piece_sink final : public zeek::row_sink {
 public:
  // `emit` takes a full chunk and may hand back a spare buffer for the next.
  // `room`: a buffer to write the first chunk into.
  piece_sink(const rows_options& o, const row_plan& plan, bool track, std::string room,
             std::function<bool(chunk&&, std::string& spare)> emit)
      : writer_(c_.bytes, o.format, plan.written),
        inner_(o, plan, writer_, 0, 0),
        track_(track),
        emit_(std::move(emit)) {
    c_.bytes = std::move(room);
    if (c_.bytes.capacity() < CHUNK_ROOM) c_.bytes.reserve(CHUNK_ROOM);
  }
  zeek::row_verdict add_row(const zeek::cell* cells) override { return counted(inner_.add_row(cells)); }
  zeek::row_verdict add_line(const zeek::cell* cells, std::string_view line) override {
    return counted(inner_.add_line(cells, line));
  }
  // Hands the chunk on; false once the piece is not wanted.
  bool flush() {
    if (c_.rows == 0) return wanted_;
    chunk c;
    std::swap(c, c_);
    wanted_ = emit_(std::move(c), c_.bytes) && wanted_;
    // Sized once: a string grown by doubling copies itself and faults in
    // twice its pages, which cost more than the rows' formatting.
    if (c_.bytes.capacity() < CHUNK_ROOM) c_.bytes.reserve(CHUNK_ROOM);
    return wanted_;
  }
  bool wanted() const { return wanted_; }
  uint64_t matched() const { return inner_.matched(); }

 private:
  // After inner_ took a row: a row written ends the chunk's bytes so far.
  zeek::row_verdict counted(zeek::row_verdict v) {
    if (inner_.written() != written_) {
      written_ = inner_.written();
      ++c_.rows;
      if (track_) c_.ends.push_back(static_cast<uint32_t>(c_.bytes.size()));
      if (c_.bytes.size() >= CHUNK_BYTES) flush();
    }
    return v;
  }

  chunk c_;  // before writer_, which appends to c_.bytes
  table::row_writer writer_;
  row_output inner_;
  bool track_;
  uint64_t written_ = 0;  // inner_.written() when counted() last looked
  std::function<bool(chunk&&, std::string&)> emit_;
  bool wanted_ = true;
};

}  // namespace

bool row_stream::impl::hand_on(piece& p, unsigned gen, chunk&& c, std::string& spare) {
  bool call = false;
  {
    std::unique_lock lock(mu);
    // Wait while the piece holds enough and is not being taken from, or
    // is and the consumer has not caught up.
    work_cv.wait(lock, [&] { return stopping || failed || p.generation != gen || p.held < PIECE_HOLD; });
    if (stopping || failed || p.generation != gen) return false;
    p.held += c.bytes.size();
    p.out.push_back(std::move(c));
    spare = take_spare();
    call = waiting && &p == pieces[cur].get();
    if (call) waiting = false;
  }
  if (call && ready) ready();
  return true;
}

void row_stream::impl::run(piece& p, const job& j, unsigned gen, std::string& buf) {
  zeek::file_report report;
  report.path = plan.paths[j.file];
  std::string room;
  {
    std::lock_guard lock(mu);
    room = take_spare();
  }
  piece_sink sink(opts, plan, track_rows, std::move(room),
                  [&](chunk&& c, std::string& spare) { return hand_on(p, gen, std::move(c), spare); });
  const std::function<bool()> done = [&] { return !sink.wanted() || p.generation != gen || stopping; };
  auto src = io::input_source::open(plan.paths[j.file]);
  if (!src) {
    std::lock_guard lock(mu);
    if (!failed) failed = src.err();
    work_cv.notify_all();
    return;
  }
  report.gzip = (*src)->gzip();
  zeek::log_reader reader(plan.reader_columns, sink, report, plan.reader);
  uint64_t read_bytes = 0;
  if (j.whole) {
    reader.start({});
    if (read_whole_stream(**src, reader, plan.reader.max_line_bytes, done, buf)) reader.finish();
  } else {
    const uint64_t size = (*src)->mapped()->size();
    uint64_t header = 0;
    if (j.start) {
      reader.start(*j.start);
    } else {
      // Its own copy of the file's header: pieces start in any order.
      zeek::file_report header_report;
      zeek::null_sink nothing;
      zeek::log_reader header_reader(plan.reader_columns, nothing, header_report, plan.reader);
      header_reader.start({});
      header = read_header_lines(**src, size, header_reader, buf);
      zeek::reader_state st = header_reader.state();
      if (j.header) report.append(header_report);  // counted once, by the file's first piece
      reader.start(st);
    }
    const uint64_t from = std::max(j.from, header);
    zeek::reader_state st = reader.state();
    st.offset = line_start_at(**src, size, from);
    st.line = 0;  // unknown without reading what comes before
    reader.start(st);
    read_bytes = read_line_range(**src, size, from, j.to, reader, done, buf);
    if (j.last_of_file && !done()) reader.finish();
  }
  if (!sink.flush()) return;
  std::lock_guard lock(mu);
  if (p.generation != gen) return;
  p.ph = piece::phase::done;
  p.report = std::move(report);
  p.end = reader.state();
  p.matched = sink.matched();
  p.read_bytes = read_bytes;
}

void row_stream::impl::work() {
  std::string buf;
  for (;;) {
    piece* p = nullptr;
    unsigned gen = 0;
    std::optional<job> taken;
    {
      std::unique_lock lock(mu);
      work_cv.wait(lock, [&] {
        if (stopping || failed) return true;
        for (size_t k = cur; k < pieces.size() && k < cur + window(); ++k)
          if (pieces[k]->ph == piece::phase::waiting) return true;
        return false;
      });
      if (stopping || failed) return;
      for (size_t k = cur; k < pieces.size() && k < cur + window(); ++k)
        if (pieces[k]->ph == piece::phase::waiting) {
          p = pieces[k].get();
          break;
        }
      p->ph = piece::phase::running;
      gen = p->generation;
      taken = job{p->file, p->whole, p->header, p->last_of_file, p->from, p->to, p->start};
    }
    run(*p, *taken, gen, buf);
    notify();  // the piece may be done: take() may go on
  }
}

row_stream::row_stream(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

row_stream::~row_stream() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->work_cv.notify_all();
  for (auto& t : impl_->threads) t.join();
}

result<std::unique_ptr<row_stream>> row_stream::start(const rows_options& opts, unsigned threads,
                                                      std::function<void()> ready, uint64_t piece_bytes) {
  piece_bytes = std::max<uint64_t>(piece_bytes, 1);
  auto s = std::make_unique<impl>();
  s->opts = opts;
  auto plan = plan_rows(s->opts);
  if (!plan) return plan.err();
  s->plan = std::move(*plan);
  s->ready = std::move(ready);
  s->track_rows = opts.offset || opts.limit;
  {
    table::row_writer w(s->head, opts.format, s->plan.written);
    w.header();
    table::row_writer f(s->tail, opts.format, s->plan.written);
    f.footer();
  }
  s->indexed.assign(s->plan.paths.size(), false);
  for (size_t f = 0; f < s->plan.paths.size(); ++f) {
    auto add = [&](bool whole, uint64_t from, uint64_t to) {
      auto p = std::make_unique<piece>();
      p->file = f;
      p->whole = whole;
      p->from = from;
      p->to = to;
      s->pieces.push_back(std::move(p));
    };
    const size_t first = s->pieces.size();
    auto mark_header = [&] {
      s->pieces.back()->header = true;
      s->pieces.back()->header_piece = first;
    };
    const std::string& path = s->plan.paths[f];
    std::optional<std::vector<std::pair<uint64_t, uint64_t>>> ranges;
    uint64_t size = 0;
    if (path != "-") {
      auto src = io::input_source::open(path);
      if (!src) return src.err();
      if (auto m = (*src)->mapped()) {
        size = m->size();
        if (opts.index && !opts.index_keys.empty()) ranges = opts.index->ranges(path, opts.index_keys);
        if (ranges) {
          s->indexed[f] = true;
          s->totals.indexed_bytes += size;
        } else {
          ranges = std::vector<std::pair<uint64_t, uint64_t>>{{0, size}};
        }
      }
    }
    if (!ranges) {
      add(true, 0, 0);
    } else {
      // The header piece first (it may be empty), so the file's header is
      // counted once, then the ranges cut into pieces.
      add(false, 0, 0);
      mark_header();
      for (const auto& [from, to] : *ranges)
        for (uint64_t at = from; at < to; at += piece_bytes) {
          add(false, at, std::min(to, at + piece_bytes));
          s->pieces.back()->header_piece = first;
        }
    }
    for (size_t k = first; k + 1 < s->pieces.size(); ++k) s->pieces[k]->last_of_file = false;
  }
  threads = std::max(1u, threads);
  s->thread_count = threads;
  std::unique_ptr<row_stream> out(new row_stream(std::move(s)));
  for (unsigned i = 0; i < threads; ++i) out->impl_->threads.emplace_back([p = out->impl_.get()] { p->work(); });
  return out;
}

bool row_stream::impl::read_again_if_needed() {
  if (cur == 0 || cur >= pieces.size()) return false;
  const piece& before = *pieces[cur - 1];
  piece& p = *pieces[cur];
  if (p.whole || p.header || p.start || before.file != p.file) return false;
  const zeek::reader_state& header = pieces[p.header_piece]->end;
  if (!before.end.format_known || !header.format_known || before.end.format.same_schema(header.format)) return false;
  p.start = before.end;
  for (size_t k = cur; k < pieces.size() && k < cur + window(); ++k) {
    piece& q = *pieces[k];
    if (q.ph == piece::phase::waiting) continue;
    q.generation.fetch_add(1);
    q.ph = piece::phase::waiting;
    q.out.clear();
    q.held = 0;
  }
  return true;
}

int64_t row_stream::take(char* buf, size_t max) {
  impl& s = *impl_;
  if (max == 0) return WAIT;
  // Workers are notified with the lock held: a wake must never fall
  // between a check and `waiting`.
  std::lock_guard lock(s.mu);
  if (s.failed) return FAILED;
  auto copy = [&](const std::string& from, size_t& at) {
    const size_t n = std::min(max, from.size() - at);
    std::copy_n(from.data() + at, n, buf);
    at += n;
    return static_cast<int64_t>(n);
  };
  if (s.head_at < s.head.size()) return copy(s.head, s.head_at);
  while (s.cur < s.pieces.size()) {
    piece& p = *s.pieces[s.cur];
    if (!p.out.empty() && p.out.front().trimmed) {  // a chunk being taken
      chunk& c = p.out.front();
      const int64_t n = c.at < c.bytes.size() ? copy(c.bytes, c.at) : 0;
      if (c.at == c.bytes.size()) {
        p.held -= c.bytes.size();
        // As many as may be in flight: every chunk a window of pieces holds.
        if (s.spares.size() < s.window() * (PIECE_HOLD / CHUNK_BYTES + 1)) s.spares.push_back(std::move(c.bytes));
        p.out.pop_front();
        s.work_cv.notify_all();  // room in the piece
      }
      if (n) return n;
      continue;
    }
    if (s.opts.limit && s.written >= s.opts.limit) break;
    if (p.out.empty()) {
      if (p.ph != piece::phase::done) {
        s.waiting = true;
        return WAIT;
      }
      // The piece is taken whole.
      s.totals.matched += p.matched;
      if (s.indexed[p.file]) s.totals.index_read += p.read_bytes;
      if (!s.totals.files.empty() && s.cur > 0 && s.pieces[s.cur - 1]->file == p.file)
        s.totals.files.back().append(p.report);
      else
        s.totals.files.push_back(std::move(p.report));
      ++s.cur;
      const bool again = s.read_again_if_needed();
      s.work_cv.notify_all();  // the window moved
      if (again) {
        s.waiting = true;
        return WAIT;
      }
      continue;
    }
    // A new chunk: drop the rows still to skip and those past the limit.
    chunk& c = p.out.front();
    if (s.track_rows) {
      const uint64_t to_skip = s.opts.offset - std::min(s.opts.offset, s.skipped);
      const size_t first = static_cast<size_t>(std::min<uint64_t>(to_skip, c.ends.size()));
      size_t last = c.ends.size();
      if (s.opts.limit) last = std::min<size_t>(last, first + static_cast<size_t>(s.opts.limit - s.written));
      const size_t begin = first ? c.ends[first - 1] : 0, end = std::max(begin, last ? size_t{c.ends[last - 1]} : 0);
      s.skipped += first;
      s.written += last - first;
      p.held -= c.bytes.size() - end;
      c.bytes.resize(end);
      c.at = begin;
    } else {
      s.written += c.rows;
    }
    c.trimmed = true;
  }
  if (s.opts.limit && s.written >= s.opts.limit && !s.stopping) {
    s.stopping = true;  // nothing more is wanted
    s.work_cv.notify_all();
  }
  if (s.tail_at < s.tail.size()) return copy(s.tail, s.tail_at);
  return END;
}

std::optional<error> row_stream::failure() const {
  std::lock_guard lock(impl_->mu);
  return impl_->failed;
}

rows_result row_stream::totals() const {
  std::lock_guard lock(impl_->mu);
  rows_result r = impl_->totals;
  r.written = impl_->written;
  return r;
}

}  // namespace zeekgraph::engine
