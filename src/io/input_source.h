// One input: a regular file (memory-mapped), a gzip file (decompressed as a
// stream; gzip is told by its magic bytes, not its name), or stdin ("-").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace zeekgraph::io {

enum class stream_issue_kind { gzip_truncated, gzip_trailing, gzip_corrupt, read_error };

struct stream_issue {
  stream_issue_kind kind;
  uint64_t offset = 0;  // compressed offset where it was found
  std::string message;
};

class input_source {
 public:
  virtual ~input_source() = default;

  // Opens `path` ("-" = stdin). Errors: error_kind::io when it cannot be
  // opened, is a directory or cannot be mapped.
  static result<std::unique_ptr<input_source>> open(const std::string& path);

  const std::string& path() const { return path_; }
  bool gzip() const { return gzip_; }
  uint64_t size_on_disk() const { return size_on_disk_; }
  // A plain regular file: its whole content, mapped.
  virtual std::optional<std::string_view> mapped() const { return std::nullopt; }
  // Drops the mapped pages inside [begin, end) from our resident set (the
  // page cache keeps them). Threads may release disjoint ranges at once.
  virtual void release(uint64_t /*begin*/, uint64_t /*end*/) {}
  // A plain regular file: copies up to `cap` bytes from `offset` into
  // `buf` (pread; threads may read at once). Fewer bytes than asked, before
  // the end, means the file shrank or a read failed: the mapping must not
  // be read past that point. A copy in a small buffer that stays in the
  // cache scans faster than the mapping, which stalls on the first load of
  // each page (docs/PERFORMANCE.md).
  virtual size_t read_at(uint64_t /*offset*/, char* /*buf*/, size_t /*cap*/) const { return 0; }
  // The file's size now (it may have shrunk since it was mapped; touching
  // the mapping past the end would end the process).
  virtual uint64_t current_size() const { return size_on_disk_; }
  // Can the input be read again from the start (not stdin or a pipe)?
  virtual bool rereadable() const = 0;

  // Reads up to `cap` decompressed bytes; 0 at the end of the stream.
  // Damage in the stream ends it and is listed in issues().
  virtual size_t read(char* buf, size_t cap) = 0;
  // Compressed bytes consumed so far, for progress.
  virtual uint64_t consumed() const = 0;
  const std::vector<stream_issue>& issues() const { return issues_; }

 protected:
  std::string path_;
  bool gzip_ = false;
  uint64_t size_on_disk_ = 0;
  std::vector<stream_issue> issues_;
};

}  // namespace zeekgraph::io
