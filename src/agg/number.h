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

}  // namespace zeekgraph::agg
