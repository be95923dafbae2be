#include "agg/spill_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace zeekgraph::agg {

spill_file::spill_file(std::string owner) : owner_(std::move(owner)) {
  const char* dir = std::getenv("TMPDIR");
  const std::string where = dir && *dir ? dir : "/tmp";
  std::string path = where + "/zeekgraph-XXXXXX";
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0)
    throw spill_error("cannot create a temporary file for " + owner_ + " in " + where + ": " +
                      std::strerror(errno));
  ::unlink(path.c_str());
}

spill_file::~spill_file() { ::close(fd_); }

uint64_t spill_file::append(const void* data, size_t bytes) {
  const uint64_t at = size_;
  const char* p = static_cast<const char*>(data);
  while (bytes) {
    ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(size_));
    if (n <= 0)
      throw spill_error("writing " + owner_ + "'s temporary file failed: " +
                        (n < 0 ? std::strerror(errno) : "no space written"));
    p += n;
    bytes -= static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return at;
}

void spill_file::read(uint64_t offset, void* data, size_t bytes) const {
  char* p = static_cast<char*>(data);
  while (bytes) {
    ssize_t n = ::pread(fd_, p, bytes, static_cast<off_t>(offset));
    if (n <= 0)
      throw spill_error("reading " + owner_ + "'s temporary file failed: " +
                        (n < 0 ? std::strerror(errno) : "it ended early"));
    p += n;
    bytes -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

}  // namespace zeekgraph::agg
