// Finds the end of one TSV line and its field separators in a single pass,
// 64 bytes at a time (four SSE2 compares per character class), so a row is
// scanned once instead of once by memchr for its newline and again by the
// field splitter. The reader uses it for ordinary data lines and hands
// anything unusual (escapes, NUL bytes, no newline, over-long lines) to its
// line-at-a-time path, which reports problems with their context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "util/bits.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace zeekgraph::zeek {

enum class scan_status : uint8_t {
  ok,          // a line ending in '\n' without backslash or NUL
  special,     // the line holds a backslash or a NUL byte
  no_newline,  // no '\n' before the limit, or the line is too long
};

struct scanned_line {
  scan_status status = scan_status::no_newline;
  size_t length = 0;  // bytes before the '\n' (ok only)
  size_t fields = 0;  // separators + 1 (ok only)
};

namespace detail {

// Bits set where the 64 bytes at q equal `sep`, '\n', or '\\'/'\0'.
struct window_masks {
  uint64_t sep, nl, special;
};

inline window_masks masks64(const char* q, char sep) {
#if defined(__SSE2__)
  const __m128i vs = _mm_set1_epi8(sep), vn = _mm_set1_epi8('\n'), vb = _mm_set1_epi8('\\'),
                vz = _mm_setzero_si128();
  window_masks m{0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * k));
    m.sep |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs)))) << (16 * k);
    m.nl |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)))) << (16 * k);
    m.special |= static_cast<uint64_t>(static_cast<unsigned>(
                     _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vb), _mm_cmpeq_epi8(v, vz)))))
                 << (16 * k);
  }
  return m;
#else
  window_masks m{0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    uint64_t bit = uint64_t{1} << i;
    if (q[i] == sep) m.sep |= bit;
    if (q[i] == '\n') m.nl |= bit;
    if (q[i] == '\\' || q[i] == '\0') m.special |= bit;
  }
  return m;
#endif
}

}  // namespace detail

// Scans the line starting at `p` (bytes up to `limit` are readable). Calls
// on_field(index, begin, end) with offsets into the line for fields up to
// `last_wanted`, in order; on a status other than ok, some fields may
// have been reported already and must be ignored.
template <typename F>
inline scanned_line scan_line(const char* p, const char* limit, char sep, size_t last_wanted,
                              size_t max_length, F&& on_field) {
  scanned_line out;
  size_t field = 0, start = 0;
  for (size_t base = 0;; base += 64) {
    if (base > max_length || static_cast<size_t>(limit - p) <= base) return out;  // no_newline
    const size_t avail = static_cast<size_t>(limit - p) - base;
    detail::window_masks m;
    if (avail >= 64) {
      m = detail::masks64(p + base, sep);
    } else {
      // The last bytes of the buffer: scan a copy, padded with a byte that
      // is none of the classes, so nothing is read past the limit.
      char tail[64];
      std::memset(tail, 'x', sizeof tail);
      std::memcpy(tail, p + base, avail);
      m = detail::masks64(tail, sep);
    }
    uint64_t in_line = ~uint64_t{0};
    const bool ends = m.nl != 0;
    size_t end_at = 0;
    if (ends) {
      const unsigned nl = static_cast<unsigned>(__builtin_ctzll(m.nl));
      end_at = base + nl;
      in_line = nl == 0 ? 0 : (~uint64_t{0} >> (64 - nl));
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
    if (ends) {
      if (end_at > max_length) return out;  // no_newline: too long
      if (field <= last_wanted) on_field(field, start, end_at);
      out.status = scan_status::ok;
      out.length = end_at;
      out.fields = field + 1;
      return out;
    }
  }
}

}  // namespace zeekgraph::zeek
