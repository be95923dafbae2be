// Fuzzes the reader's skipping by needles differentially: a log read with
// the needle "C1ab" must keep exactly the rows whose uid is "C1ab", count the
// same lines and end on the same line as when read without it. The first
// byte picks how the stream is cut into pieces, and (its top bit) whether
// rows must also have id.orig_h "9.9.9.9", with that text as a second
// needle set (reader_options::also_needles), in either order.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "zeek/log_reader.h"

namespace {

constexpr std::string_view WANT = "C1ab", HOST = "9.9.9.9";

struct uid_sink final : zeekgraph::zeek::row_sink {
  bool host = false;
  std::vector<std::string> kept;
  zeekgraph::zeek::row_verdict add_row(const zeekgraph::zeek::cell* cells) override {
    if (cells[0].kind == zeekgraph::zeek::cell_kind::null || cells[0].text != WANT)
      return {zeekgraph::zeek::row_outcome::filtered};
    if (host && (cells[1].kind == zeekgraph::zeek::cell_kind::null || cells[1].text != HOST))
      return {zeekgraph::zeek::row_outcome::filtered};
    kept.push_back(std::string(cells[1].text) + "|" + std::to_string(static_cast<int>(cells[1].kind)));
    return {};
  }
};

struct outcome {
  std::vector<std::string> kept;
  zeekgraph::zeek::file_report report;
  uint64_t lines = 0;
};

outcome read(std::string_view data, size_t piece, bool needles, bool host, bool swapped) {
  const std::vector<std::string> columns{"uid", "id.orig_h"};
  outcome o;
  uid_sink sink;
  sink.host = host;
  zeekgraph::zeek::reader_options opts;
  opts.max_line_bytes = 4096;
  if (needles) opts.needles = {std::string(swapped ? HOST : WANT)};
  if (needles && host) opts.also_needles = {{std::string(swapped ? WANT : HOST)}};
  zeekgraph::zeek::log_reader reader(columns, sink, o.report, opts);
  reader.start({});
  zeekgraph::fuzz::feed_in_pieces(reader, data, piece);
  reader.finish();
  o.kept = std::move(sink.kept);
  o.lines = reader.state().line;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = data[0] % 4 == 0 ? 0 : 1 + (data[0] & 0x3f);
  const bool host = data[0] & 0x80, swapped = host && (data[0] & 0x40);
  const std::string_view log(reinterpret_cast<const char*>(data + 1), size - 1);
  const outcome plain = read(log, piece, false, host, false), fast = read(log, piece, true, host, swapped);
  if (fast.kept != plain.kept || fast.lines != plain.lines || fast.report.lines_read != plain.report.lines_read ||
      fast.report.header_lines != plain.report.header_lines || fast.report.rows_used != plain.report.rows_used ||
      fast.report.bytes != plain.report.bytes || fast.report.rows_skipped > fast.report.rows_filtered ||
      fast.report.lines_read != fast.report.rows_used + fast.report.rows_rejected + fast.report.rows_null_key +
                                    fast.report.rows_filtered)
    std::abort();
  return 0;
}
