#include "util/float_repr.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace zeekgraph {

void append_float_repr(std::string& out, double v) {
  if (std::isnan(v)) { out += "nan"; return; }
  if (std::isinf(v)) { out += v < 0 ? "-inf" : "inf"; return; }
  if (std::signbit(v)) out += '-';
  v = std::fabs(v);
  if (v == 0) { out += "0.0"; return; }

  // Shortest round-trip digits in scientific form: "d[.ddd]e[+-]XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  char digits[32];
  int ndigits = 0;
  const char* p = buf;
  for (; p < res.ptr && *p != 'e'; ++p)
    if (*p != '.') digits[ndigits++] = *p;
  int exp10 = 0;  // p points at 'e'; the buffer is not NUL-terminated
  std::from_chars(p + (p[1] == '+' ? 2 : 1), res.ptr, exp10);
  int decpt = exp10 + 1;         // digits[0] sits left of the decimal point

  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (ndigits > 1) {
      out += '.';
      out.append(digits + 1, ndigits - 1);
    }
    out += 'e';
    out += exp10 < 0 ? '-' : '+';
    int a = std::abs(exp10);
    if (a < 10) out += '0';
    out += std::to_string(a);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out.append(digits, ndigits);
  } else if (decpt >= ndigits) {
    out.append(digits, ndigits);
    out.append(static_cast<size_t>(decpt - ndigits), '0');
    out += ".0";
  } else {
    out.append(digits, decpt);
    out += '.';
    out.append(digits + decpt, ndigits - decpt);
  }
}

std::string float_repr(double v) {
  std::string s;
  append_float_repr(s, v);
  return s;
}

}  // namespace zeekgraph
