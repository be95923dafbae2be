// The aggregate state of one slice of the input (a file, or a chunk of a
// big file). Slices fold together with merge_from(), the same way threads
// and, later, machines combine their partial results.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "agg/aggregate_plan.h"
#include "agg/group_table.h"
#include "agg/key_cache.h"
#include "agg/nunique.h"
#include "util/block_pool.h"
#include "util/huge_page_allocator.h"
#include "zeek/row_sink.h"

namespace zeekgraph::agg {

// pandas' float64 sum and mean use Kahan summation in row order; so do we.
struct kahan {
  double sum = 0, comp = 0;
  void add(double v) {
    double y = v - comp;
    double t = sum + y;
    comp = t - sum - y;
    sum = t;
  }
  void merge(const kahan& o) { add(o.sum - o.comp); }
};

// A Kahan-summed column's states in one group, built in input order by
// sum_replay (plan.ordered_sums).
struct ordered_state {
  kahan sum;
  uint64_t n = 0;
  // From the extremes; '<' and '>' keep the first of equal values, as pandas.
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
  void add(double v) {
    ++n;
    if (v < min) min = v;
    if (v > max) max = v;
    sum.add(v);
  }
};

// What a group holds of one numeric column, as finalize() reads it.
struct numeric_result {
  bool any = false;  // the group has a value in the column
  uint64_t n = 0;    // values, when the plan counts them (count, mean)
  double min = 0, max = 0, sum = 0;
};

// Exact int64 states, only for columns marked exact_ints.
struct int_acc {
  // From the extremes, so the first value sets both without a test.
  int64_t imin = std::numeric_limits<int64_t>::max(), imax = std::numeric_limits<int64_t>::min();
  uint64_t isum = 0;  // wrapping as numpy's int64 sum does
};

struct text_acc {
  uint64_t n = 0;
  std::string min, max;
};

// Facts about a whole column that decide how pandas types it.
struct column_facts {
  uint64_t nulls = 0;          // null cells (null-key rows included)
  uint64_t values = 0;         // non-null cells
  uint64_t float_text = 0;     // numeric values not written as integers
  uint64_t not_numeric = 0;    // values that are not numbers at all
  uint64_t big_ints = 0;       // integers beyond +-2^53
  uint64_t negative_zeros = 0; // float values that are -0.0 ("-0.0", not "-0")
  double abs_sum = 0;          // sum of |value| over integer values
  void merge(const column_facts& o) {
    nulls += o.nulls;
    values += o.values;
    float_text += o.float_text;
    not_numeric += o.not_numeric;
    big_ints += o.big_ints;
    negative_zeros += o.negative_zeros;
    abs_sum += o.abs_sum;
  }
  // pandas reads the column as int64 only with no nulls and no decimals.
  bool reads_as_int() const { return nulls == 0 && float_text == 0 && not_numeric == 0; }
  // Every integer value, and every sum of them in any group, is exact in
  // float64 (below 2^52 with room for the bound's own rounding).
  bool ints_exact_in_double() const { return big_ints == 0 && abs_sum < 4503599627370496.0; }
};

class partial_aggregate final : public zeek::row_sink {
 public:
  explicit partial_aggregate(const aggregate_plan& plan);
  ~partial_aggregate() override;
  partial_aggregate(const partial_aggregate&) = delete;
  partial_aggregate& operator=(const partial_aggregate&) = delete;

  zeek::row_verdict add_row(const zeek::cell* cells) override;

  // Applies the rows still buffered. Rows are applied in batches so that
  // the group-state cache misses of a whole batch overlap (prefetch)
  // instead of stalling one row at a time. Results, merge_from() and
  // finalize() need a flush first; merge_from() flushes both sides.
  void flush();

  // Folds `other` into this one, taking its distinct-value pairs. Group
  // ids of `other` map to new ones here; `gid_map`, when given, receives
  // that map (other's group id -> ours).
  void merge_from(partial_aggregate& other, std::vector<uint32_t>* gid_map = nullptr);
  // No row and no merge has touched this state: folding another into it
  // gives that other state, bit for bit, so a caller may take it instead.
  bool empty() const;

  // The value of key column `k` (index into plan().key_columns) of group
  // `gid`: text bytes, or 8 bytes of a double for numeric keys.
  std::string_view key_value(uint32_t gid, size_t k) const;
  const group_table& dictionary(size_t k) const { return dicts_[k]; }

  const aggregate_plan& plan() const { return plan_; }
  const group_table& groups() const { return groups_; }
  size_t group_count() const { return groups_count_; }
  // Starts loading every cache line of group `gid`'s block (for writing:
  // it is most often about to be updated).
  void prefetch_group(uint32_t gid) const {
    const uintptr_t first = reinterpret_cast<uintptr_t>(block(gid));
    const uintptr_t end = first + stride_ * 8;
    for (uintptr_t line = first & ~uintptr_t{63}; line < end; line += 64)
      __builtin_prefetch(reinterpret_cast<const void*>(line), 1);
  }
  // Rows of group `gid` (nulls included).
  uint64_t size(uint32_t gid) const { return block(gid)[0]; }
  numeric_result numeric(size_t col, uint32_t gid) const;
  // The exact int64 states of a column marked exact_ints, else null.
  const int_acc* exact_ints(size_t col, uint32_t gid) const {
    return int_slot_[col] < 0 ? nullptr : &ints_[gid * int_stride_ + static_cast<size_t>(int_slot_[col])];
  }
  const text_acc& text(size_t col, uint32_t gid) const { return cols_[col].txt[gid]; }
  nunique_store& distinct(size_t col) { return cols_[col].uniq; }
  // The caller expects `factor` times the rows added so far (a long piece,
  // part read): the distinct-value buffers reserve room once rather than
  // double their way up, which in a Dask worker (whose malloc maps every big
  // buffer anew) faulted in their pages twice over.
  void expect_growth(double factor);
  const column_facts& facts(size_t col) const { return facts_[col]; }
  // With plan().ordered_sums: the values of Kahan-summed columns applied
  // since the log was last emptied, in row order per column. Flushes
  // first; the caller empties the log (keeping its capacity).
  pooled_vector<sum_entry>& sum_log() {
    flush();
    return sum_log_;
  }
  // Values logged and not taken yet (rows still batched are not counted).
  size_t sum_log_size() const { return sum_log_.size(); }
  // Sets group `gid`'s states of Kahan-summed column `col`, which a plan
  // with ordered_sums keeps out of the blocks (sum_replay's result).
  void set_ordered(size_t col, uint32_t gid, const ordered_state& s);
  size_t memory_bytes() const;

 private:
  struct column_state {
    std::vector<text_acc> txt;
    nunique_store uniq;
  };
  // A numeric value of one buffered row (inputs and derived columns).
  struct num_value {
    double d;
    int64_t i;
    uint8_t state;  // NUM_NULL, NUM_INT or NUM_FLOAT
  };
  static constexpr uint8_t NUM_NULL = 0, NUM_INT = 1, NUM_FLOAT = 2;
  // A text value stage 3 reads, copied into text_buf_.
  struct text_value {
    uint32_t at, len;
    bool null;
  };
  // Where a numeric column's state sits in its group's block, in 8-byte
  // words; -1 = not kept. The max follows the min.
  struct num_layout {
    int16_t n = -1, min = -1, sum = -1, comp = -1;
  };
  // The plan compiled into homogeneous lists, so the row loop runs one
  // tight loop per kind of column instead of testing each column's plan.
  struct num_op {
    uint32_t col;     // plan column
    int32_t input;    // cell index, or -1 when derived
    int32_t left = -1, right = -1;  // derived: indices into num_ops_
    num_layout at;    // its state in the group's block
    int32_t int_slot; // exact int state slot, -1 = none
    bool required;    // a non-number rejects the row
    bool nunique;
  };
  struct text_op {
    uint32_t col;
    int32_t input;
    int32_t kept;      // index into a row's text_values, -1 = not kept
    bool state;        // has a text_acc (min/max or count)
    bool minmax;
    bool nunique;
  };
  // A new group of key `ids` (key_width_ bytes of dictionary ids).
  void add_group(const char* ids);
  void probe_texts(const zeek::cell* cells);
  // Applies the batched rows to their groups' states, a column at a time.
  void update_batch();
  // Dictionary ids of key text `k` into `out` (4 bytes a key column).
  void key_ids(size_t k, std::string_view text, char* out);
  uint32_t find_group(const char* ids, uint64_t hash);

  static constexpr size_t BATCH = 256;
  std::vector<num_op> num_ops_;    // numeric columns: inputs first, then derived in order
  std::vector<text_op> text_ops_;  // text columns
  std::vector<int> num_index_;     // per plan column: index into num_ops_, -1 = text
  size_t kept_texts_ = 0;          // text values a row keeps
  std::vector<uint32_t> probing_;  // text cells that have held only numbers so far
  struct key_input {
    int32_t cell;  // cell index
    int32_t num;   // index into num_ops_, -1 = text key
  };
  std::vector<key_input> key_inputs_;  // per key column
  size_t n_num_inputs_ = 0;        // num_ops_ read from cells (the first ones)
  std::vector<num_value> batch_nums_;     // BATCH rows x num_ops_
  std::vector<text_value> batch_texts_;   // BATCH rows x kept_texts_
  std::unique_ptr<char[]> text_buf_;     // copies of the texts stage 3 needs
  size_t text_used_ = 0, text_cap_ = 0;
  std::string batch_keys_;               // group key ids, key_width_ bytes a row
  size_t key_width_ = 0;
  std::vector<uint64_t> batch_hash_;
  std::vector<uint32_t> batch_gid_;
  std::vector<key_cache::key> batch_raw_;  // per row: its key texts, when cached
  std::vector<uint8_t> batch_cached_;      // per row: batch_raw_ holds its key (bytes, not bits)
  size_t batched_ = 0;

  const aggregate_plan& plan_;
  std::vector<group_table> dicts_;  // per key column: value -> id
  // Per group, a hash of its key values (not ids: the same in every slice),
  // by which nunique partitions its pairs.
  std::vector<uint32_t> group_hash_;
  group_table groups_;              // tuple of key ids -> group id
  // Raw key texts -> group id, in front of the dictionaries; only when every
  // key column is text (numeric keys normalise "1.0" and "1" to one group).
  bool cache_keys_ = false;
  key_cache cache_{size_t{1} << 18};
  // Each group owns a block of stride_ 8-byte words: its row count, then
  // the numeric states of every column side by side (count, min and max,
  // sum, Kahan compensation, only what the plan needs), so a row touches a
  // few adjacent cache lines, not one per column (a per-column layout
  // waited on a load per column; docs/PERFORMANCE.md). The array is 64-byte aligned and each block a multiple of 32
  // bytes: the seed's block is 128 bytes, two lines, when sum_replay keeps
  // duration's states (ordered_sums), and 160 bytes, three lines wherever
  // it starts, when the block keeps them (one thread, one piece).
  std::vector<uint64_t, huge_page_allocator<uint64_t, 64>> blocks_;
  std::vector<uint64_t> empty_block_;  // a new group's block
  size_t stride_ = 1;
  size_t groups_count_ = 0;
  std::vector<num_layout> layout_;  // per plan column
  uint64_t* block(uint32_t gid) { return blocks_.data() + gid * stride_; }
  const uint64_t* block(uint32_t gid) const { return blocks_.data() + gid * stride_; }
  std::vector<int_acc> ints_;  // group-major, for exact_ints columns
  std::vector<int> int_slot_;  // per plan column, -1 = none
  size_t int_stride_ = 0;
  uint64_t charged_ = 0;  // bytes charged to the plan's memory budget so far
  std::vector<column_state> cols_;
  std::vector<column_facts> facts_;
  pooled_vector<sum_entry> sum_log_;  // plan_.ordered_sums only
  // plan_.ordered_sums: per plan column, its index among the Kahan-summed
  // columns (-1 = kept in the blocks), and their states set by set_ordered().
  std::vector<int> ordered_slot_;
  size_t ordered_width_ = 0;
  std::vector<ordered_state> ordered_;

  // Writes and reads these states in the state file format (agg/state_file).
  friend class state_codec;
};

}  // namespace zeekgraph::agg
