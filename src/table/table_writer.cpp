#include "table/table_writer.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <string>

#include "util/float_repr.h"
#include "util/json_string.h"
#include "util/parallel.h"

namespace zeekgraph::table {
namespace {

void csv_field(std::string& out, std::string_view s) {
  // Python's csv.QUOTE_MINIMAL, which pandas uses: quote when the field
  // holds the delimiter, the quote character or a line break.
  // (find_first_of with a set calls memchr once per character: 40% of
  // writing a summary. Without short-circuits the loop vectorizes.)
  bool quote = false;
  for (char c : s) quote |= (c == ',') | (c == '"') | (c == '\r') | (c == '\n');
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void append_csv_field(std::string& out, std::string_view s) { csv_field(out, s); }

void append_cell(std::string& buf, const column& col, size_t r, table_format f) {
  switch (col.type) {
    case column_type::int64: buf += std::to_string(col.ints[r]); break;
    case column_type::float64: {
      double v = col.floats[r];
      if (std::isnan(v))
        buf += f == table_format::ndjson ? "null" : "";
      else if (std::isinf(v) && f == table_format::ndjson)
        buf += "null";
      else
        append_float_repr(buf, v);
      break;
    }
    case column_type::string:
      if (!col.string_null.empty() && col.string_null[r])
        buf += f == table_format::ndjson ? "null" : "";
      else if (f == table_format::ndjson)
        append_json_string(buf, col.strings[r]);
      else
        csv_field(buf, col.strings[r]);
      break;
  }
}

void append_row(std::string& buf, const summary_table& t, size_t r, table_format f) {
  if (f == table_format::ndjson) buf += '{';
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const column& col = t.columns[c];
    if (c) buf += ',';
    if (f == table_format::ndjson) {
      append_json_string(buf, col.name);
      buf += ':';
    }
    append_cell(buf, col, r, f);
  }
  buf += f == table_format::ndjson ? "}\n" : "\n";
}

std::string header_line(const summary_table& t, table_format f) {
  std::string head;
  if (f == table_format::csv) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (c) head += ',';
      csv_field(head, t.columns[c].name);
    }
    head += '\n';
  }
  return head;
}

void write_table(const summary_table& t, table_format f, std::ostream& out, unsigned threads) {
  const std::string head = header_line(t, f);
  out.write(head.data(), static_cast<std::streamsize>(head.size()));
  // Blocks of rows are formatted on all threads (floats in shortest repr
  // are most of the work: 0.1 s for the seed's 80K rows) and written in
  // order; each thread holds one formatted block at a time.
  constexpr size_t BLOCK = 512;
  const size_t rows = t.rows();
  const size_t blocks = (rows + BLOCK - 1) / BLOCK;
  std::mutex mu;
  std::condition_variable turn;
  size_t next_write = 0;
  std::atomic<size_t> next_block{0};
  run_on_threads(std::max(1u, std::min<unsigned>(thread_count(threads), static_cast<unsigned>(blocks))), [&](unsigned) {
    std::string buf;
    for (size_t b; (b = next_block.fetch_add(1)) < blocks;) {
      buf.clear();
      for (size_t r = b * BLOCK, end = std::min(rows, (b + 1) * BLOCK); r < end; ++r) append_row(buf, t, r, f);
      std::unique_lock<std::mutex> lock(mu);
      turn.wait(lock, [&] { return next_write == b; });
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      ++next_write;
      turn.notify_all();
    }
  });
}

}  // namespace zeekgraph::table
