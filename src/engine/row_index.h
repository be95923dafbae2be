// serve's row index: which stretches of each plain input file may hold a row
// with a given value in a few key columns, so the rows behind a node or an
// edge are found by reading those stretches, not the whole input. Built
// during the first scan (summarize_options::observe) as one Bloom filter per
// 256 KiB block of line starts, over the values of the indexed columns and
// their tuple: addresses by value (an IPv6 address written two ways is one
// value), other text by its bytes. A block whose filter lacks a key holds no
// row with it; a block that has it may: with 3 probes in 64 Kib, about 1% of
// blocks are false hits at 5,000 keys a block (a MACCDC-like log has about
// that many in 2,000 rows: most rows are a new pair).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/summarize.h"

namespace zeekgraph::engine {

class row_index final : public row_observer {
 public:
  static constexpr unsigned BLOCK_SHIFT = 18;   // 256 KiB of line starts a block
  static constexpr size_t FILTER_WORDS = 1024;  // 64 Kib (8 KiB) of filter a block

  // `columns`: the indexed columns (serve: id.orig_h, id.resp_h).
  explicit row_index(std::vector<std::string> columns);

  std::unique_ptr<observed_sink> piece(const std::string& path, const std::vector<std::string>& reader_columns,
                                       zeek::row_sink& next) override;

  // Stops answering for `path` (its rows cannot be found by block: its schema
  // changes part-way, so a block read alone would be read with the wrong one).
  void forget(const std::string& path);

  // The byte ranges [begin, end) of line starts in `path` that may hold a row
  // with every one of `keys`, in file order, adjacent blocks joined. A key
  // is value_key(v), for a row with v in any indexed column, or
  // tuple_key(vs), for a row whose indexed columns hold vs in order.
  // nullopt: the file is not indexed, or its size or time changed since;
  // read it whole.
  std::optional<std::vector<std::pair<uint64_t, uint64_t>>> ranges(const std::string& path,
                                                                   const std::vector<uint64_t>& keys) const;

  const std::vector<std::string>& columns() const { return columns_; }

  // Files and blocks indexed, and the bytes the filters take.
  size_t files() const;
  size_t blocks() const;
  uint64_t bytes() const;

 private:
  using filter = std::vector<uint64_t>;  // FILTER_WORDS words
  struct file_blocks {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    bool usable = true;
    std::map<uint64_t, filter> blocks;  // block number -> filter
  };
  class piece_sink;
  friend class piece_sink;

  void merge(const std::string& path, std::vector<std::pair<uint64_t, filter>>& blocks);

  std::vector<std::string> columns_;
  mutable std::mutex mu_;
  std::map<std::string, file_blocks> files_;
};

// The keys the index files a row under: each indexed column's value
// (addresses by value), and the values of all of them together.
uint64_t value_key(std::string_view value);
uint64_t tuple_key(const std::vector<std::string_view>& values);

}  // namespace zeekgraph::engine
