#include "table/table_writer.h"

#include <cmath>
#include <string>

#include "util/float_repr.h"
#include "util/json_string.h"

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

void write_table(const summary_table& t, table_format f, std::ostream& out) {
  std::string buf;
  buf.reserve(1 << 16);
  auto flush = [&] {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  if (f == table_format::csv) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (c) buf += ',';
      csv_field(buf, t.columns[c].name);
    }
    buf += '\n';
  }
  size_t rows = t.rows();
  for (size_t r = 0; r < rows; ++r) {
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
    if (buf.size() > (1 << 16) - 4096) flush();
  }
  flush();
}

}  // namespace zeekgraph::table
