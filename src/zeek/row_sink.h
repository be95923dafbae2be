// The boundary between reading logs and using their rows. A reader binds the
// columns a consumer asks for by name and hands it one cell per column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zeekgraph::zeek {

enum class cell_kind : uint8_t {
  null,    // unset: '-' in TSV (pandas NA strings when headerless), missing key in JSON
  text,    // a TSV field (unescaped) or a JSON string
  number,  // a JSON number token
  other,   // a JSON bool, array or object where a scalar was wanted
};

struct cell {
  std::string_view text;
  cell_kind kind = cell_kind::null;
};

enum class row_outcome : uint8_t { used, null_key, rejected, filtered };

struct row_verdict {
  row_outcome outcome = row_outcome::used;
  int bad_column = -1;  // for rejected: index into the requested columns
};

class row_sink {
 public:
  virtual ~row_sink() = default;
  // cells[i] belongs to the i-th requested column. Text views are valid
  // only during the call.
  virtual row_verdict add_row(const cell* cells) = 0;
  // Instead of add_row, with reader_options::verbatim_lines, for a row
  // whose line Zeek's ASCII writer would write as it is: `line` is those
  // bytes, '\n' included, and the requested columns are the file's fields
  // in their order. Only the cells of reader_options::line_cells are
  // filled. For sinks that copy rows whole.
  virtual row_verdict add_line(const cell* cells, std::string_view line) {
    (void)line;
    return add_row(cells);
  }
};

// Takes every row and keeps nothing: for readers run for their header
// lines or their accounting alone.
class null_sink final : public row_sink {
 public:
  row_verdict add_row(const cell*) override { return {}; }
};

// Receives the raw text of each rejected line (for --rejects). May be called
// from several threads; implementations synchronise.
class reject_sink {
 public:
  virtual ~reject_sink() = default;
  virtual void rejected(std::string_view path, uint64_t line, std::string_view raw) = 0;
};

}  // namespace zeekgraph::zeek
