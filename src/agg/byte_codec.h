// The byte layer of zeekgraph's binary files (state files, finished
// partitions): little-endian integers, LEB128 varints, and sections that
// each carry a tag, a length and a CRC32 of all three, checked whole before
// any of a section is read. The files' contents: agg/state_file.h,
// agg/finished_part.h.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/block_pool.h"

namespace zeekgraph::agg::codec {

// zlib's crc32 (the gzip CRC) of `n` bytes at `data`, continuing `crc`.
uint32_t crc_more(uint32_t crc, const void* data, size_t n);

struct writer {
  pooled_string b;  // a state file or a finished part: big, and kept for the next task
  void u8(uint8_t v) { b.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    char x[4];
    std::memcpy(x, &v, 4);
    b.append(x, 4);
  }
  void u64(uint64_t v) {
    char x[8];
    std::memcpy(x, &v, 8);
    b.append(x, 8);
  }
  void f64(double d) { u64(std::bit_cast<uint64_t>(d)); }
  void var(uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<uint8_t>(v));
  }
  void str(std::string_view s) {
    var(s.size());
    b.append(s);
  }
  // Raw little-endian bytes (the host's order, as u64 writes them).
  void bytes(const void* p, size_t n) {
    if (n) b.append(static_cast<const char*>(p), n);  // an empty vector's data() may be null
  }
  // A section written in place: its tag, a length patched by end_section,
  // the payload, then the CRC of tag + length + payload.
  void begin_section(uint32_t tag) {
    u32(tag);
    section_ = b.size();
    u64(0);
  }
  void end_section();

 private:
  size_t section_ = 0;
};

// Reads a payload; the first failure sticks (every later read returns
// zeros), and the caller checks ok() at its checkpoints.
struct reader {
  std::string_view s;
  size_t pos = 0;
  std::string fault;
  bool ok() const { return fault.empty(); }
  void fail(std::string what) {
    if (fault.empty()) fault = std::move(what);
    pos = s.size();
  }
  size_t left() const { return s.size() - pos; }
  bool need(size_t n, const char* what) {
    if (!ok()) return false;
    if (n > left()) {
      fail(std::string("cut short in ") + what);
      return false;
    }
    return true;
  }
  uint8_t u8(const char* what) {
    if (!need(1, what)) return 0;
    return static_cast<uint8_t>(s[pos++]);
  }
  uint64_t u64(const char* what) {
    if (!need(8, what)) return 0;
    uint64_t v;
    std::memcpy(&v, s.data() + pos, 8);
    pos += 8;
    return v;
  }
  double f64(const char* what) { return std::bit_cast<double>(u64(what)); }
  uint64_t var(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t byte = u8(what);
      if (!ok()) return 0;
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    fail(std::string("a number too long in ") + what);
    return 0;
  }
  // A count of items of at least `min_bytes` each: no more than the payload holds.
  size_t count(size_t min_bytes, const char* what) {
    const uint64_t n = var(what);
    if (ok() && n > left() / std::max<size_t>(min_bytes, 1)) {
      fail(std::string("a count past the end of the data in ") + what);
      return 0;
    }
    return static_cast<size_t>(n);
  }
  std::string_view bytes(const char* what) {
    const uint64_t n = var(what);
    if (!need(n, what)) return {};
    std::string_view v = s.substr(pos, static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
    return v;
  }
  bool flag(const char* what) {
    const uint8_t v = u8(what);
    if (v > 1) fail(std::string("a flag that is neither 0 nor 1 in ") + what);
    return v == 1;
  }
};

// The version of a file that starts with `magic` (8 bytes) and a u32
// version; none when it does not.
std::optional<uint32_t> file_version(std::string_view bytes, const char (&magic)[8]);

// Splits `bytes` past its `header` bytes (magic and version, checked by the
// caller) into sections, each checked against its CRC: tag -> payload.
// Tags run from 1 to `end_tag`, each at most once, and `end_tag` (empty)
// closes the file. Returns what is wrong ("" when nothing is), for the
// caller's message: "it is cut short (section 3)", "section 2 fails its
// checksum (the file is damaged)", ...
std::string split_sections(std::string_view bytes, size_t header, uint32_t end_tag,
                           std::map<uint32_t, std::string_view>& sections);

}  // namespace zeekgraph::agg::codec
