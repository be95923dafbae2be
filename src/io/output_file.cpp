#include "io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <streambuf>

namespace zeekgraph::io {
namespace {

error write_error(const std::string& name, int err) {
  return error{error_kind::io, "cannot write " + name + ": " + std::strerror(err), ""};
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Named temporaries still open, for remove_pending_temporaries(): fixed
// buffers, so a signal handler reads them without allocating.
constexpr int PENDING_SLOTS = 64;
struct pending_slot {
  std::atomic<bool> used{false};
  char path[PATH_MAX];
};
pending_slot pending[PENDING_SLOTS];

int claim_slot(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < PENDING_SLOTS; ++i) {
    bool expected = false;
    if (pending[i].used.load() || !pending[i].used.compare_exchange_strong(expected, true)) continue;
    std::memcpy(pending[i].path, path.c_str(), path.size() + 1);
    return i;
  }
  return -1;  // more than 64 at once: still removed on every failure but a signal
}

void release_slot(int slot) {
  if (slot >= 0) pending[slot].used.store(false);
}

}  // namespace

// A stream buffer over a file descriptor that keeps the first OS error.
class output_file::fd_buffer final : public std::streambuf {
 public:
  explicit fd_buffer(int fd) : fd_(fd), buf_(new char[SIZE]) { setp(buf_.get(), buf_.get() + SIZE); }
  int error() const { return error_; }
  // Writes what is buffered; false after any failure.
  bool drain() {
    const char* p = pbase();
    size_t left = static_cast<size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    setp(buf_.get(), buf_.get() + SIZE);
    return error_ == 0;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  static constexpr size_t SIZE = size_t{1} << 20;
  int fd_;
  int error_ = 0;
  std::unique_ptr<char[]> buf_;
};

result<std::unique_ptr<output_file>> output_file::open(const std::string& path) {
  std::unique_ptr<output_file> f(new output_file());
  if (path == "-") {
    f->name_ = "stdout";
    f->fd_ = STDOUT_FILENO;
  } else {
    f->name_ = path;
    struct stat st {};
    std::string target = path;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      if (S_ISDIR(st.st_mode)) return write_error(path, EISDIR);
      // A device or FIFO: written in place.
      f->fd_ = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
      if (f->fd_ < 0) return write_error(path, errno);
      f->owns_fd_ = true;
    } else {
      // A symlink to a file: replace the file it points to, not the link.
      char resolved[PATH_MAX];
      struct stat lst {};
      if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode) && ::realpath(path.c_str(), resolved))
        target = resolved;
      const std::string dir = directory_of(target);
      f->fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
      if (f->fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        // No O_TMPFILE here: a hidden named file beside the target.
        std::string tmpl = dir + "/." + base_of(target) + ".zg-XXXXXX";
        f->fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
        if (f->fd_ >= 0) {
          ::fchmod(f->fd_, 0666 & ~[] { mode_t m = ::umask(0); ::umask(m); return m; }());
          f->named_temp_ = tmpl;
          f->slot_ = claim_slot(tmpl);
        }
      }
      if (f->fd_ < 0) return write_error(path, errno);
      f->owns_fd_ = true;
      f->target_ = target;
    }
  }
  f->buffer_ = std::make_unique<fd_buffer>(f->fd_);
  f->stream_ = std::make_unique<std::ostream>(f->buffer_.get());
  return f;
}

output_file::~output_file() {
  if (!committed_ && !named_temp_.empty()) ::unlink(named_temp_.c_str());
  release_slot(slot_);
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

status output_file::commit() {
  if (committed_) return ok_status();
  stream_->flush();
  if (!buffer_->drain() || !*stream_) return write_error(name_, buffer_->error() ? buffer_->error() : EIO);
  if (target_.empty()) {
    // In place: a device or pipe may refuse fsync (EINVAL), which is fine.
    if (fd_ != STDOUT_FILENO && ::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS)
      return write_error(name_, errno);
    committed_ = true;
    return ok_status();
  }
  if (::fsync(fd_) != 0) return write_error(name_, errno);
  if (named_temp_.empty()) {
    // Give the unnamed file a unique temporary name, then rename it over
    // the target (linkat cannot replace a file).
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    static std::atomic<unsigned> counter{0};
    std::string tmp;
    int rc = -1;
    for (int attempt = 0; attempt < 100 && rc != 0; ++attempt) {
      tmp = directory_of(target_) + "/." + base_of(target_) + ".zg-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter.fetch_add(1));
      rc = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW);
      if (rc != 0 && errno == ENOENT)  // no /proc: link the descriptor itself
        rc = ::linkat(fd_, "", AT_FDCWD, tmp.c_str(), AT_EMPTY_PATH);
      if (rc != 0 && errno != EEXIST) break;
    }
    if (rc != 0) return write_error(name_, errno);
    named_temp_ = tmp;
    slot_ = claim_slot(tmp);
  }
  if (::rename(named_temp_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    ::unlink(named_temp_.c_str());
    named_temp_.clear();
    return write_error(name_, err);
  }
  named_temp_.clear();
  committed_ = true;
  // The rename itself, on disk: best effort (a directory may refuse fsync).
  int dir = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

void output_file::remove_pending_temporaries() {
  for (auto& slot : pending)
    if (slot.used.load()) ::unlink(slot.path);
}

}  // namespace zeekgraph::io
