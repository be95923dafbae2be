#include "engine/rows.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "engine/row_plan.h"
#include "engine/row_index.h"
#include "io/input_source.h"
#include "zeek/header_line.h"

namespace zeekgraph::engine {
namespace {

// Reads the file's leading header lines, then the lines that start in each
// of `blocks`, in order; returns the bytes read.
uint64_t read_blocks(io::input_source& src, uint64_t size, const std::vector<std::pair<uint64_t, uint64_t>>& blocks,
                     zeek::log_reader& reader, const std::function<bool()>& done) {
  std::string buf;
  const uint64_t header = read_header_lines(src, size, reader, buf);
  uint64_t total = header;
  for (const auto& [from, to] : blocks) {
    if (done() || reader.stopped()) break;
    zeek::reader_state st = reader.state();
    st.offset = std::max(line_start_at(src, size, from), header);
    st.line = 0;  // unknown without reading what comes before
    reader.start(st);
    total += read_line_range(src, size, std::max(from, header), to, reader, done, buf);
  }
  return total;
}

}  // namespace

result<rows_result> write_rows(const rows_options& opts, std::ostream& out) {
  auto plan = plan_rows(opts);
  if (!plan) return plan.err();
  table::row_writer writer(out, opts.format, plan->written);
  writer.header();
  row_output sink(opts, *plan, writer, opts.offset, opts.limit);
  // Reading can stop: the page is full and nothing is left to count.
  const std::function<bool()> done = [&] { return sink.full() && !opts.count_all; };
  rows_result res;
  std::string buf;
  for (const auto& path : plan->paths) {
    if (done()) break;
    auto src = io::input_source::open(path);
    if (!src) return src.err();
    zeek::file_report report;
    report.path = path;
    report.gzip = (*src)->gzip();
    zeek::log_reader reader(plan->reader_columns, sink, report, plan->reader);
    reader.start({});
    if (auto m = (*src)->mapped(); m && opts.index && !opts.index_keys.empty()) {
      if (auto blocks = opts.index->ranges(path, opts.index_keys)) {
        res.indexed_bytes += m->size();
        res.index_read += read_blocks(**src, m->size(), *blocks, reader, done);
        res.files.push_back(std::move(report));
        continue;
      }
    }
    if (read_whole_stream(**src, reader, plan->reader.max_line_bytes, done, buf)) reader.finish();
    res.files.push_back(std::move(report));
  }
  writer.footer();
  res.written = sink.written();
  res.matched = sink.matched();
  return res;
}

}  // namespace zeekgraph::engine
