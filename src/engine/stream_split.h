// When a gzip stream is worth pipelining: one thread inflating and the
// others parsing its blocks. That pays when the stream is the bulk of the
// work; when other files could keep the threads busy, each file on a
// thread of its own is faster (no queue, no handing blocks across cores,
// no inflating thread per pipeline competing for the cores: a directory of
// four 1.25M-row .gz files at -j 2 took 2.28 s pipelined, 1.65 s not).
#pragma once

#include <cstdint>

namespace zeekgraph::engine {

// Input work in bytes of text: a gzip file's on-disk bytes count four
// times (conn.log compresses about 3.3:1, and inflating costs more).
uint64_t input_work(uint64_t size_on_disk, bool gzip);

// Whether a stream of `stream_work` is pipelined over `threads` threads when
// all inputs together come to `total_work`: only if it is more than one
// thread's share, and at least `min_work`.
bool pipeline_stream(uint64_t stream_work, uint64_t total_work, unsigned threads, uint64_t min_work);

}  // namespace zeekgraph::engine
