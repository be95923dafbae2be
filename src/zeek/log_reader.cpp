#include "zeek/log_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>

#include <simdjson.h>

#include "util/find_text.h"
#include "util/iso_time.h"
#include "zeek/field_splitter.h"
#include "zeek/header_line.h"
#include "zeek/line_scanner.h"
#include "zeek/schema_probe.h"
#include "zeek/unescape.h"

namespace zeekgraph::zeek {

struct log_reader::json_state {
  simdjson::ondemand::parser parser;
  std::string padded;                  // the line, with simdjson's padding
  std::vector<std::string> values;     // per requested column, decoded text
  std::vector<cell_kind> kinds;
  std::string path;                    // key path while walking nested objects
};

namespace {

constexpr size_t EXCERPT_BYTES = 160;

std::string excerpt(std::string_view line) {
  std::string s(line.substr(0, EXCERPT_BYTES));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
  if (line.size() > EXCERPT_BYTES) s += "...";
  return s;
}

int find_column(const std::vector<std::string>& columns, std::string_view name) {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  // One column, two names: Zeek's header logs say 'ts', the tutorial's
  // headerless layout 'time'.
  if (name == "ts") return find_column(columns, "time");
  if (name == "time")
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == "ts") return static_cast<int>(i);
  return -1;
}

}  // namespace

log_reader::log_reader(const std::vector<std::string>& columns, row_sink& sink,
                       file_report& report, const reader_options& opts)
    : columns_(columns), sink_(sink), report_(report), opts_(opts) {
  span_ = std::make_unique<span_masks>();
  cells_.resize(columns_.size());
  fields_.resize(columns_.size());
  scratch_.resize(columns_.size());
}

log_reader::~log_reader() = default;

void log_reader::start(const reader_state& state) {
  state_ = state;
  has_last_fields_ = state_.format.saw_fields;
  last_fields_ = state_.format.fields;
  if (state_.format_known) bind();
}

void log_reader::bind() {
  const auto& fields = state_.format.fields;
  bound_.assign(columns_.size(), -1);
  for (size_t f = 0; f < fields.size(); ++f) {
    int c = find_column(columns_, fields[f].name);
    if (c >= 0 && bound_[c] < 0) bound_[c] = static_cast<int>(f);
  }
  // Sized so that every index the splitter reports (up to last_wanted_)
  // is inside, without a bounds test per field.
  want_.assign(fields.size() + 1, -1);
  last_wanted_ = 0;
  for (size_t c = 0; c < columns_.size(); ++c)
    if (bound_[c] >= 0) {
      want_[static_cast<size_t>(bound_[c])] = static_cast<int>(c);
      last_wanted_ = std::max(last_wanted_, static_cast<size_t>(bound_[c]));
    }
  missing_.reset();
  missing_reported_ = false;
  // Then only the cells the sink reads of a verbatim line are filled (its
  // fields are the columns, so a column's index is its field's).
  line_want_.assign(want_.size(), -1);
  for (int c : opts_.line_cells)
    if (c >= 0 && static_cast<size_t>(c) < std::min(columns_.size(), fields.size()))
      line_want_[static_cast<size_t>(c)] = c;
  update_verbatim();
  report_.format = to_string(state_.format.format);
  if (state_.format.format == input_format::json) return;
  for (size_t c = 0; c < columns_.size(); ++c)
    if (bound_[c] < 0) {
      missing_ = columns_[c];  // maybe "": a column may be named so
      break;
    }
}

void log_reader::update_verbatim() {
  // The requested columns are the fields, in order, and the markers are the
  // ones Zeek's writer writes (headerless lines are checked field by field:
  // pandas reads more spellings as unset than '-').
  const log_format& fmt = state_.format;
  verbatim_ = opts_.verbatim_lines && fmt.separator == '\t' && columns_.size() == fmt.fields.size() &&
              bound_.size() == columns_.size() &&
              (fmt.format == input_format::tsv_headerless ||
               (fmt.format == input_format::tsv_header && fmt.unset_field == "-" && fmt.empty_field == "(empty)"));
  for (size_t c = 0; verbatim_ && c < columns_.size(); ++c) verbatim_ = bound_[c] == static_cast<int>(c);
}

size_t log_reader::feed(std::string_view block, bool at_end) {
  span_at_ = nullptr;  // a span is valid within one block only
  std::fill(next_hit_.begin(), next_hit_.end(), nullptr);
  const char* begin = block.data();
  const char* p = begin;
  const char* end = begin + block.size();
  while (p < end && !stopped_) {
    const char* stop = end;  // with needles: the end of one line that may match
    if (skipping_ok()) {
      p = skip_unmatched(p, end);
      if (p >= end) break;
      if (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p)))
        stop = static_cast<const char*>(nl) + 1;
    }
    if (rows_fast_ok()) {
      p = scan_rows(p, stop, end);
      if (p >= end || stopped_) break;
      if (p == stop) continue;
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) {
      if (!at_end) break;
      on_line(std::string_view(p, static_cast<size_t>(end - p)), false);
      p = end;
      break;
    }
    on_line(std::string_view(p, static_cast<size_t>(nl - p)), true);
    p = nl + 1;
  }
  report_.bytes += static_cast<uint64_t>(p - begin);
  return static_cast<size_t>(p - begin);
}

void log_reader::on_line(std::string_view line, bool has_newline) {
  line_start_offset_ = state_.offset;
  state_.offset += line.size() + (has_newline ? 1 : 0);
  ++state_.line;
  // A UTF-8 byte order mark (added by editors, never by Zeek) is not data.
  if (state_.offset == line.size() + (has_newline ? 1 : 0) && line.substr(0, 3) == "\xEF\xBB\xBF")
    line.remove_prefix(3);

  if (!state_.format_known && !line.empty()) {
    if (line[0] == '{') {
      state_.format.format = input_format::json;
      state_.format_known = true;
      if (!json_) json_ = std::make_unique<json_state>();
      bind();
    } else if (is_csv_header(line)) {
      state_.format = csv_layout(line);
      state_.format_known = true;
      bind();
      ++report_.header_lines;
      return;
    } else if (line[0] != '#') {
      state_.format = seed_layout();
      state_.format_known = true;
      bind();
    }
  }
  if (!line.empty() && line[0] == '#') {
    ++report_.header_lines;
    on_header_line(line);
    return;
  }
  ++report_.lines_read;
  state_.closed = false;
  if (!has_newline)
    note({problem_kind::cut_final_line, state_.line, line_start_offset_, "",
          "the last line has no newline: the file was cut short or is still being written",
          "the line is read if it is complete; it is rejected otherwise", excerpt(line)});
  if (line.size() > opts_.max_line_bytes) {
    reject(problem_kind::line_too_long, line, "",
           "line of " + std::to_string(line.size()) + " bytes exceeds the limit of " +
               std::to_string(opts_.max_line_bytes),
           "raise --max-line-bytes if such lines are real");
    return;
  }
  if ((state_.format.format == input_format::json || state_.format.format == input_format::csv) &&
      std::memchr(line.data(), '\0', line.size())) {
    reject(problem_kind::nul_byte, line, "", "line holds NUL bytes",
           "torn or interleaved writes; the rest of the file is read");
    return;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    reject(problem_kind::empty_line, line, "", "empty line", "");
    return;
  }
  if (state_.format.format == input_format::json)
    on_json_row(line);
  else if (state_.format.format == input_format::csv)
    on_csv_row(line);
  else
    on_tsv_row(line);
}

void log_reader::on_csv_row(std::string_view line) {
  const log_format& fmt = state_.format;
  size_t nfields = 0;
  for (size_t at = 0;; ++nfields) {
    const int c = nfields < fmt.fields.size() ? want_[nfields] : -1;
    std::string_view text;
    if (at < line.size() && line[at] == '"') {
      // "..." with "" for a quote: copied out when it holds one.
      size_t close = at + 1;
      bool doubled = false;
      for (;; ++close) {
        close = line.find('"', close);
        if (close == std::string_view::npos) break;
        if (close + 1 < line.size() && line[close + 1] == '"') {
          doubled = true;
          ++close;
          continue;
        }
        break;
      }
      if (close == std::string_view::npos || (close + 1 < line.size() && line[close + 1] != ',')) {
        reject(problem_kind::field_count, line, c >= 0 ? columns_[static_cast<size_t>(c)] : std::string(),
               "field " + std::to_string(nfields + 1) + " opens a quote that does not close before a comma or the line's end",
               "CSV quotes a field whole and doubles the quotes inside it");
        return;
      }
      text = line.substr(at + 1, close - at - 1);
      if (doubled && c >= 0) {
        std::string& s = scratch_[static_cast<size_t>(c)];
        s.clear();
        for (size_t i = 0; i < text.size(); ++i) {
          s += text[i];
          if (text[i] == '"') ++i;
        }
        text = s;
      }
      at = close + 1;
    } else {
      size_t comma = line.find(',', at);
      if (comma == std::string_view::npos) comma = line.size();
      text = line.substr(at, comma - at);
      at = comma;
    }
    if (c >= 0) {
      if (text.empty()) {
        cells_[static_cast<size_t>(c)] = {{}, cell_kind::null};  // quoted or not, as pandas reads it
      } else if (looks_like_iso8601(text) && same_column(columns_[static_cast<size_t>(c)], "ts")) {
        // ts as ISO 8601: epoch seconds with the same digits, as Zeek writes them.
        std::string& s = scratch_[static_cast<size_t>(c)];
        std::string epoch;
        if (iso8601_epoch_text(text, epoch)) {
          s = std::move(epoch);
          text = s;
        }
        cells_[static_cast<size_t>(c)] = {text, cell_kind::text};
      } else {
        cells_[static_cast<size_t>(c)] = {text, cell_kind::text};
      }
    }
    if (at >= line.size()) break;
    ++at;  // the comma
  }
  ++nfields;
  if (nfields != fmt.fields.size()) {
    reject(problem_kind::field_count, line, "",
           "expected " + std::to_string(fmt.fields.size()) + " fields, found " + std::to_string(nfields),
           "the line does not match the CSV header's column names");
    return;
  }
  if (missing_) {
    reject(problem_kind::missing_field, line, *missing_,
           "the log has no '" + *missing_ + "' column, which the query needs",
           "choose other columns with --by/--agg");
    return;
  }
  deliver(cells_.data(), line);
}

void log_reader::on_header_line(std::string_view line) {
  switch (apply_header_line(line, state_.format)) {
    case header_effect::new_header:
      state_.closed = false;
      state_.opened = false;
      state_.format_known = true;
      break;
    case header_effect::fields:
      state_.format_known = true;
      if (has_last_fields_) {
        bool same = last_fields_.size() == state_.format.fields.size();
        for (size_t i = 0; same && i < last_fields_.size(); ++i)
          same = last_fields_[i].name == state_.format.fields[i].name;
        if (!same) ++report_.schema_changes;
      }
      has_last_fields_ = true;
      last_fields_ = state_.format.fields;
      bind();
      break;
    case header_effect::open:
      state_.opened = true;
      state_.closed = false;
      break;
    case header_effect::close:
      state_.closed = true;
      break;
    case header_effect::types_mismatch:
      note({problem_kind::header_mismatch, state_.line, line_start_offset_, "",
            "'#types' lists " + std::to_string(std::count(line.begin(), line.end(), state_.format.separator)) +
                " types for " + std::to_string(state_.format.fields.size()) + " '#fields' names",
            "the types are ignored; values are typed by their text, as pandas types them", ""});
      break;
    case header_effect::types:
    case header_effect::none:
      break;
  }
  if (!state_.format_known) state_.format_known = true;
  update_verbatim();  // '#unset_field' and the like may follow '#fields'
}

void log_reader::on_tsv_row(std::string_view line) {
  if (!state_.format.saw_fields) {
    // Header lines without '#fields': read the data as the seed's layout.
    state_.format = seed_layout();
    bind();
  }
  const log_format& fmt = state_.format;
  // Only the requested fields are kept; the others are just counted.
  split_flags flags;
  const int* want = want_.data();
  std::string_view* fields = fields_.data();
  const char* text = line.data();
  size_t nfields = split_fields(
      line, fmt.separator, flags,
      [&](size_t i, size_t b, size_t e) {
        if (want[i] >= 0) fields[want[i]] = std::string_view(text + b, e - b);
      },
      last_wanted_);
  if (flags.nul) {
    reject(problem_kind::nul_byte, line, "", "line holds NUL bytes",
           "torn or interleaved writes; the rest of the file is read");
    return;
  }
  bool headerless = fmt.format == input_format::tsv_headerless;
  if (nfields != fmt.fields.size()) {
    reject(problem_kind::field_count, line, "",
           "expected " + std::to_string(fmt.fields.size()) + " fields, found " +
               std::to_string(nfields),
           headerless ? "headerless input is read as the Graphistry tutorial's 20-column conn layout; "
                        "keep the Zeek header lines or write JSON"
                      : "the line does not match the '#fields' header above it");
    return;
  }
  if (missing_) {
    reject(problem_kind::missing_field, line, *missing_,
           "the log has no '" + *missing_ + "' field, which the query needs",
           "choose other columns with --by/--agg");
    return;
  }
  fill_cells(flags.backslash);
  deliver(cells_.data(), line);
}

namespace {

// The cell of a TSV field without escapes: Zeek's unset marker (pandas' NA
// strings when headerless) is null, the empty marker is empty text.
inline cell tsv_cell(std::string_view f, bool headerless, std::string_view unset, std::string_view empty) {
  if (headerless) return is_pandas_na(f) ? cell{{}, cell_kind::null} : cell{f, cell_kind::text};
  // Most fields differ from the markers in length or first byte; test those
  // before a full comparison.
  auto is = [](std::string_view t, std::string_view marker) {
    return t.size() == marker.size() && (t.empty() || (t[0] == marker[0] && t == marker));
  };
  if (is(f, unset)) return {{}, cell_kind::null};
  if (is(f, empty)) return {{}, cell_kind::text};
  return {f, cell_kind::text};
}

}  // namespace

void log_reader::fill_cells(bool backslash) {
  const log_format& fmt = state_.format;
  const bool headerless = fmt.format == input_format::tsv_headerless;
  for (size_t c = 0; c < columns_.size(); ++c) {
    const std::string_view f = fields_[c];
    cells_[c] = tsv_cell(f, headerless, fmt.unset_field, fmt.empty_field);
    if (backslash && !headerless && cells_[c].text.find('\\') != std::string_view::npos) {
      unescape(f, scratch_[c]);
      cells_[c] = {scratch_[c], cell_kind::text};
    }
  }
}

bool log_reader::rows_fast_ok() const {
  const log_format& fmt = state_.format;
  return state_.format_known && fmt.format != input_format::json && fmt.format != input_format::csv &&
         fmt.saw_fields &&
         !missing_ && state_.offset > 0 && fmt.separator != '\n' && fmt.separator != '\\' &&
         fmt.separator != '\0';
}

// Lines seen before deciding whether skipping by needles pays.
constexpr uint64_t SKIP_TRIAL_LINES = 16384;

bool log_reader::skipping_ok() const {
  return !opts_.needles.empty() && !skipping_off_ && state_.format_known && state_.offset > 0 &&
         (rows_fast_ok() || state_.format.format == input_format::json);
}

const char* log_reader::skip_unmatched(const char* p, const char* end) {
  if (*p == '#') return p;
  if (set_ends_.empty()) {
    for (const auto& t : opts_.needles) needle_texts_.push_back(t);
    set_ends_.push_back(needle_texts_.size());
    for (const auto& set : opts_.also_needles) {
      for (const auto& t : set) needle_texts_.push_back(t);
      set_ends_.push_back(needle_texts_.size());
    }
  }
  const size_t needles = needle_texts_.size();
  if (next_hit_.size() != needles + 2) next_hit_.assign(needles + 2, nullptr);
  // The next place of search k at or after `from`. Earlier searches stand
  // while still ahead.
  auto next = [&](size_t k, const char* from) -> const char* {
    const char*& h = next_hit_[k];
    if (!h || h < from) {
      if (k < needles) {
        h = find_text(from, end, needle_texts_[k]);
      } else if (k == needles) {
        const void* f = std::memchr(from, '\\', static_cast<size_t>(end - from));
        h = f ? static_cast<const char*>(f) : end;
      } else {
        h = find_text(from, end, "\n#");
        if (h < end) ++h;
      }
    }
    return h;
  };
  // The first line holding a text of every set: take each set's next
  // place; when one lies in an earlier line than the latest, search that
  // set again from the latest's line (`from` is always a line start).
  const char* need = end;
  std::vector<const char*>& at = set_hits_;
  at.resize(set_ends_.size());
  for (const char* from = p;;) {
    const char* latest = from;
    bool none = false;
    for (size_t g = 0, k = 0; g < set_ends_.size() && !none; ++g) {
      at[g] = end;
      for (; k < set_ends_[g]; ++k) at[g] = std::min(at[g], next(k, from));
      none = at[g] == end;
      latest = std::max(latest, at[g]);
    }
    if (none) break;
    const void* nl = memrchr(from, '\n', static_cast<size_t>(latest - from));
    const char* line = nl ? static_cast<const char*>(nl) + 1 : from;
    if (std::all_of(at.begin(), at.end(), [&](const char* h) { return h >= line; })) {
      need = latest;
      break;
    }
    from = line;
  }
  const char* hit = std::min({need, next(needles, p), next(needles + 1, p)});
  // Complete lines before the hit's line (or before the block's last
  // newline, with no hit) hold no needle: they cannot match.
  const char* upto;
  if (hit < end) {
    const void* nl = memrchr(p, '\n', static_cast<size_t>(hit - p));
    upto = nl ? static_cast<const char*>(nl) + 1 : p;
  } else {
    const void* nl = memrchr(p, '\n', static_cast<size_t>(end - p));
    upto = nl ? static_cast<const char*>(nl) + 1 : p;
  }
  const uint64_t lines = upto == p ? 0 : count_byte(p, upto, '\n');
  if (!skip_decided_) {  // decided once, on the first lines
    skipped_lines_ += lines;
    needle_lines_ += hit < end;
    if (skipped_lines_ + needle_lines_ >= SKIP_TRIAL_LINES) {
      skip_decided_ = true;
      skipping_off_ = skipped_lines_ < needle_lines_;
    }
  }
  if (upto == p) return p;
  const auto bytes = static_cast<uint64_t>(upto - p);
  state_.line += lines;
  state_.offset += bytes;
  state_.closed = false;
  report_.lines_read += lines;
  report_.rows_filtered += lines;
  report_.rows_skipped += lines;
  return upto;
}

const char* log_reader::scan_rows(const char* p, const char* end, const char* block_end) {
  const log_format& fmt = state_.format;
  const size_t expected = fmt.fields.size();
  const int* want = want_.data();
  const int* line_want = line_want_.data();
  cell* cells = cells_.data();
  const bool headerless = fmt.format == input_format::tsv_headerless;
  const std::string_view unset = fmt.unset_field, empty = fmt.empty_field;
  span_masks& span = *span_;
  while (p < end && !stopped_) {
    // Classify a span of input once; its lines are then walked in the masks.
    // Back in the same block after a line the line path took, the span is
    // used again (lines with escapes would otherwise each cost a span).
    // Lines picked by needles come one at a time: the span reaches a little
    // past the line, where the next picked line often is, and is used again.
    // Verbatim lines need every byte Zeek's writer escapes in the special class.
    if (!(span_at_ && p >= span_at_ && p < span_at_ + span.size() && span_sep_ == fmt.separator &&
          span_escapes_ == verbatim_)) {
      const size_t want = std::max(static_cast<size_t>(end - p), SPAN_AHEAD);
      span.scan(p, std::min(want, static_cast<size_t>(block_end - p)), fmt.separator,
                static_cast<size_t>(block_end - p), verbatim_);
      span_at_ = p;
      span_sep_ = fmt.separator;
      span_escapes_ = verbatim_;
    }
    size_t s = static_cast<size_t>(p - span_at_);
    for (;;) {
      p = span_at_ + s;  // the line being read
      const unsigned char first = static_cast<unsigned char>(*p);
      if (first == '#' || first == '\n' || first == 0xEF) return p;  // header, empty line, BOM
      // The wanted fields become cells as they are found (no escapes here).
      const char* line_at = p;
      bool verbatim = false;
      scanned_line r;
      if (verbatim_) {
        line_plain_ = true;
        text_empties_.clear();
        r = scan_line(span, s, last_wanted_, opts_.max_line_bytes, [&](size_t i, size_t b, size_t e) {
          const std::string_view f(line_at + b, e - b);
          check_verbatim(f, headerless, b);
          if (line_want[i] >= 0) cells[line_want[i]] = tsv_cell(f, headerless, unset, empty);
        });
        verbatim = line_plain_;
      }
      if (!verbatim)  // every cell; the masks still hold the line
        r = scan_line(span, s, last_wanted_, opts_.max_line_bytes, [&](size_t i, size_t b, size_t e) {
          if (want[i] >= 0) cells[want[i]] = tsv_cell(std::string_view(line_at + b, e - b), headerless, unset, empty);
        });
      if (r.status == scan_status::no_newline && s > 0) {
        span_at_ = nullptr;  // cut by the span: classify again from this line
        break;
      }
      if (r.status != scan_status::ok || r.fields != expected || r.length == 0 || p[r.length - 1] == '\r')
        return p;  // the line path reads it and reports what is wrong
      line_start_offset_ = state_.offset;
      state_.offset += r.length + 1;
      ++state_.line;
      ++report_.lines_read;
      state_.closed = false;
      if (verbatim && !text_empties_.empty()) {
        deliver_patched(cells, std::string_view(p, r.length));
      } else {
        deliver(cells, std::string_view(p, r.length), verbatim);
      }
      s += r.length + 1;
      if (s >= span.size() || span_at_ + s >= end || stopped_) {
        p = span_at_ + s;
        break;
      }
    }
  }
  return p;
}

void log_reader::check_verbatim(std::string_view f, bool headerless, size_t at) {
  // Bytes a headerless field may start with and read as unset (pandas'
  // spellings) or as the text "(empty)".
  static constexpr std::array<bool, 256> ODD_FIRST = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("#<Nn1-(")) t[c] = true;
    return t;
  }();
  if (f.empty()) {
    line_plain_ = false;  // Zeek writes an empty value "(empty)"; headerless, it is unset
  } else if (headerless && ODD_FIRST[static_cast<unsigned char>(f[0])]) {
    if (f == "(empty)")
      text_empties_.push_back(static_cast<uint32_t>(at));
    else if (f != "-" && is_pandas_na(f))
      line_plain_ = false;  // unset, which Zeek writes '-'
  }
}

void log_reader::deliver_patched(const cell* cells, std::string_view line) {
  // Zeek escapes the first byte of a text equal to its empty marker.
  patched_.clear();
  size_t from = 0;
  for (uint32_t at : text_empties_) {
    patched_.append(line.data() + from, at - from).append("\\x28");
    from = at + 1;
  }
  patched_.append(line.data() + from, line.size() - from) += '\n';
  account(sink_.add_line(cells, patched_), cells, line);
}

void log_reader::deliver(const cell* cells, std::string_view line, bool verbatim) {
  account(verbatim ? sink_.add_line(cells, std::string_view(line.data(), line.size() + 1))  // its '\n'
                   : sink_.add_row(cells),
          cells, line);
}

void log_reader::account(row_verdict v, const cell* cells, std::string_view line) {
  switch (v.outcome) {
    case row_outcome::used: ++report_.rows_used; break;
    case row_outcome::null_key: ++report_.rows_null_key; break;
    case row_outcome::filtered: ++report_.rows_filtered; break;
    case row_outcome::rejected: {
      std::string col = v.bad_column >= 0 ? columns_[static_cast<size_t>(v.bad_column)] : "";
      std::string text = v.bad_column >= 0 ? std::string(cells[v.bad_column].text) : "";
      bool wrong_type = v.bad_column >= 0 && cells[v.bad_column].kind == cell_kind::other;
      if (wrong_type)
        reject(problem_kind::wrong_type, line, col, "column '" + col + "' holds a non-scalar value",
               "");
      else
        reject(problem_kind::bad_number, line, col,
               "column '" + col + "' is not a number: '" + excerpt(text) + "'",
               "numeric columns take integers or decimals; '-' means unset");
      break;
    }
  }
}

void log_reader::reject(problem_kind kind, std::string_view line, std::string column,
                        std::string message, std::string hint) {
  ++report_.rows_rejected;
  if (opts_.rejects) opts_.rejects->rejected(report_.path, state_.line, line);
  note({kind, state_.line, line_start_offset_, std::move(column), std::move(message),
        std::move(hint), excerpt(line)});
}

void log_reader::reject_overlong(std::string_view head, uint64_t length) {
  line_start_offset_ = state_.offset;
  state_.offset += length;
  ++state_.line;
  ++report_.lines_read;
  report_.bytes += length;
  reject(problem_kind::line_too_long, head, "",
         "line of more than " + std::to_string(length) + " bytes exceeds the limit of " +
             std::to_string(opts_.max_line_bytes),
         "raise --max-line-bytes if such lines are real");
}

void log_reader::note(problem p) {
  if (p.kind == problem_kind::missing_field) {
    if (missing_reported_) {
      ++report_.problems_suppressed;
      if (opts_.strict) stopped_ = true;
      return;
    }
    missing_reported_ = true;
  }
  report_.add_problem(std::move(p));
  if (opts_.strict) stopped_ = true;
}

void log_reader::finish() {
  if (stopped_) return;
  if (state_.format.format == input_format::tsv_header && state_.opened && !state_.closed)
    note({problem_kind::missing_close, 0, state_.offset, "",
          "the log has '#open' but no '#close': it was still being written, or was cut",
          "rows up to the end were read", ""});
}

// ---- JSON lines ----------------------------------------------------------

namespace {

using simdjson::ondemand::json_type;

// Stores value `v` for requested column `c`; false on a simdjson error.
bool take_value(simdjson::ondemand::value v, std::string& out, cell_kind& kind,
                const std::string& set_sep) {
  json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case json_type::null:
      kind = cell_kind::null;
      return true;
    case json_type::number: {
      std::string_view tok = v.raw_json_token();
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t' || tok.back() == '\r'))
        tok.remove_suffix(1);
      out.assign(tok);
      kind = cell_kind::number;
      return true;
    }
    case json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      out.assign(s);
      kind = cell_kind::text;
      return true;
    }
    case json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return false;
      out.assign(1, b ? 'T' : 'F');
      kind = cell_kind::text;
      return true;
    }
    case json_type::array: {
      // A Zeek set or vector: joined like the TSV writer does.
      simdjson::ondemand::array arr;
      if (v.get_array().get(arr)) return false;
      out.clear();
      bool first = true, scalar = true;
      for (auto el : arr) {
        simdjson::ondemand::value ev;
        if (el.get(ev)) return false;
        json_type et;
        if (ev.type().get(et)) return false;
        if (!first) out += set_sep;
        first = false;
        if (et == json_type::string) {
          std::string_view s;
          if (ev.get_string().get(s)) return false;
          out += s;
        } else if (et == json_type::number || et == json_type::boolean) {
          std::string_view tok = ev.raw_json_token();
          while (!tok.empty() && tok.back() == ' ') tok.remove_suffix(1);
          out += tok;
        } else {
          scalar = false;  // not consumed: the iterator skips it
        }
      }
      kind = scalar ? cell_kind::text : cell_kind::other;
      return true;
    }
    case json_type::object:
      out.clear();
      kind = cell_kind::other;
      return true;
  }
  return false;
}

}  // namespace

void log_reader::on_json_row(std::string_view line) {
  json_state& js = *json_;
  js.values.resize(columns_.size());
  js.kinds.assign(columns_.size(), cell_kind::null);
  js.padded.assign(line);
  js.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::padded_string_view view(js.padded.data(), line.size(), js.padded.size());

  auto fail = [&](std::string why) {
    reject(problem_kind::bad_json, line, "", "not a JSON object: " + why,
           "auto-detected JSON lines from the first byte '{'; each line must be one object");
  };

  simdjson::ondemand::document doc;
  if (auto e = js.parser.iterate(view).get(doc)) return fail(simdjson::error_message(e));
  simdjson::ondemand::object root;
  if (auto e = doc.get_object().get(root)) return fail(simdjson::error_message(e));

  // Walks an object; nested objects flatten to dotted names ("id.orig_h").
  const std::string& set_sep = state_.format.set_separator;
  std::function<simdjson::error_code(simdjson::ondemand::object, size_t)> walk =
      [&](simdjson::ondemand::object obj, size_t prefix_len) -> simdjson::error_code {
    for (auto fld : obj) {
      std::string_view key;
      if (auto e = fld.unescaped_key().get(key)) return e;
      js.path.resize(prefix_len);
      if (prefix_len) js.path += '.';
      js.path += key;
      simdjson::ondemand::value v;
      if (auto e = fld.value().get(v)) return e;
      std::string name = prefix_len ? js.path : canonical_field_name(js.path);
      int c = find_column(columns_, name);
      json_type t;
      if (auto e = v.type().get(t)) return e;
      if (t == json_type::object) {
        simdjson::ondemand::object inner;
        if (auto e = v.get_object().get(inner)) return e;
        if (c >= 0) js.kinds[static_cast<size_t>(c)] = cell_kind::other;
        size_t len = js.path.size();
        if (auto e = walk(inner, len)) return e;
        js.path.resize(prefix_len);
        continue;
      }
      if (c < 0) continue;  // unneeded value: ondemand skips it
      if (!take_value(v, js.values[static_cast<size_t>(c)], js.kinds[static_cast<size_t>(c)],
                      set_sep))
        return simdjson::INCORRECT_TYPE;
    }
    return simdjson::SUCCESS;
  };
  js.path.clear();
  if (auto e = walk(root, 0)) return fail(simdjson::error_message(e));

  for (size_t c = 0; c < columns_.size(); ++c) {
    cells_[c].kind = js.kinds[c];
    cells_[c].text = js.kinds[c] == cell_kind::null ? std::string_view{} : std::string_view(js.values[c]);
  }
  deliver(cells_.data(), line);
}

}  // namespace zeekgraph::zeek
