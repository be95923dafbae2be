#include "table/row_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "table/table_writer.h"
#include "util/json_string.h"

namespace zeekgraph::table {
namespace {

bool numeric_type(std::string_view t) {
  return t == "count" || t == "int" || t == "port" || t == "double" || t == "interval" || t == "time";
}

bool reads_as_number(std::string_view s) {
  if (s.empty()) return false;
  double v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

std::string iso_utc(std::string_view s) {
  double v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::string(s);
  double whole = std::floor(v);
  long long micros = std::llround((v - whole) * 1e6);
  if (micros == 1000000) {
    whole += 1;
    micros = 0;
  }
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

row_writer::row_writer(std::ostream& out, row_format format, std::vector<row_column> columns)
    : row_writer(&out, nullptr, format, std::move(columns)) {}

row_writer::row_writer(std::string& out, row_format format, std::vector<row_column> columns)
    : row_writer(nullptr, &out, format, std::move(columns)) {}

row_writer::row_writer(std::ostream* stream, std::string* text, row_format format, std::vector<row_column> columns)
    : stream_(stream), text_(text), format_(format), columns_(std::move(columns)) {
  for (const auto& c : columns_) {
    numeric_.push_back(numeric_type(c.zeek_type));
    time_.push_back(c.zeek_type == "time");
  }
}

void row_writer::header() {
  line_.clear();
  if (format_ == row_format::csv) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i) line_ += ',';
      append_csv_field(line_, columns_[i].name);
    }
    line_ += '\n';
  } else if (format_ == row_format::zeek) {
    line_ += "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields";
    for (const auto& c : columns_) (line_ += '\t') += c.name;
    line_ += "\n#types";
    for (const auto& c : columns_) (line_ += '\t') += c.zeek_type;
    line_ += '\n';
  }
  put(line_.data(), line_.size());
}

void row_writer::footer() {
  if (format_ == row_format::zeek) put("#close\n", 7);
}

namespace {

// Bytes Zeek's ASCII writer escapes: '\\' and those that are not printable.
constexpr std::array<bool, 256> ESCAPED = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t[0x7f] = true;
  t['\\'] = true;
  return t;
}();

// Zeek's ASCII writer: '\\' and bytes that are not printable as \xHH, a
// value equal to the unset or empty marker with its first byte escaped, and
// a first field starting with '#' too (it would read as a header line).
// Writes at most 4 bytes a byte of `s` at `p`; returns the end.
char* zeek_field(char* p, std::string_view s, bool first) {
  static constexpr char HEX[] = "0123456789abcdef";
  auto escape = [&](unsigned char c) {
    *p++ = '\\';
    *p++ = 'x';
    *p++ = HEX[c >> 4];
    *p++ = HEX[c & 15];
  };
  size_t i = 0;
  if (!s.empty() && (s == "-" || s == "(empty)" || (first && s[0] == '#'))) {
    escape(static_cast<unsigned char>(s[0]));
    i = 1;
  }
  // Eight bytes at a time while none of them is escaped: a byte below 0x20,
  // 0x7f or '\\' (the classic "has a zero byte" bit tests).
  constexpr uint64_t ONES = 0x0101010101010101ull, HIGHS = 0x8080808080808080ull;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const uint64_t below_space = (x - ONES * 0x20) & ~x;
    const uint64_t del = x ^ (ONES * 0x7f), backslash = x ^ (ONES * '\\');
    if (((below_space | ((del - ONES) & ~del) | ((backslash - ONES) & ~backslash)) & HIGHS) != 0) break;
    std::memcpy(p, &x, 8);
    p += 8;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!ESCAPED[c]) {
      *p++ = static_cast<char>(c);
    } else if (c == '\\') {
      *p++ = '\\';
      *p++ = '\\';
    } else {
      escape(c);
    }
  }
  return p;
}

}  // namespace

void row_writer::row(const zeek::cell* cells) {
  line_.clear();
  switch (format_) {
    case row_format::zeek: {
      // Into a buffer big enough for every byte escaped, without a bounds
      // check a byte.
      const size_t n = columns_.size();  // once: stores through p may alias the vector
      size_t bound = 1;
      for (size_t i = 0; i < n; ++i) bound += 4 * cells[i].text.size() + 8;
      if (bound > zeek_cap_) {
        zeek_cap_ = std::max(bound, 2 * zeek_cap_);
        zeek_buf_.reset(new char[zeek_cap_]);
      }
      char* const start = zeek_buf_.get();
      char* p = start;
      for (size_t i = 0; i < n; ++i) {
        if (i) *p++ = '\t';
        if (cells[i].kind == zeek::cell_kind::null) {
          *p++ = '-';
        } else if (cells[i].text.empty()) {
          std::memcpy(p, "(empty)", 7);
          p += 7;
        } else {
          p = zeek_field(p, cells[i].text, i == 0);
        }
      }
      *p++ = '\n';
      put(start, static_cast<size_t>(p - start));
      return;
    }
    case row_format::csv:
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (i) line_ += ',';
        if (cells[i].kind == zeek::cell_kind::null) continue;
        if (time_[i])
          append_csv_field(line_, iso_utc(cells[i].text));
        else
          append_csv_field(line_, cells[i].text);
      }
      break;
    case row_format::ndjson: {
      line_ += '{';
      bool any = false;
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (cells[i].kind == zeek::cell_kind::null) continue;  // Zeek's JSON leaves unset fields out
        if (any) line_ += ',';
        any = true;
        append_json_string(line_, columns_[i].name);
        line_ += ':';
        if (numeric_[i] && reads_as_number(cells[i].text))
          line_.append(cells[i].text);
        else
          append_json_string(line_, cells[i].text);
      }
      line_ += '}';
      break;
    }
  }
  line_ += '\n';
  put(line_.data(), line_.size());
}

}  // namespace zeekgraph::table
