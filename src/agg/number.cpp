#include "agg/number.h"

#include "util/bits.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace zeekgraph::agg {
namespace {

// 1e0 .. 1e308, each correctly rounded, like the literals of a C table.
const double* powers_of_ten() {
  static const auto table = [] {
    static double t[309];
    for (int k = 0; k <= 308; ++k) {
      char buf[8];
      buf[0] = '1';
      buf[1] = 'e';
      auto r = std::to_chars(buf + 2, buf + sizeof buf, k);
      std::from_chars(buf, r.ptr, t[k]);
    }
    return t;
  }();
  return table;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

using detail::all_digits;
using detail::eight_digits;
constexpr uint64_t POW10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
// 1e0 .. 1e22 are exact in float64, so these literals are the correctly
// rounded powers the fast path divides by (it needs at most 1e17).
constexpr double EXACT_POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != b[i]) return false;
  return true;
}

// pandas' "high precision" xstrtod, re-derived from its documented
// behaviour and checked against pandas 1.5 by the oracle tests.
bool pandas_strtod(const char* p, const char* e, double& out) {
  constexpr int MAX_DIGITS = 17;
  bool negative = false;
  if (p < e && (*p == '-' || *p == '+')) negative = *p++ == '-';
  double number = 0;
  int exponent = 0, num_digits = 0;
  for (; p < e && is_digit(*p); ++p) {
    if (num_digits < MAX_DIGITS) {
      number = number * 10. + (*p - '0');
      ++num_digits;
    } else {
      ++exponent;
    }
  }
  if (p < e && *p == '.') {
    ++p;
    int decimals = 0;
    for (; p < e && num_digits < MAX_DIGITS && is_digit(*p); ++p) {
      number = number * 10. + (*p - '0');
      ++num_digits;
      ++decimals;
    }
    while (p < e && is_digit(*p)) ++p;
    exponent -= decimals;
  }
  if (num_digits == 0) return false;
  if (negative) number = -number;
  if (p < e && (*p == 'e' || *p == 'E')) {
    const char* mark = p++;
    bool eneg = false;
    if (p < e && (*p == '-' || *p == '+')) eneg = *p++ == '-';
    int n = 0, nd = 0;
    for (; p < e && nd < MAX_DIGITS && is_digit(*p); ++p, ++nd) n = n * 10 + (*p - '0');
    if (nd == 0) p = mark;  // "1e" is not an exponent
    exponent += eneg ? -n : n;
  }
  if (p != e) return false;
  const double* ten = powers_of_ten();
  if (exponent > 308) return false;  // pandas: ERANGE
  if (exponent > 0) {
    number *= ten[exponent];
  } else if (exponent < -308) {
    if (exponent < -616) {
      number = 0;
    } else {
      number /= ten[-308 - exponent];
      number /= ten[308];
    }
  } else {
    number /= ten[-exponent];
  }
  out = number;
  return true;
}

}  // namespace

bool parse_number(std::string_view t, number& out, float_parser parser) {
  if (t.empty()) return false;
  const char* b = t.data();
  const char* e = b + t.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-' || *b == '+') return false;
  }
  const bool negative = *b == '-';
  const char* p = b + (negative ? 1 : 0);
  // Fast path for the shapes Zeek writes ("80", "1331901000.123456"): up to
  // 17 digits gathered in an integer. While that integer stays below 2^53,
  // pandas' float64 gathering is exact too, so both parsers give
  // (double)digits / 10^decimals, one correctly rounded division.
  {
    const char* q = p;
    uint64_t acc = 0;
    int nd = 0;
    while (e - q >= 8 && nd + 8 <= 18 && all_digits(load8(q))) {
      acc = acc * POW10[8] + eight_digits(load8(q));
      nd += 8;
      q += 8;
    }
    while (q < e && nd <= 18 && is_digit(*q)) {
      acc = acc * 10 + static_cast<uint64_t>(*q - '0');
      ++nd;
      ++q;
    }
    if (q == e && nd > 0 && nd <= 18) {
      out.i = negative ? -static_cast<int64_t>(acc) : static_cast<int64_t>(acc);
      out.d = static_cast<double>(out.i);
      out.is_int = true;
      return true;
    }
    if (q < e && *q == '.' && nd <= 17) {
      ++q;
      int decimals = 0;
      // Up to 8 decimals in one load that ends where the text ends (the
      // bytes before them, inside the text, are masked to '0').
      const int k = static_cast<int>(e - q);
      if (k > 0 && k <= 8 && nd + k <= 17 && e - t.data() >= 8) {
        const uint64_t w = detail::last_digits_word(e, static_cast<unsigned>(k));
        if (all_digits(w)) {
          acc = acc * POW10[k] + eight_digits(w);
          nd += k;
          decimals = k;
          q = e;
        }
      }
      while (q < e && nd < 17 && is_digit(*q)) {
        acc = acc * 10 + static_cast<uint64_t>(*q - '0');
        ++nd;
        ++decimals;
        ++q;
      }
      if (q == e && nd > 0 && acc < (uint64_t{1} << 53)) {
        double d = static_cast<double>(acc) / EXACT_POW10[decimals];
        out.d = negative ? -d : d;
        out.is_int = false;
        return true;
      }
    }
  }
  // Integer text: [-]digits.
  bool digits_only = p < e;
  for (const char* q = p; q < e; ++q)
    if (*q < '0' || *q > '9') {
      digits_only = false;
      break;
    }
  if (digits_only) {
    auto r = std::from_chars(b, e, out.i);
    if (r.ec == std::errc() && r.ptr == e) {
      out.is_int = true;
      out.d = static_cast<double>(out.i);
      return true;
    }
    // Too large for int64: pandas falls back to float64 (or uint64).
  }
  out.is_int = false;
  if (parser == float_parser::pandas) {
    if (pandas_strtod(t.data(), e, out.d)) return true;
    // pandas reads these spellings of infinity too.
    std::string_view u = t.substr(t[0] == '+' || t[0] == '-' ? 1 : 0);
    if (iequals(u, "inf") || iequals(u, "infinity")) {
      out.d = t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
      return true;
    }
    return false;
  }
  auto r = std::from_chars(b, e, out.d, std::chars_format::general);
  return r.ec == std::errc() && r.ptr == e;
}

}  // namespace zeekgraph::agg
