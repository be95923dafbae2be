// Fuzzes the gzip path: multi-member streams, truncation, trailing bytes and
// damage, decoded in pieces whose size the first byte picks.
#include <cstdint>
#include <cstdlib>

#include "io/gzip_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] * 37;
  ++data;
  --size;
  zeekgraph::io::gzip_decoder d;
  unsigned char out[4096];
  size_t pos = 0, total = 0;
  for (int guard = 0; guard < 1 << 20; ++guard) {
    size_t n = std::min(step, size - pos);
    size_t used = 0, produced = 0;
    auto st = d.decode(data + pos, n, pos + n == size, out, sizeof out, used, produced);
    if (used > n || produced > sizeof out) std::abort();
    pos += used;
    total += produced;
    if (st != zeekgraph::io::gzip_status::ok) return 0;
    if (total > (size_t{64} << 20)) return 0;  // a bomb: enough
  }
  return 0;
}
