// A deterministic generator of MACCDC-2012-like Zeek conn logs, for the
// demo, the tests and the benchmarks. At 22.7M rows it comes close to the
// real file: ~2.4 GB, ~5,556 distinct IPs and ~80K (orig, resp, state)
// groups, with heavy-hitter scanners in 192.168.202.0/24, some IPv6
// link-local and multicast rows, and '-' wherever Zeek leaves a field unset.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/result.h"

namespace zeekgraph::gen {

struct gen_options {
  uint64_t rows = 1'000'000;
  uint64_t seed = 1;
  bool header = false;  // write Zeek's '#' header and '#close' (else the seed's headerless layout)
};

class text_sink {
 public:
  virtual ~text_sink() = default;
  virtual status write(std::string_view bytes) = 0;
};

// Writes the log to `out` in blocks. Errors are those `out` returns.
status generate_conn_log(const gen_options& opts, text_sink& out);

}  // namespace zeekgraph::gen
