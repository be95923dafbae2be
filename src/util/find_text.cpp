#include "util/find_text.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "util/small_copy.h"

namespace zeekgraph {
namespace {

const char* find_plain(const char* p, const char* end, std::string_view needle) {
  if (static_cast<size_t>(end - p) < needle.size()) return end;
  const void* f = memmem(p, static_cast<size_t>(end - p), needle.data(), needle.size());
  return f ? static_cast<const char*>(f) : end;
}

uint64_t count_plain(const char* p, const char* end, char c) {
  return static_cast<uint64_t>(std::count(p, end, c));
}

#if defined(__x86_64__)
// 32 candidate starts at a time: those whose first byte and last three
// bytes all match, then a compare of the rest. Log text is mostly digits,
// dots and tabs, so two bytes alone (an address's "1" and ".") let through
// a candidate in most chunks.
__attribute__((target("avx2,bmi"))) const char* find_avx2(const char* p, const char* end,
                                                          std::string_view needle) {
  const size_t n = needle.size();
  if (static_cast<size_t>(end - p) < n) return end;
  // Short needles ("\n#") check their first and last byte twice over.
  const size_t k = n >= 4 ? 3 : 1;
  const __m256i first = _mm256_set1_epi8(needle[0]);
  const __m256i last3 = _mm256_set1_epi8(needle[n - k]);
  const __m256i last2 = _mm256_set1_epi8(needle[n - (k + 1) / 2]);
  const __m256i last = _mm256_set1_epi8(needle[n - 1]);
  const char* const stop = end - n + 1;  // starts at or past this don't fit
  const char* s = p;
  for (; s + 32 <= stop; s += 32) {
    const auto* v = reinterpret_cast<const __m256i*>(s);
    const auto* w = reinterpret_cast<const __m256i*>(s + n - k);
    const __m256i head = _mm256_cmpeq_epi8(_mm256_loadu_si256(v), first);
    const __m256i tail = _mm256_and_si256(
        _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(w), last3),
                         _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + n - (k + 1) / 2)), last2)),
        _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + n - 1)), last));
    auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(head, tail)));
    while (mask) {
      const unsigned i = static_cast<unsigned>(__builtin_ctz(mask));
      if (n <= 2 || equal_small(s + i + 1, needle.data() + 1, n - 2)) return s + i;
      mask = _blsr_u32(mask);
    }
  }
  return find_plain(s, end, needle);
}

__attribute__((target("avx2,popcnt"))) uint64_t count_avx2(const char* p, const char* end, char c) {
  const __m256i v = _mm256_set1_epi8(c);
  uint64_t total = 0;
  for (; p + 32 <= end; p += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    total += static_cast<uint64_t>(
        __builtin_popcount(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, v)))));
  }
  return total + count_plain(p, end, c);
}

const bool HAVE_AVX2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
#endif

}  // namespace

const char* find_text(const char* p, const char* end, std::string_view needle) {
#if defined(__x86_64__)
  if (HAVE_AVX2) return find_avx2(p, end, needle);
#endif
  return find_plain(p, end, needle);
}

uint64_t count_byte(const char* p, const char* end, char c) {
#if defined(__x86_64__)
  if (HAVE_AVX2) return count_avx2(p, end, c);
#endif
  return count_plain(p, end, c);
}

}  // namespace zeekgraph
