// Copies and compares a few bytes without a call into libc: overlapping
// loads and stores of 8 or 4 bytes, all inside [src, src + n) and [dst, dst
// + n). Group keys and uids are 2 to 20 bytes (up to 32 are copied inline); a
// memcpy call per key text cost as much as the copy itself (docs/PERFORMANCE.md),
// and a memcmp per needle found or address compared a tenth of a drill-down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace zeekgraph {

inline void copy_small(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (n > 32) {
    std::memcpy(d, s, n);
  } else if (n > 16) {
    unsigned char a[16], b[16];
    std::memcpy(a, s, 16);
    std::memcpy(b, s + n - 16, 16);
    std::memcpy(d, a, 16);
    std::memcpy(d + n - 16, b, 16);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  }
}

namespace detail {
// The first and last sizeof(W) bytes of n (sizeof(W) <= n <= 2 sizeof(W)).
template <typename W>
inline bool equal_ends(const unsigned char* x, const unsigned char* y, size_t n) {
  W x0, x1, y0, y1;
  std::memcpy(&x0, x, sizeof(W));
  std::memcpy(&x1, x + n - sizeof(W), sizeof(W));
  std::memcpy(&y0, y, sizeof(W));
  std::memcpy(&y1, y + n - sizeof(W), sizeof(W));
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}
}  // namespace detail

// Whether the n bytes at a and b are equal (up to 16 inline).
inline bool equal_small(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  if (n > 16) return std::memcmp(x, y, n) == 0;
  if (n >= 8) return detail::equal_ends<uint64_t>(x, y, n);
  if (n >= 4) return detail::equal_ends<uint32_t>(x, y, n);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

}  // namespace zeekgraph
