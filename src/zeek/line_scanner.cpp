#include "zeek/line_scanner.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace zeekgraph::zeek {
namespace {

#if defined(__x86_64__)
// ESCAPES: the special class holds every byte Zeek's writer escapes (but
// the separator and '\n'); else '\\' and NUL alone, which the reader's
// careful path must see (two compares fewer a vector).
template <bool ESCAPES>
void masks_sse2(const char* p, size_t blocks, char sep, block_masks* out) {
  const __m128i vs = _mm_set1_epi8(sep), vn = _mm_set1_epi8('\n'), vb = _mm_set1_epi8('\\'),
                vz = _mm_setzero_si128(), vc = _mm_set1_epi8(0x1f), vd = _mm_set1_epi8(0x7f);
  for (size_t i = 0; i < blocks; ++i, p += 64) {
    block_masks m{0, 0, 0};
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const auto bits = [](__m128i eq, int k) {
        return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(eq))) << (16 * k);
      };
      const uint64_t sep_bits = bits(_mm_cmpeq_epi8(v, vs), k), nl_bits = bits(_mm_cmpeq_epi8(v, vn), k);
      m.sep |= sep_bits;
      m.nl |= nl_bits;
      if constexpr (ESCAPES) {
        const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, vc), v);  // v <= 0x1f, unsigned
        m.special |= bits(_mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, vb), _mm_cmpeq_epi8(v, vd))), k) &
                     ~sep_bits & ~nl_bits;
      } else {
        m.special |= bits(_mm_or_si128(_mm_cmpeq_epi8(v, vb), _mm_cmpeq_epi8(v, vz)), k);
      }
    }
    out[i] = m;
  }
}

__attribute__((target("avx2"))) inline uint64_t bits64(__m256i lo, __m256i hi) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}

// Bytes at or below 0x1f (unsigned), '\\' and 0x7f; or '\\' and NUL.
template <bool ESCAPES>
__attribute__((target("avx2"))) inline __m256i special_bytes(__m256i v) {
  const __m256i backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'));
  if constexpr (ESCAPES)
    return _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v),
                           _mm256_or_si256(backslash, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))));
  else
    return _mm256_or_si256(backslash, _mm256_cmpeq_epi8(v, _mm256_setzero_si256()));
}

template <bool ESCAPES>
__attribute__((target("avx2"))) void masks_avx2(const char* p, size_t blocks, char sep, block_masks* out) {
  const __m256i vs = _mm256_set1_epi8(sep), vn = _mm256_set1_epi8('\n');
  for (size_t i = 0; i < blocks; ++i, p += 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    out[i].sep = bits64(_mm256_cmpeq_epi8(lo, vs), _mm256_cmpeq_epi8(hi, vs));
    out[i].nl = bits64(_mm256_cmpeq_epi8(lo, vn), _mm256_cmpeq_epi8(hi, vn));
    out[i].special = bits64(special_bytes<ESCAPES>(lo), special_bytes<ESCAPES>(hi));
    if constexpr (ESCAPES) out[i].special &= ~out[i].sep & ~out[i].nl;
  }
}

template <bool ESCAPES>
__attribute__((target("avx512f,avx512bw"))) void masks_avx512(const char* p, size_t blocks, char sep,
                                                              block_masks* out) {
  const __m512i vs = _mm512_set1_epi8(sep), vn = _mm512_set1_epi8('\n'), vb = _mm512_set1_epi8('\\'),
                vc = _mm512_set1_epi8(0x1f), vd = _mm512_set1_epi8(0x7f);
  for (size_t i = 0; i < blocks; ++i, p += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    const uint64_t sep_bits = _mm512_cmpeq_epi8_mask(v, vs), nl_bits = _mm512_cmpeq_epi8_mask(v, vn);
    out[i].sep = sep_bits;
    out[i].nl = nl_bits;
    if constexpr (ESCAPES)
      out[i].special =
          (_mm512_cmple_epu8_mask(v, vc) | _mm512_cmpeq_epi8_mask(v, vb) | _mm512_cmpeq_epi8_mask(v, vd)) &
          ~sep_bits & ~nl_bits;
    else
      out[i].special = _mm512_cmpeq_epi8_mask(v, vb) | _mm512_testn_epi8_mask(v, v);
  }
}

simd_level detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512f")) return simd_level::avx512;
  if (__builtin_cpu_supports("avx2")) return simd_level::avx2;
  return simd_level::sse2;
}
#else
// Other CPUs: one byte at a time, reported as the baseline level.
template <bool ESCAPES>
void masks_scalar(const char* p, size_t blocks, char sep, block_masks* out) {
  for (size_t i = 0; i < blocks; ++i, p += 64) {
    block_masks m{0, 0, 0};
    for (int k = 0; k < 64; ++k) {
      const uint64_t bit = uint64_t{1} << k;
      if (p[k] == sep) m.sep |= bit;
      if (p[k] == '\n') m.nl |= bit;
      if (special_byte(static_cast<unsigned char>(p[k]), sep, ESCAPES)) m.special |= bit;
    }
    out[i] = m;
  }
}
simd_level detect() { return simd_level::sse2; }
#endif

}  // namespace

simd_level best_simd_level() {
  static const simd_level level = detect();
  return level;
}

const char* to_string(simd_level level) {
  switch (level) {
    case simd_level::avx512: return "avx512";
    case simd_level::avx2: return "avx2";
    case simd_level::sse2: return "sse2";
  }
  return "?";
}

void compute_block_masks(const char* p, size_t blocks, char sep, block_masks* out, simd_level level, bool escapes) {
#if defined(__x86_64__)
  switch (level) {
    case simd_level::avx512:
      escapes ? masks_avx512<true>(p, blocks, sep, out) : masks_avx512<false>(p, blocks, sep, out);
      break;
    case simd_level::avx2:
      escapes ? masks_avx2<true>(p, blocks, sep, out) : masks_avx2<false>(p, blocks, sep, out);
      break;
    case simd_level::sse2:
      escapes ? masks_sse2<true>(p, blocks, sep, out) : masks_sse2<false>(p, blocks, sep, out);
      break;
  }
#else
  (void)level;  // only the baseline exists here
  escapes ? masks_scalar<true>(p, blocks, sep, out) : masks_scalar<false>(p, blocks, sep, out);
#endif
}

void span_masks::scan(const char* p, size_t n, char sep, size_t readable, bool escapes) {
  n_ = std::min(n, MAX_BYTES);
  const simd_level level = best_simd_level();
  const size_t blocks = (n_ + 63) / 64;
  if (blocks * 64 <= readable) {  // the last block reads bytes that are there
    compute_block_masks(p, blocks, sep, blocks_, level, escapes);
    return;
  }
  const size_t whole = n_ / 64;
  compute_block_masks(p, whole, sep, blocks_, level, escapes);
  if (const size_t rest = n_ % 64) {
    char tail[64];
    std::memset(tail, sep == 'x' ? 'y' : 'x', sizeof tail);  // a byte of no class
    std::memcpy(tail, p + whole * 64, rest);
    compute_block_masks(tail, 1, sep, blocks_ + whole, level, escapes);
  }
}

}  // namespace zeekgraph::zeek
