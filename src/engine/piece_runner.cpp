#include "engine/piece_runner.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <thread>

#include "engine/work_order.h"
#include "engine/stream_split.h"
#include "util/parallel.h"
#include "zeek/header_line.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine::detail {
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

uint64_t piece_runner::read_mapped(io::input_source& src, std::string_view data, uint64_t begin,
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

void piece_runner::read_stream(io::input_source& src, zeek::log_reader& reader, const std::function<void()>& after_feed) {
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

io::input_source* piece_runner::acquire(size_t f) {
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

void piece_runner::done_with(size_t f) {
  std::lock_guard<std::mutex> lock(files_mu_);
  file_slot& slot = files_[f];
  if (slot.pending > 0 && --slot.pending == 0) slot.src.reset();
}

void piece_runner::run_item(work_item& item, agg::partial_aggregate& sink) {
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
    // A long piece reserves its growing buffers once it knows its rate.
    const uint64_t span = end > item.begin ? end - item.begin : 0;
    bool expected = span < GROW_PIECE;
    auto fed = [&] {
      take_sums(slice, sink, false);
      const uint64_t done = reader.state().offset > item.begin ? reader.state().offset - item.begin : 0;
      if (expected || done < span / GROW_AFTER) return;
      expected = true;
      const double factor = static_cast<double>(span) / static_cast<double>(done) * 1.05;
      sink.expect_growth(factor);
      if (replay_) replay_->expect_growth(factor);
    };
    const uint64_t stop = read_mapped(src, *m, item.begin, end, reader, fed);
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

status piece_runner::run(summarize_result& out, std::unique_ptr<agg::partial_aggregate>& total) {
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
      zeek::null_sink none;
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


}  // namespace zeekgraph::engine::detail
