#include "util/iso_time.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace zeekgraph {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

struct cursor {
  std::string_view t;
  size_t i = 0;
  // Exactly n digits.
  bool digits(size_t n, unsigned& v) {
    if (t.size() - i < n) return false;
    v = 0;
    for (size_t k = 0; k < n; ++k) {
      const unsigned d = static_cast<unsigned>(t[i + k] - '0');
      if (d > 9) return false;
      v = v * 10 + d;
    }
    i += n;
    return true;
  }
  bool eat(char c) {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool eat_either(char a, char b) { return eat(a) || eat(b); }
};

bool fail(std::string_view* why, std::string_view reason) {
  if (why) *why = reason;
  return false;
}

// The whole seconds and the fraction's digits of an ISO 8601 time.
bool parse_parts(std::string_view text, int64_t& secs, std::string_view& fraction, std::string_view* why) {
  cursor c{text};
  unsigned y, mo, d, h, mi, s = 0;
  if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d))
    return fail(why, "expected a date YYYY-MM-DD");
  if (c.i == text.size()) return fail(why, "a date needs a time and zone: add T00:00:00Z");
  if (!c.eat_either('T', 't')) return fail(why, "expected 'T' between the date and the time");
  if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi))
    return fail(why, "expected a time HH:MM or HH:MM:SS");
  if (c.eat(':')) {
    if (!c.digits(2, s)) return fail(why, "expected two digits of seconds");
    if (c.eat('.') || c.eat(',')) {
      const size_t start = c.i;
      while (c.i < text.size() && static_cast<unsigned>(text[c.i] - '0') <= 9) ++c.i;
      if (c.i == start) return fail(why, "expected digits after the decimal point");
      fraction = text.substr(start, c.i - start);
    }
  }
  if (mo < 1 || mo > 12) return fail(why, "month out of range (01-12)");
  if (d < 1 || d > days_in_month(y, mo)) return fail(why, "day out of range for its month");
  if (h > 23) return fail(why, "hour out of range (00-23)");
  if (mi > 59) return fail(why, "minute out of range (00-59)");
  if (s > 59) return fail(why, "second out of range (00-59)");
  int64_t offset = 0;
  if (c.i == text.size()) return fail(why, "no time zone: add Z for UTC or an offset like +01:00");
  if (c.eat_either('Z', 'z')) {
  } else if (text[c.i] == '+' || text[c.i] == '-') {
    const bool minus = text[c.i++] == '-';
    unsigned oh, om = 0;
    if (!c.digits(2, oh)) return fail(why, "expected an offset +HH:MM");
    if (c.eat(':')) {
      if (!c.digits(2, om)) return fail(why, "expected an offset +HH:MM");
    } else if (c.i < text.size()) {
      if (!c.digits(2, om)) return fail(why, "expected an offset +HH:MM");
    }
    if (oh > 23 || om > 59) return fail(why, "offset out of range (up to 23:59)");
    offset = static_cast<int64_t>(oh * 3600 + om * 60) * (minus ? -1 : 1);
  } else {
    return fail(why, "expected a time zone: Z or an offset like +01:00");
  }
  if (c.i != text.size()) return fail(why, "unexpected text after the time zone");
  secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  return true;
}

}  // namespace

bool parse_iso8601(std::string_view text, double& out, std::string_view* why) {
  int64_t secs = 0;
  std::string_view fraction;
  if (!parse_parts(text, secs, fraction, why)) return false;
  if (fraction.empty()) {
    out = static_cast<double>(secs);
    return true;
  }
  if (secs >= 0) {
    // As decimal text, so the double is the correctly rounded value of the
    // whole number, like a cell's "1331899200.123456".
    std::string digits = std::to_string(secs);
    digits += '.';
    digits.append(fraction);
    double v;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec != std::errc()) return fail(why, "fraction out of range");
    out = v;
    return true;
  }
  double f = 0;
  std::string digits = "0.";
  digits.append(fraction);
  std::from_chars(digits.data(), digits.data() + digits.size(), f);
  out = static_cast<double>(secs) + f;
  return true;
}

bool iso8601_epoch_text(std::string_view text, std::string& out) {
  int64_t secs = 0;
  std::string_view fraction;
  if (!parse_parts(text, secs, fraction, nullptr)) return false;
  if (secs >= 0) {
    out = std::to_string(secs);
    if (!fraction.empty()) {
      out += '.';
      out.append(fraction);
    }
    return true;
  }
  double v = 0;
  if (!parse_iso8601(text, v)) return false;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest: reads back as v
  out.assign(buf, r.ptr);
  return true;
}

}  // namespace zeekgraph
