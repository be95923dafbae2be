// Reads a numeric cell the way pandas.read_csv infers it: integer text
// ("80", "-3") gives int64, anything else strtod accepts gives float64.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/bits.h"

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

namespace detail {

// Eight ASCII digits at a time (SWAR): byte 0 of a little-endian load is the
// first, most significant digit.
constexpr uint64_t ONES = 0x0101010101010101ull;
inline bool all_digits(uint64_t w) {
  // High nibble 3, and low nibble at most 9 (adding 6 must not carry).
  return (w & (0xF0 * ONES)) == 0x30 * ONES && ((w + 0x06 * ONES) & (0xF0 * ONES)) == 0x30 * ONES;
}
inline uint64_t eight_digits(uint64_t w) {
  w -= 0x30 * ONES;
  w = w * 10 + (w >> 8);                 // bytes 0, 2, 4, 6: two-digit values
  w &= 0x00FF00FF00FF00FFull;
  w = w * 100 + (w >> 16);               // 16-bit lanes 0 and 2: four-digit values
  return (w & 0xFFFF) * 10000 + ((w >> 32) & 0xFFFF);
}

// The last k (1..8) bytes before `end` as the low digits of an eight-digit
// word: the 8 - k bytes in front of them, which must be readable, read as
// '0'.
inline uint64_t last_digits_word(const char* end, unsigned k) {
  const uint64_t front = k == 8 ? 0 : (uint64_t{1} << (8 * (8 - k))) - 1;
  return (load8(end - 8) & ~front) | (0x30 * ONES & front);
}

// Zeek's time and interval text, printf's "%.6f": 1 to 10 digits, a point
// and six decimals ("1331901000.585000", "0.000360"). Gathered in an
// integer below 2^53, pandas' parser and a correctly rounded one both give
// digits / 1e6, as parse_number's own fast path does. False for any other
// shape (which parse_number then reads).
inline bool parse_fixed6(const char* b, size_t n, double& out) {
  if (n < 8 || n > 17 || b[n - 7] != '.') return false;
  const size_t m = n - 7;  // integer digits, 1..10
  const uint64_t dec = last_digits_word(b + n, 6);  // the decimals
  if (!all_digits(dec)) return false;
  uint64_t whole;
  if (m <= 8) {
    // The first eight bytes hold the integer digits, then the point: shift
    // the digits to the end of the word and fill the front with '0'.
    const unsigned pad = static_cast<unsigned>(8 - m) * 8;
    const uint64_t w = pad ? (load8(b) << pad) | (0x30 * ONES >> (64 - pad)) : load8(b);
    if (!all_digits(w)) return false;
    whole = eight_digits(w);
  } else {
    const uint64_t w = load8(b);
    if (!all_digits(w)) return false;
    whole = eight_digits(w);
    for (size_t i = 8; i < m; ++i) {
      const unsigned d = static_cast<unsigned char>(b[i]) - '0';
      if (d > 9) return false;
      whole = whole * 10 + d;
    }
  }
  const uint64_t acc = whole * 1000000 + eight_digits(dec);
  if (acc >= (uint64_t{1} << 53)) return false;
  out = static_cast<double>(acc) / 1e6;
  return true;
}

}  // namespace detail

// parse_number() with the commonest shapes inlined: up to 9 digits without
// sign or point (ports, byte and packet counts), and Zeek's "%.6f" times
// and intervals. Anything else takes the full parser, with the same result.
inline bool parse_number_fast(std::string_view text, number& out, float_parser parser) {
  const size_t n = text.size();
  if (detail::parse_fixed6(text.data(), n, out.d)) {
    out.is_int = false;
    return true;
  }
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
