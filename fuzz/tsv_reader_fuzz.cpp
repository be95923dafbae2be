// Fuzzes the Zeek TSV reader (header lines, schema switches, escapes, rows)
// and the aggregation behind it. The first byte picks how the stream is
// cut into pieces, so line carry-over is fuzzed too.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = data[0] % 4 == 0 ? 0 : 1 + data[0];
  zeekgraph::fuzz::read_and_summarize(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), piece);
  return 0;
}
