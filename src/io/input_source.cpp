#include "io/input_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/gzip_decoder.h"

namespace zeekgraph::io {
namespace {

error io_error(const std::string& path, const std::string& what, int err) {
  return error{error_kind::io, path + ": " + what + ": " + std::strerror(err), ""};
}

// Reads an fd, after first handing out bytes already peeked from it.
class fd_reader {
 public:
  fd_reader(int fd, bool owned, std::string peeked)
      : fd_(fd), owned_(owned), peeked_(std::move(peeked)) {}
  ~fd_reader() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  // Returns bytes read, 0 at end, -1 on error (errno set).
  ssize_t read(char* buf, size_t cap) {
    if (pos_ < peeked_.size()) {
      size_t n = std::min(cap, peeked_.size() - pos_);
      std::memcpy(buf, peeked_.data() + pos_, n);
      pos_ += n;
      consumed_ += n;
      return static_cast<ssize_t>(n);
    }
    while (true) {
      ssize_t n = ::read(fd_, buf, cap);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) consumed_ += static_cast<uint64_t>(n);
      return n;
    }
  }
  uint64_t consumed() const { return consumed_; }

 private:
  int fd_;
  bool owned_;
  std::string peeked_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
};

class mapped_source final : public input_source {
 public:
  mapped_source(std::string path, int fd, bool owned, const char* data, size_t size)
      : fd_(fd), owned_(owned), data_(data), size_(size) {
    path_ = std::move(path);
    size_on_disk_ = size;
  }
  ~mapped_source() override {
    if (size_) ::munmap(const_cast<char*>(data_), size_);
    if (owned_) ::close(fd_);
  }
  uint64_t current_size() const override {
    struct stat st;
    return ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  }
  size_t read_at(uint64_t offset, char* buf, size_t cap) const override {
    if (offset >= size_) return 0;
    cap = std::min<uint64_t>(cap, size_ - offset);
    size_t got = 0;
    while (got < cap) {
      ssize_t n = ::pread(fd_, buf + got, cap - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    return got;
  }
  std::optional<std::string_view> mapped() const override {
    return std::string_view(data_ ? data_ : "", size_);
  }
  void release(uint64_t begin, uint64_t end) override {
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    uint64_t b = (begin + page - 1) / page * page;
    uint64_t e = end == size_ ? end : end / page * page;
    if (e > b) ::madvise(const_cast<char*>(data_) + b, e - b, MADV_DONTNEED);
  }
  bool rereadable() const override { return true; }
  size_t read(char* buf, size_t cap) override {
    size_t n = std::min(cap, size_ - pos_);
    std::memcpy(buf, data_ + pos_, n);
    pos_ += n;
    return n;
  }
  uint64_t consumed() const override { return pos_; }

 private:
  int fd_;  // kept open for read_at
  bool owned_;
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

class stream_source final : public input_source {
 public:
  stream_source(std::string path, std::unique_ptr<fd_reader> fd, bool gzip, bool rereadable,
                uint64_t size)
      : fd_(std::move(fd)), rereadable_(rereadable) {
    path_ = std::move(path);
    gzip_ = gzip;
    size_on_disk_ = size;
    if (gzip) decoder_ = std::make_unique<gzip_decoder>();
  }
  bool rereadable() const override { return rereadable_; }
  uint64_t consumed() const override { return fd_->consumed(); }

  size_t read(char* buf, size_t cap) override {
    if (!decoder_) {
      if (done_) return 0;
      ssize_t n = fd_->read(buf, cap);
      if (n < 0) {
        issues_.push_back({stream_issue_kind::read_error, fd_->consumed(), std::strerror(errno)});
        done_ = true;
        return 0;
      }
      return static_cast<size_t>(n);
    }
    while (!done_) {
      if (in_pos_ == in_.size() && !in_eof_) {
        in_.resize(IN_CHUNK);
        ssize_t n = fd_->read(in_.data(), in_.size());
        if (n < 0) {
          issues_.push_back({stream_issue_kind::read_error, fd_->consumed(), std::strerror(errno)});
          n = 0;
        }
        in_.resize(static_cast<size_t>(n));
        in_pos_ = 0;
        if (n == 0) in_eof_ = true;
      }
      size_t used = 0, produced = 0;
      gzip_status st = decoder_->decode(
          reinterpret_cast<const unsigned char*>(in_.data() + in_pos_), in_.size() - in_pos_,
          in_eof_, reinterpret_cast<unsigned char*>(buf), cap, used, produced);
      in_pos_ += used;
      uint64_t at = fd_->consumed() - (in_.size() - in_pos_);  // compressed bytes taken so far
      switch (st) {
        case gzip_status::ok: break;
        case gzip_status::end: done_ = true; break;
        case gzip_status::truncated:
          issues_.push_back({stream_issue_kind::gzip_truncated, at,
                             "gzip stream ends before its trailer: the file was cut short"});
          done_ = true;
          break;
        case gzip_status::trailing_garbage:
          issues_.push_back({stream_issue_kind::gzip_trailing, at,
                             "bytes after the last gzip member are not gzip; ignored"});
          done_ = true;
          break;
        case gzip_status::corrupt:
          issues_.push_back({stream_issue_kind::gzip_corrupt, at,
                             "gzip data is damaged: " + decoder_->last_error()});
          done_ = true;
          break;
      }
      if (produced) return produced;
    }
    return 0;
  }

 private:
  static constexpr size_t IN_CHUNK = size_t{1} << 20;
  std::unique_ptr<fd_reader> fd_;
  std::unique_ptr<gzip_decoder> decoder_;
  std::string in_;
  size_t in_pos_ = 0;
  bool in_eof_ = false;
  bool done_ = false;
  bool rereadable_;
};

}  // namespace

result<std::unique_ptr<input_source>> input_source::open(const std::string& path) {
  bool is_stdin = path == "-";
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(path, "cannot open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    if (!is_stdin) ::close(fd);
    return io_error(path, "cannot stat", e);
  }
  if (S_ISDIR(st.st_mode)) {
    if (!is_stdin) ::close(fd);
    return error{error_kind::io, path + ": is a directory", ""};
  }
  bool regular = S_ISREG(st.st_mode);
  // Peek the first two bytes for gzip's magic 1f 8b.
  std::string peek;
  if (regular) {
    unsigned char m[2] = {0, 0};
    ssize_t n = ::pread(fd, m, 2, 0);
    if (n < 0) {
      int e = errno;
      if (!is_stdin) ::close(fd);
      return io_error(path, "cannot read", e);
    }
    bool gz = n == 2 && m[0] == 0x1f && m[1] == 0x8b;
    if (!gz) {
      size_t size = static_cast<size_t>(st.st_size);
      const char* data = nullptr;
      if (size) {
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
          int e = errno;
          if (!is_stdin) ::close(fd);
          return io_error(path, "cannot map", e);
        }
        ::madvise(p, size, MADV_SEQUENTIAL);
        data = static_cast<const char*>(p);
      }
      return std::unique_ptr<input_source>(new mapped_source(path, fd, !is_stdin, data, size));
    }
    auto reader = std::make_unique<fd_reader>(fd, !is_stdin, std::string());
    return std::unique_ptr<input_source>(
        new stream_source(path, std::move(reader), true, true, static_cast<uint64_t>(st.st_size)));
  }
  // A pipe, FIFO, terminal or device: read the magic from the stream.
  char m[2];
  size_t got = 0;
  while (got < 2) {
    ssize_t n = ::read(fd, m + got, 2 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  bool gz = got == 2 && static_cast<unsigned char>(m[0]) == 0x1f &&
            static_cast<unsigned char>(m[1]) == 0x8b;
  auto reader = std::make_unique<fd_reader>(fd, !is_stdin, std::string(m, got));
  return std::unique_ptr<input_source>(
      new stream_source(path, std::move(reader), gz, false, 0));
}

}  // namespace zeekgraph::io
