// Reads a numeric cell the way pandas.read_csv infers it: integer text
// ("80", "-3") gives int64, anything else strtod accepts gives float64.
#pragma once

#include <cstdint>
#include <string_view>

namespace zeekgraph::agg {

struct number {
  double d = 0;     // the value as float64 (always set)
  int64_t i = 0;    // the value as int64 (set when is_int)
  bool is_int = false;
};

// How decimal text becomes a float64.
enum class float_parser : unsigned char {
  exact,   // correctly rounded (JSON numbers, as Python's json module reads them)
  pandas,  // pandas.read_csv's default C parser: up to 17 significant digits
           // (leading zeros included) gathered in float64 arithmetic, then
           // scaled by a power of ten. It differs from strtod in the last
           // bit for long values such as "0.20204401016235352", and the seed
           // reads its input with it.
};

// False when `text` is not a whole number token.
bool parse_number(std::string_view text, number& out, float_parser parser = float_parser::exact);

// parse_number() with the commonest shape inlined: up to 9 digits without
// sign or point (ports, byte and packet counts). Anything else takes the
// full parser, with the same result.
inline bool parse_number_fast(std::string_view text, number& out, float_parser parser) {
  const size_t n = text.size();
  if (n - 1 < 9) {  // 1..9 bytes (n = 0 wraps)
    uint64_t acc = 0;
    size_t i = 0;
    for (; i < n; ++i) {
      const unsigned d = static_cast<unsigned char>(text[i]) - '0';
      if (d > 9) break;
      acc = acc * 10 + d;
    }
    if (i == n) {
      out.i = static_cast<int64_t>(acc);
      out.d = static_cast<double>(acc);
      out.is_int = true;
      return true;
    }
  }
  return parse_number(text, out, parser);
}

}  // namespace zeekgraph::agg
