// Finds the lines of TSV input and their field separators in two steps, the
// way simdjson finds JSON structure:
//   1. span_masks classifies every byte of a span of input (up to 16 KiB),
//      64 bytes at a time, into bit masks: separator, newline, and the
//      bytes that need the careful path (special_byte). It uses the widest
//      vectors the CPU has (AVX-512, AVX2, else SSE2), chosen at run time,
//      and reads each byte once.
//   2. scan_line walks one line's bits in those masks, reporting the fields
//      it is asked for, and counting the rest with a popcount.
// The reader uses them for ordinary data lines and hands anything unusual
// (escapes, NUL bytes, no newline, over-long lines) to its line-at-a-time
// path, which reports problems with their context. Classified with
// `escapes`, an ordinary line holds no byte that Zeek's ASCII writer
// escapes, but its separators: the reader can pass it on verbatim
// (reader_options::verbatim_lines).
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/bits.h"

namespace zeekgraph::zeek {

enum class scan_status : uint8_t {
  ok,          // a line ending in '\n' without a special byte
  special,     // the line holds a special byte (special_byte)
  no_newline,  // no '\n' in the span, or the line is too long
};

struct scanned_line {
  scan_status status = scan_status::no_newline;
  size_t length = 0;  // bytes before the '\n' (ok only)
  size_t fields = 0;  // separators + 1 (ok only)
};

// The special class: with `escapes`, the bytes Zeek's ASCII writer
// escapes ('\\', those below 0x20, NUL among them, and 0x7f) other than
// the separator and '\n'; else '\\' and NUL, the ones the reader's
// careful path must handle.
constexpr bool special_byte(unsigned char c, char sep, bool escapes) {
  if (!escapes) return c == '\\' || c == 0;
  return c != static_cast<unsigned char>(sep) && c != '\n' && (c < 0x20 || c == 0x7f || c == '\\');
}

// Bits set where the 64 bytes of a block equal the separator, '\n', or a
// special byte.
struct block_masks {
  uint64_t sep, nl, special;
};

class span_masks {
 public:
  static constexpr size_t MAX_BYTES = 16 * 1024;

  // Classifies [p, p + n), n <= MAX_BYTES, in whole blocks, the special
  // class as special_byte(escapes). Reads nothing past p + readable (>= n):
  // a last block that would is classified from a copy padded with a byte
  // of no class; else its bits past n describe the bytes there.
  void scan(const char* p, size_t n, char sep, size_t readable, bool escapes = false);
  void scan(const char* p, size_t n, char sep) { scan(p, n, sep, n); }

  size_t size() const { return n_; }
  const block_masks* blocks() const { return blocks_; }

 private:
  block_masks blocks_[MAX_BYTES / 64];
  size_t n_ = 0;
};

// The masks of n whole blocks at p, with the CPU's widest vectors; exposed
// so tests can check each variant against the others.
enum class simd_level : uint8_t { sse2, avx2, avx512 };
simd_level best_simd_level();
const char* to_string(simd_level level);  // "sse2", "avx2", "avx512"
void compute_block_masks(const char* p, size_t blocks, char sep, block_masks* out, simd_level level,
                         bool escapes = false);

// Scans the line starting at offset `s` of the span. Calls
// on_field(index, begin, end) with offsets into the line for fields up to
// `last_wanted`, in order; on a status other than ok, some fields may
// have been reported already and must be ignored.
template <typename F>
inline scanned_line scan_line(const span_masks& span, size_t s, size_t last_wanted, size_t max_length,
                              F&& on_field) {
  scanned_line out;
  const block_masks* blocks = span.blocks();
  const size_t n = span.size();
  size_t field = 0, start = 0;
  // Bits of the block holding s at or after s.
  uint64_t from = ~uint64_t{0} << (s & 63);
  for (size_t b = s >> 6; b * 64 < n; ++b, from = ~uint64_t{0}) {
    const size_t base = b * 64 - s;  // block start, relative to the line (wraps in the first block)
    const block_masks& m = blocks[b];
    uint64_t in_line = from;
    const uint64_t nl = m.nl & from;
    size_t end_at = 0;
    if (nl) {
      const unsigned at = static_cast<unsigned>(__builtin_ctzll(nl));
      end_at = base + at;
      in_line &= at == 0 ? 0 : (~uint64_t{0} >> (64 - at));
    }
    if (m.special & in_line) {
      out.status = scan_status::special;
      return out;
    }
    uint64_t seps = m.sep & in_line;
    while (seps) {
      if (field > last_wanted) {
        field += popcount64(seps);
        break;
      }
      const size_t pos = base + static_cast<size_t>(__builtin_ctzll(seps));
      on_field(field++, start, pos);
      start = pos + 1;
      seps &= seps - 1;
    }
    if (nl) {
      if (end_at > max_length) return out;  // no_newline: too long
      if (field <= last_wanted) on_field(field, start, end_at);
      out.status = scan_status::ok;
      out.length = end_at;
      out.fields = field + 1;
      return out;
    }
    if (base + 64 > max_length) return out;  // too long already
  }
  return out;  // no_newline in the span
}

}  // namespace zeekgraph::zeek
