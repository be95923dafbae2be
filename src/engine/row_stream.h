// All the rows behind a question, for a consumer that takes them as they
// come (serve's /api/rows?limit=all). Worker threads read pieces of the
// inputs (line-aligned ranges of plain files, or of the blocks the row index
// names; a gzip file or stdin is one piece) and format their rows; take()
// hands the bytes on in input order, the same bytes write_rows() writes.
//
// Memory stays bounded whatever the input: workers run at most a few pieces
// ahead of the consumer, and a piece holds at most a few megabytes of
// output before its worker waits for the consumer. A slow consumer slows
// the workers; it never grows the stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "engine/rows.h"
#include "util/result.h"

namespace zeekgraph::engine {

class row_stream {
 public:
  // Plans the pieces and starts `threads` threads. `ready` is called (on a
  // worker thread, never with a lock held) when take() has more to give
  // after it returned WAIT; it must be cheap and may be called spuriously.
  // opts.offset and opts.limit apply; count_all does not. Errors: as
  // write_rows() (before any byte is produced).
  // `piece_bytes`: the input a piece of a plain file reads (tests make
  // it small, to cut a small log into many pieces).
  static constexpr uint64_t PIECE_BYTES = uint64_t{8} << 20;
  static result<std::unique_ptr<row_stream>> start(const rows_options& opts, unsigned threads,
                                                   std::function<void()> ready,
                                                   uint64_t piece_bytes = PIECE_BYTES);
  // Stops the workers (a piece in progress stops within a megabyte) and
  // waits for them.
  ~row_stream();
  row_stream(const row_stream&) = delete;
  row_stream& operator=(const row_stream&) = delete;

  static constexpr int64_t WAIT = 0;
  static constexpr int64_t END = -1;
  static constexpr int64_t FAILED = -2;  // failure() says why
  // Copies the next bytes of the output into `buf`, at most `max`, and
  // returns how many; WAIT when none is ready yet (`ready` follows), END
  // after the last, FAILED when reading failed part-way. Never blocks. One
  // consumer at a time.
  int64_t take(char* buf, size_t max);

  std::optional<error> failure() const;
  // Rows written and matched so far (all of them once take() returned END),
  // and the inputs' accounting; file reports merge their pieces' counts.
  rows_result totals() const;

 private:
  struct impl;
  explicit row_stream(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace zeekgraph::engine
