#include "engine/row_plan.h"

#include <algorithm>
#include <cstring>

#include "engine/input_columns.h"
#include "zeek/header_line.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine {

result<row_plan> plan_rows(const rows_options& opts) {
  row_plan plan;
  auto paths = io::expand_inputs(opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs, opts.expand);
  if (!paths) return paths.err();
  plan.paths = std::move(*paths);
  // The columns to write, with types for the Zeek header and NDJSON.
  std::vector<zeek::schema_column> schema;
  if (plan.paths[0] != "-") {
    auto s = probe_input(plan.paths[0], {});
    if (!s) return s.err();
    schema = std::move(s->columns);
  }
  std::vector<std::string> names = opts.columns;
  if (names.empty()) {
    if (schema.empty())
      return error{error_kind::usage, "rows from stdin need --columns", "name the columns to write: --columns ts,uid,id.orig_h"};
    for (const auto& c : schema) names.push_back(c.name);
  }
  if (auto st = check_input_columns(plan.paths, names, opts.where.get(), {}); !st) return st.err();
  for (const auto& n : names) {
    auto it = std::find_if(schema.begin(), schema.end(), [&](const zeek::schema_column& c) { return zeek::same_column(c.name, n); });
    // Declared, or the conn log's own type, or text.
    std::string type = it != schema.end() && !it->zeek_type.empty() ? it->zeek_type : std::string(zeek::conn_field_type(n));
    if (type.empty()) type = "string";
    plan.written.push_back({n == "time" ? std::string("ts") : n, type});  // Zeek calls it ts
  }
  plan.reader_columns = names;
  if (opts.where)
    for (const auto& c : opts.where->columns()) {
      auto at = std::find_if(plan.reader_columns.begin(), plan.reader_columns.end(),
                             [&](const std::string& have) { return zeek::same_column(have, c); });
      plan.filter_cells.push_back(static_cast<int>(at - plan.reader_columns.begin()));
      if (at == plan.reader_columns.end()) plan.reader_columns.push_back(c);
    }
  plan.reader = opts.reader;
  // Every column read is written, as Zeek TSV: a line the writer would
  // write unchanged is copied instead.
  plan.reader.verbatim_lines = opts.format == table::row_format::zeek && plan.reader_columns.size() == plan.written.size();
  plan.reader.line_cells = plan.filter_cells;  // the cells the filter reads
  if (opts.where) {  // lines without them are skipped unparsed
    plan.reader.needles = opts.where->needles();
    plan.reader.also_needles = opts.where->also_needles();
  }
  return plan;
}

row_output::row_output(const rows_options& o, const row_plan& plan, table::row_writer& w, uint64_t offset,
                       uint64_t limit)
    : opts_(o), plan_(plan), writer_(w), gathered_(plan.filter_cells.size()), offset_(offset), limit_(limit) {}

zeek::row_verdict row_output::take(const zeek::cell* cells, std::string_view line) {
  if (opts_.where) {
    for (size_t i = 0; i < plan_.filter_cells.size(); ++i) gathered_[i] = cells[plan_.filter_cells[i]];
    if (!opts_.where->matches(gathered_.data())) return {zeek::row_outcome::filtered};
  }
  ++matched_;
  if (skipped_ < offset_) {
    ++skipped_;
    return {};
  }
  if (full()) return {};
  if (line.empty())
    writer_.row(cells);
  else
    writer_.line(line);
  ++written_;
  return {};
}

uint64_t line_start_at(const io::input_source& src, uint64_t size, uint64_t at) {
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
}

namespace {

// The bytes [at, to) of the file, read into `buf`; short if the file shrank.
// `buf` only grows: resizing a string down and up again zero-fills it.
std::string_view read_into(const io::input_source& src, uint64_t at, uint64_t to, std::string& buf) {
  if (buf.size() < to - at) buf.resize(to - at);
  return {buf.data(), src.read_at(at, buf.data(), to - at)};
}

}  // namespace

uint64_t read_header_lines(const io::input_source& src, uint64_t size, zeek::log_reader& reader, std::string& buf) {
  uint64_t header = 0;
  for (;;) {
    const uint64_t next = line_start_at(src, size, header + 1);
    const std::string_view line = read_into(src, header, next, buf);
    if (next == header || !zeek::starts_header_line(line, header == 0)) break;
    reader.feed(line, next == size);
    header = next;
  }
  return header;
}

uint64_t read_line_range(const io::input_source& src, uint64_t size, uint64_t from, uint64_t to,
                         zeek::log_reader& reader, const std::function<bool()>& done, std::string& buf) {
  constexpr uint64_t STEP = uint64_t{1} << 20;
  const uint64_t begin = line_start_at(src, size, from), end = line_start_at(src, size, to);
  uint64_t total = 0;
  for (uint64_t at = begin; at < end && !done() && !reader.stopped();) {
    const uint64_t step = std::min(end, line_start_at(src, size, std::min(end, at + STEP)));
    reader.feed(read_into(src, at, step, buf), step == size);
    total += step - at;
    at = step;
  }
  return total;
}

bool read_whole_stream(io::input_source& src, zeek::log_reader& reader, size_t max_line_bytes,
                       const std::function<bool()>& done, std::string& buf) {
  constexpr size_t STEP = size_t{1} << 20;
  size_t have = 0;
  bool eof = false;
  while (!eof && !done() && !reader.stopped()) {
    if (buf.size() < have + STEP) buf.resize(have + STEP);
    const uint64_t before = src.consumed();
    const size_t n = src.read(buf.data() + have, STEP);
    src.release(before, src.consumed());  // a mapped file's pages, copied out
    eof = n == 0;
    have += n;
    const size_t used = reader.feed(std::string_view(buf.data(), have), eof);
    std::memmove(buf.data(), buf.data() + used, have - used);  // the cut line; buf keeps its size
    have -= used;
    if (have > max_line_bytes + STEP) {
      reader.reject_overlong(std::string_view(buf.data(), 200), have);
      have = 0;
    }
  }
  buf.clear();
  return eof;
}

}  // namespace zeekgraph::engine
