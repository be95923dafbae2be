// Reads the lines of one Zeek log stream (TSV with or without header, or
// JSON lines), keeps the line accounting in a file_report, and hands each
// data row to a row_sink as cells of the requested columns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zeek/file_report.h"
#include "zeek/log_format.h"
#include "zeek/row_sink.h"

namespace zeekgraph::zeek {

class span_masks;

struct reader_options {
  size_t max_line_bytes = size_t{1} << 20;  // longer lines are rejected
  bool strict = false;                      // stop at the first problem
  reject_sink* rejects = nullptr;           // receives rejected lines
  // query::filter::needles() of the filter the sink applies: once the format
  // is known, complete data lines holding none of these texts, no backslash
  // and no '#' at their start are counted as filtered without being parsed
  // (file_report::rows_skipped), so a rare uid is found at memchr speed.
  std::vector<std::string> needles;
  // query::filter::also_needles(): a line to read also holds one text of
  // each of these sets; lines lacking any set's are skipped as well.
  std::vector<std::vector<std::string>> also_needles;
  // Hand rows whose lines a Zeek TSV writer would write unchanged (but
  // for an escape log_reader adds) to row_sink::add_line, when the
  // requested columns are the file's fields in its order. Only ordinary
  // TSV lines qualify (zeek/line_scanner). Their cells are filled for the
  // requested columns in line_cells only.
  bool verbatim_lines = false;
  std::vector<int> line_cells;
};

// Where a reader starts: the file's beginning, or a chunk in its middle
// whose format was read from the header before it.
struct reader_state {
  log_format format;
  bool format_known = false;  // false: detect from the first line
  bool opened = false;        // an '#open' line promised a '#close'
  bool closed = false;        // the last header line seen was '#close'
  uint64_t line = 0;          // lines before this point
  uint64_t offset = 0;        // bytes before this point
};

class log_reader {
 public:
  log_reader(const std::vector<std::string>& columns, row_sink& sink, file_report& report,
             const reader_options& opts);
  ~log_reader();
  log_reader(const log_reader&) = delete;
  log_reader& operator=(const log_reader&) = delete;

  void start(const reader_state& state);

  // Reads every complete line of `block` and returns the bytes consumed
  // (up to and including the last '\n'). With at_end, a last line without
  // '\n' is read too and reported as cut_final_line.
  size_t feed(std::string_view block, bool at_end);

  // File-level checks once the stream is done: '#close' present.
  void finish();

  // Rejects a line longer than the stream driver will buffer; the driver
  // then skips to the next newline. `head` is its start, `length` so far.
  void reject_overlong(std::string_view head, uint64_t length);
  // Accounts for `bytes` of an over-long line the driver dropped unread.
  void skip(uint64_t bytes) {
    state_.offset += bytes;
    report_.bytes += bytes;
  }

  // True once --strict stopped reading at a problem.
  bool stopped() const { return stopped_; }
  const reader_state& state() const { return state_; }
  // Where the line being delivered to the sink starts, in bytes.
  uint64_t line_offset() const { return line_start_offset_; }

 private:
  void on_line(std::string_view line, bool has_newline);
  void on_header_line(std::string_view line);
  void on_tsv_row(std::string_view line);
  void on_json_row(std::string_view line);
  void on_csv_row(std::string_view line);
  void bind();
  // verbatim_, from the format and the binding; after either changes.
  void update_verbatim();
  void reject(problem_kind kind, std::string_view line, std::string column, std::string message,
              std::string hint);
  void note(problem p);
  // `verbatim`: an ordinary line, followed by its '\n', which goes with
  // the cells (add_line).
  void deliver(const cell* cells, std::string_view line, bool verbatim = false);
  // A verbatim headerless line with "(empty)" texts (text_empties_), which
  // Zeek writes "\x28empty)": the line goes to add_line so written.
  void deliver_patched(const cell* cells, std::string_view line);
  // Counts the sink's verdict on the line.
  void account(row_verdict v, const cell* cells, std::string_view line);
  // One field of a line read for add_line, starting at `at` in it: clears
  // line_plain_ when Zeek would write it otherwise.
  void check_verbatim(std::string_view f, bool headerless, size_t at);
  // Cells of the requested columns from fields_ (TSV): markers to nulls,
  // escapes undone when the line holds a backslash.
  void fill_cells(bool backslash);
  // Ordinary TSV rows in one pass each (zeek/line_scanner.h); returns the
  // first line it leaves to on_line().
  bool rows_fast_ok() const;
  // Skipping by opts_.needles is on, and complete lines from `p` that
  // cannot match are counted off; returns the first line to read.
  bool skipping_ok() const;
  const char* skip_unmatched(const char* p, const char* end);
  // Per needle (opts_.needles, then each set of also_needles), then
  // backslash, then '#' line: its next place in feed()'s block (end: none),
  // or null before the first search.
  std::vector<const char*> next_hit_;
  std::vector<std::string_view> needle_texts_;  // every set's texts, in that order
  std::vector<size_t> set_ends_;                 // where each set's texts end in needle_texts_
  std::vector<const char*> set_hits_;            // skip_unmatched's scratch: each set's next place
  // Lines skipped and lines read while skipping: when most lines hold a
  // needle, reading them one at a time costs more than it saves, and
  // skipping stops for this reader.
  uint64_t skipped_lines_ = 0, needle_lines_ = 0;
  bool skip_decided_ = false, skipping_off_ = false;
  // Reads the lines of [p, end); block_end: how far feed()'s block goes.
  const char* scan_rows(const char* p, const char* end, const char* block_end);
  static constexpr size_t SPAN_AHEAD = 1024;  // bytes a span classifies at least
  std::unique_ptr<span_masks> span_;  // scan_rows' byte classes, 6 KiB
  const char* span_at_ = nullptr;      // where span_ starts in feed()'s block; null: none
  char span_sep_ = 0;                  // the separator span_ was classified with
  bool span_escapes_ = false;          // and whether its special class is every escaped byte

  const std::vector<std::string>& columns_;
  row_sink& sink_;
  file_report& report_;
  reader_options opts_;
  reader_state state_;
  uint64_t line_start_offset_ = 0;
  bool stopped_ = false;

  std::vector<field> last_fields_;  // the schema the last '#fields' declared
  bool has_last_fields_ = false;
  std::vector<int> bound_;        // field index per requested column, -1 = absent
  std::vector<int> want_;         // requested column per field index, -1 = not needed
  size_t last_wanted_ = 0;        // the last field index a requested column reads
  bool verbatim_ = false;         // ordinary lines go to add_line (see bind())
  std::vector<int> line_want_;    // want_ for add_line: opts_.line_cells only
  bool line_plain_ = true;        // check_verbatim's verdict on the line
  std::vector<uint32_t> text_empties_;  // where its "(empty)" texts start
  std::string patched_;           // the line as Zeek writes it, when it escapes them
  std::optional<std::string> missing_;  // first requested column the schema lacks
  bool missing_reported_ = false;
  std::vector<std::string_view> fields_;  // per requested column
  std::vector<cell> cells_;
  std::vector<std::string> scratch_;

  struct json_state;
  std::unique_ptr<json_state> json_;
};

}  // namespace zeekgraph::zeek
