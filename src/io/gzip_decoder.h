// Incremental gzip decoding of one or more concatenated members, with isa-l's
// igzip when available (several times faster than zlib) and zlib otherwise.
// Tells apart a clean end, a stream cut before its trailer, bytes after the
// last member that are not gzip, and damaged data.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace zeekgraph::io {

enum class gzip_status {
  ok,                // progress made, call again
  end,               // all members decoded, input exhausted
  truncated,         // input ended inside a member
  trailing_garbage,  // non-gzip bytes after a complete member
  corrupt,           // invalid deflate data or checksum
};

class gzip_decoder {
 public:
  gzip_decoder();
  ~gzip_decoder();
  gzip_decoder(const gzip_decoder&) = delete;
  gzip_decoder& operator=(const gzip_decoder&) = delete;

  // Decodes from in[0, in_len) into out[0, cap). `in_eof`: no input will
  // follow this. Sets the bytes consumed and produced.
  gzip_status decode(const unsigned char* in, size_t in_len, bool in_eof, unsigned char* out,
                     size_t cap, size_t& used, size_t& produced);
  const std::string& last_error() const { return error_; }
  static const char* backend();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  bool member_done_ = false;
  std::string error_;
};

}  // namespace zeekgraph::io
