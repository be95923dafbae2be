// Fuzzes the reader's verbatim lines differentially: a log read with
// reader_options::verbatim_lines, its verbatim lines copied and its other
// rows written by table::row_writer, must give the bytes and the line
// accounting of the same log read without them, every row written from
// its cells. The columns are the first '#fields' line's (else the
// headerless conn layout's), so that lines can be verbatim at all. The
// first byte picks how the stream is cut into pieces, and which cells a
// verbatim line fills.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "table/row_writer.h"
#include "zeek/log_format.h"
#include "zeek/log_reader.h"

namespace {

using namespace zeekgraph;

std::vector<std::string> file_columns(std::string_view log) {
  std::vector<std::string> names;
  const size_t at = log.find("#fields\t");
  if (at != std::string_view::npos && (at == 0 || log[at - 1] == '\n')) {
    std::string_view line = log.substr(at + 8);
    line = line.substr(0, line.find('\n'));
    for (size_t from = 0; from <= line.size();) {
      size_t tab = line.find('\t', from);
      if (tab == std::string_view::npos) tab = line.size();
      names.emplace_back(line.substr(from, tab - from));
      from = tab + 1;
    }
    return names;
  }
  for (const auto& f : zeek::seed_layout().fields) names.push_back(f.name);
  return names;
}

struct copier final : zeek::row_sink {
  std::string out;
  table::row_writer writer;
  explicit copier(size_t n) : writer(out, table::row_format::zeek, columns(n)) {}
  static std::vector<table::row_column> columns(size_t n) {
    std::vector<table::row_column> c;
    for (size_t i = 0; i < n; ++i) c.push_back({"c" + std::to_string(i), "string"});
    return c;
  }
  zeek::row_verdict add_row(const zeek::cell* cells) override {
    writer.row(cells);
    return {};
  }
  zeek::row_verdict add_line(const zeek::cell*, std::string_view line) override {
    if (line.empty() || line.back() != '\n') std::abort();
    writer.line(line);
    return {};
  }
};

struct outcome {
  std::string out;
  zeek::file_report report;
  uint64_t lines = 0;
};

outcome read(std::string_view data, const std::vector<std::string>& columns, size_t piece, bool verbatim,
             std::vector<int> line_cells) {
  outcome o;
  copier sink(columns.size());
  zeek::reader_options opts;
  opts.max_line_bytes = 4096;
  opts.verbatim_lines = verbatim;
  opts.line_cells = std::move(line_cells);
  zeek::log_reader reader(columns, sink, o.report, opts);
  reader.start({});
  zeekgraph::fuzz::feed_in_pieces(reader, data, piece);
  reader.finish();
  o.out = std::move(sink.out);
  o.lines = reader.state().line;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = data[0] % 4 == 0 ? 0 : 1 + (data[0] & 0x3f);
  const std::string_view log(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<std::string> columns = file_columns(log);
  std::vector<int> line_cells;
  if (data[0] & 0x40) line_cells.push_back(0);
  if (data[0] & 0x80) line_cells.push_back(static_cast<int>(columns.size()) - 1);
  const outcome plain = read(log, columns, piece, false, {}), taken = read(log, columns, piece, true, line_cells);
  if (taken.out != plain.out || taken.lines != plain.lines || taken.report.lines_read != plain.report.lines_read ||
      taken.report.rows_used != plain.report.rows_used || taken.report.rows_rejected != plain.report.rows_rejected ||
      taken.report.bytes != plain.report.bytes || taken.report.header_lines != plain.report.header_lines)
    std::abort();
  return 0;
}
