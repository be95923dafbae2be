#include "engine/rows.h"

#include <algorithm>
#include <cstring>

#include "engine/input_columns.h"
#include "engine/row_index.h"
#include "io/input_source.h"
#include "zeek/header_line.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine {
namespace {

constexpr size_t READ_BYTES = size_t{1} << 20;

// Applies the filter, the offset and the limit, and writes what is left.
class row_output final : public zeek::row_sink {
 public:
  row_output(const rows_options& o, const std::vector<int>& filter_cells, table::row_writer& w)
      : opts_(o), filter_cells_(filter_cells), writer_(w), gathered_(filter_cells.size()) {}
  zeek::row_verdict add_row(const zeek::cell* cells) override {
    if (opts_.where) {
      for (size_t i = 0; i < filter_cells_.size(); ++i) gathered_[i] = cells[filter_cells_[i]];
      if (!opts_.where->matches(gathered_.data())) return {zeek::row_outcome::filtered};
    }
    ++matched_;
    if (skipped_ < opts_.offset) {
      ++skipped_;
      return {};
    }
    if (full()) return {};
    writer_.row(cells);
    ++written_;
    return {};
  }
  bool full() const { return opts_.limit && written_ >= opts_.limit; }
  // Reading can stop: the page is full and nothing is left to count.
  bool done() const { return full() && !opts_.count_all; }
  uint64_t written() const { return written_; }
  uint64_t matched() const { return matched_; }

 private:
  const rows_options& opts_;
  const std::vector<int>& filter_cells_;
  table::row_writer& writer_;
  std::vector<zeek::cell> gathered_;
  uint64_t skipped_ = 0, written_ = 0, matched_ = 0;
};

// Reads the file's leading '#' lines, then the lines that start in each of
// `blocks`, in order; returns the bytes read. All with pread: a read from
// the mapping, even of one byte a block, mapped the kernel's readahead
// window with it (MADV_SEQUENTIAL), which held the whole file resident.
uint64_t read_blocks(io::input_source& src, uint64_t size, const std::vector<std::pair<uint64_t, uint64_t>>& blocks,
                     zeek::log_reader& reader, const row_output& sink) {
  std::string buf;
  // The line after `at`'s line begins, or `at` when a line starts there.
  auto line_start = [&](uint64_t at) -> uint64_t {
    if (at == 0 || at >= size) return std::min(at, size);
    char probe[4096];
    for (uint64_t pos = at - 1; pos < size;) {
      const size_t n = src.read_at(pos, probe, sizeof probe);
      if (n == 0) break;
      if (const void* nl = std::memchr(probe, '\n', n))
        return pos + static_cast<uint64_t>(static_cast<const char*>(nl) - probe) + 1;
      pos += n;
    }
    return size;
  };
  auto read = [&](uint64_t at, uint64_t to) {
    buf.resize(to - at);
    buf.resize(src.read_at(at, buf.data(), buf.size()));  // short if the file shrank
  };
  // The header: '#' lines, or a CSV header line.
  uint64_t header = 0;
  for (;;) {
    const uint64_t next = line_start(header + 1);
    read(header, next);
    if (next == header || !zeek::starts_header_line(buf, header == 0)) break;
    reader.feed(buf, next == size);
    header = next;
  }
  uint64_t total = header;
  for (const auto& [from, to] : blocks) {
    if (sink.done() || reader.stopped()) break;
    const uint64_t begin = std::max(line_start(from), header), end = line_start(to);
    if (begin >= end) continue;
    zeek::reader_state st = reader.state();
    st.offset = begin;
    st.line = 0;  // unknown without reading what comes before
    reader.start(st);
    // A step at a time, so a full page stops the reading.
    for (uint64_t at = begin; at < end && !sink.done() && !reader.stopped();) {
      const uint64_t step = std::min(end, line_start(std::min(end, at + READ_BYTES)));
      read(at, step);
      reader.feed(buf, step == size);
      total += step - at;
      at = step;
    }
  }
  return total;
}

}  // namespace

result<rows_result> write_rows(const rows_options& opts, std::ostream& out) {
  auto paths = io::expand_inputs(opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs, opts.expand);
  if (!paths) return paths.err();
  // The columns to write, with types for the Zeek header and NDJSON.
  std::vector<zeek::schema_column> schema;
  if ((*paths)[0] != "-") {
    auto s = probe_input((*paths)[0], {});
    if (!s) return s.err();
    schema = std::move(s->columns);
  }
  std::vector<std::string> names = opts.columns;
  if (names.empty()) {
    if (schema.empty())
      return error{error_kind::usage, "rows from stdin need --columns", "name the columns to write: --columns ts,uid,id.orig_h"};
    for (const auto& c : schema) names.push_back(c.name);
  }
  if (auto st = check_input_columns(*paths, names, opts.where.get(), {}); !st) return st.err();
  std::vector<table::row_column> out_columns;
  for (const auto& n : names) {
    auto it = std::find_if(schema.begin(), schema.end(), [&](const zeek::schema_column& c) { return zeek::same_column(c.name, n); });
    // Declared, or the conn log's own type, or text.
    std::string type = it != schema.end() && !it->zeek_type.empty() ? it->zeek_type : std::string(zeek::conn_field_type(n));
    if (type.empty()) type = "string";
    out_columns.push_back({n == "time" ? std::string("ts") : n, type});  // Zeek calls it ts
  }
  // The reader's columns: the written ones, then those only the filter reads.
  std::vector<std::string> reader_columns = names;
  std::vector<int> filter_cells;
  if (opts.where)
    for (const auto& c : opts.where->columns()) {
      auto at = std::find_if(reader_columns.begin(), reader_columns.end(),
                             [&](const std::string& have) { return zeek::same_column(have, c); });
      filter_cells.push_back(static_cast<int>(at - reader_columns.begin()));
      if (at == reader_columns.end()) reader_columns.push_back(c);
    }

  zeek::reader_options reader_opts = opts.reader;
  if (opts.where) reader_opts.needles = opts.where->needles();  // lines without them are skipped unparsed
  table::row_writer writer(out, opts.format, out_columns);
  writer.header();
  row_output sink(opts, filter_cells, writer);
  rows_result res;
  std::string buf;
  for (const auto& path : *paths) {
    if (sink.done()) break;
    auto src = io::input_source::open(path);
    if (!src) return src.err();
    zeek::file_report report;
    report.path = path;
    report.gzip = (*src)->gzip();
    zeek::log_reader reader(reader_columns, sink, report, reader_opts);
    reader.start({});
    if (auto m = (*src)->mapped(); m && opts.index && !opts.index_keys.empty()) {
      if (auto blocks = opts.index->ranges(path, opts.index_keys)) {
        res.indexed_bytes += m->size();
        res.index_read += read_blocks(**src, m->size(), *blocks, reader, sink);
        res.files.push_back(std::move(report));
        continue;
      }
    }
    size_t have = 0;
    bool eof = false;
    while (!eof && !sink.done() && !reader.stopped()) {
      if (buf.size() < have + READ_BYTES) buf.resize(have + READ_BYTES);
      const uint64_t before = (*src)->consumed();
      size_t n = (*src)->read(buf.data() + have, READ_BYTES);
      (*src)->release(before, (*src)->consumed());  // a mapped file's pages, copied out
      eof = n == 0;
      have += n;
      size_t used = reader.feed(std::string_view(buf.data(), have), eof);
      buf.erase(0, used);
      have -= used;
      if (have > reader_opts.max_line_bytes + READ_BYTES) {
        reader.reject_overlong(std::string_view(buf.data(), 200), have);
        have = 0;
      }
    }
    if (eof) reader.finish();
    res.files.push_back(std::move(report));
  }
  writer.footer();
  res.written = sink.written();
  res.matched = sink.matched();
  return res;
}

}  // namespace zeekgraph::engine
