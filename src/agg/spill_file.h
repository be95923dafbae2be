// An unlinked temporary file in $TMPDIR (or /tmp) for state that would
// otherwise grow with the input: nunique's (group, value) pairs, and the
// ordered sums of slices that finished ahead of their turn. Read and
// written with pread/pwrite, so several threads can read it at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace zeekgraph::agg {

// Creating, writing or reading a spill file failed (no writable TMPDIR, a
// full disk). summarize() turns it into an I/O error.
class spill_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class spill_file {
 public:
  // `owner` names what the file holds in error messages ("nunique").
  explicit spill_file(std::string owner);
  ~spill_file();
  spill_file(const spill_file&) = delete;
  spill_file& operator=(const spill_file&) = delete;

  // Appends `bytes` bytes; returns the offset they start at.
  uint64_t append(const void* data, size_t bytes);
  void read(uint64_t offset, void* data, size_t bytes) const;
  uint64_t size() const { return size_; }

 private:
  std::string owner_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace zeekgraph::agg
