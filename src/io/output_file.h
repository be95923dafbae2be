// An output file that appears whole or not at all. Bytes go to an unnamed
// file in the target's directory (O_TMPFILE), which commit() flushes,
// fsyncs and renames over the target. Until then the target keeps its old
// content: a run killed by any signal, a full disk or a failed write leaves
// the old file and no partial one. Two writers of one path each leave a
// whole file; the last rename wins.
//
// A target that is not a regular file (stdout as "-", /dev/null, /dev/full,
// a FIFO) cannot be replaced: it is written in place, and every write is
// still checked.
//
// Where the file system has no O_TMPFILE, the bytes go to a hidden named
// file beside the target (".NAME.zg-XXXXXX"), removed on failure; the tool
// removes such files from its SIGINT/SIGTERM handler with
// remove_pending_temporaries(). Only SIGKILL on such a file system can
// leave one behind.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "util/result.h"

namespace zeekgraph::io {

class output_file {
 public:
  // Opens `path` for writing; "-" is stdout. Errors: error_kind::io naming
  // the file and the OS reason ("No such file or directory" for a missing
  // directory, "Permission denied", ...).
  static result<std::unique_ptr<output_file>> open(const std::string& path);
  ~output_file();  // without a commit: the temporary is removed, the target untouched
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  // Where the bytes go. A failed write sets the stream's badbit and keeps
  // the OS reason for commit()'s error.
  std::ostream& stream() { return *stream_; }
  // The name the user gave ("stdout" for "-"), for messages.
  const std::string& name() const { return name_; }

  // Flushes, fsyncs and moves the file into place. Errors: error_kind::io
  // with the file's name and the first OS reason a write, fsync or rename
  // failed with ("No space left on device"). After an error the target is
  // unchanged and no temporary remains.
  status commit();

  // Unlinks the named temporaries still open (file systems without
  // O_TMPFILE). Async-signal-safe: for the tool's signal handlers.
  static void remove_pending_temporaries();

 private:
  output_file() = default;
  class fd_buffer;
  std::string name_;    // as given, or "stdout"
  std::string target_;  // the path to rename over; empty: written in place
  std::string named_temp_;  // the fallback's temporary; empty with O_TMPFILE
  int fd_ = -1;
  bool owns_fd_ = false;
  bool committed_ = false;
  int slot_ = -1;  // in the pending-temporaries table
  std::unique_ptr<fd_buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

}  // namespace zeekgraph::io
