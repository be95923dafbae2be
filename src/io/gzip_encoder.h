// Compresses a buffer into one gzip member (zlib).
#pragma once

#include <string>
#include <string_view>

namespace zeekgraph::io {

// level: 1 (fast) .. 9 (small).
std::string gzip_compress(std::string_view in, int level = 6);

}  // namespace zeekgraph::io
