// The order a thread pool starts pieces of work in: the biggest first
// (longest processing time first), so the threads run out of work at about
// the same time instead of one finishing a big file the others left for
// last. Rotated logs vary in size by hour; input order would often leave
// the day's big files to the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zeekgraph::engine {

// Indices into `work`, the biggest piece first; equal pieces keep their
// input order. With one thread, input order (one thread reads every row in
// the order pandas does).
std::vector<size_t> largest_first(const std::vector<uint64_t>& work, unsigned threads);

}  // namespace zeekgraph::engine
