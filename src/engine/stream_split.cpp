#include "engine/stream_split.h"

namespace zeekgraph::engine {

uint64_t input_work(uint64_t size_on_disk, bool gzip) { return gzip ? size_on_disk * 4 : size_on_disk; }

bool pipeline_stream(uint64_t stream_work, uint64_t total_work, unsigned threads, uint64_t min_work) {
  if (threads < 2 || stream_work < min_work) return false;
  // stream_work > total_work / threads, without the rounding of the division.
  return static_cast<unsigned __int128>(stream_work) * threads > total_work;
}

}  // namespace zeekgraph::engine
