// Shared by the fuzz targets: feeds bytes to a reader in pieces, and runs
// them through the reader and the aggregation of a query, as `summarize`
// does, checking the accounting invariant; and mends the checksums of a
// binary file's sections. A broken invariant aborts, which the fuzzer
// reports.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>

#include "agg/aggregate_plan.h"
#include "agg/byte_codec.h"
#include "agg/finalize.h"
#include "agg/partial_aggregate.h"
#include "table/table_writer.h"
#include "zeek/log_reader.h"

namespace zeekgraph::fuzz {

// A binary file of agg/byte_codec sections (a state file, a finished
// partition) with each section's CRC recomputed, as far as the sections'
// lengths stay inside the input: mutations then reach the parsers behind
// the checksums.
inline std::string with_fixed_crcs(std::string s) {
  size_t pos = 12;  // magic and version
  while (pos + 12 <= s.size()) {
    uint64_t len;
    std::memcpy(&len, s.data() + pos + 4, 8);
    if (len > s.size() - pos - 12 || s.size() - pos - 12 - len < 4) break;
    // Tag, length and payload lie together: one CRC over them, as the writer's.
    const uint32_t c = agg::codec::crc_more(0, s.data() + pos, 12 + len);
    std::memcpy(s.data() + pos + 12 + len, &c, 4);
    pos += 12 + len + 4;
  }
  return s;
}

// Feeds `data` to `reader` as a stream driver does, `piece` bytes at a time
// (0: all at once), carrying a cut line over to the next piece.
inline void feed_in_pieces(zeek::log_reader& reader, std::string_view data, size_t piece) {
  std::string carry;
  size_t pos = 0;
  while (pos < data.size() || piece == 0) {
    const size_t n = piece ? std::min(piece, data.size() - pos) : data.size();
    carry.append(data.substr(pos, n));
    pos += n;
    const bool at_end = pos >= data.size();
    carry.erase(0, reader.feed(carry, at_end));
    if (at_end) break;
  }
}

// Reads `data` as one log stream in pieces of `piece` bytes (0 = whole).
inline void read_and_summarize(std::string_view data, size_t piece) {
  static const agg::aggregate_plan plan = agg::aggregate_plan::make(agg::query_spec::seed(), {}, {});
  agg::partial_aggregate sink(plan);
  zeek::file_report report;
  zeek::reader_options opts;
  opts.max_line_bytes = 4096;
  zeek::log_reader reader(plan.inputs, sink, report, opts);
  reader.start({});
  feed_in_pieces(reader, data, piece);
  reader.finish();
  if (report.lines_read != report.rows_used + report.rows_rejected + report.rows_null_key) std::abort();
  auto table = agg::finalize(sink);
  std::ostringstream out;
  table::write_table(table, table::table_format::csv, out);
}

}  // namespace zeekgraph::fuzz
