// Small bit and hash helpers shared by the readers and the hash tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace zeekgraph {

// Set bits of x, without the library call __builtin_popcount becomes on
// baseline x86-64 (no POPCNT instruction assumed).
inline size_t popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<size_t>((x * 0x0101010101010101ull) >> 56);
}

// Unaligned little-endian loads.
inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint32_t load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// The 128-bit product of a and b folded to 64 bits: the mixing step of the
// wyhash-style hashes of the group tables, the key cache and nunique.
inline uint64_t mul_fold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace zeekgraph
