// A distributed summary's partition, finished where it was reduced: its
// groups finalized into rows and sorted as the summary sorts them, and
// written as CSV or NDJSON lines when the job wants text. The client then
// only merges the partitions' sorted rows (join_parts) instead of decoding,
// merging, finalizing and writing every group itself while the workers
// wait: at 22.7M rows that tail took 0.17-0.23 s of a 4.2 s job.
//
// A partition's rows are final only if the whole job's nunique counts
// stand (agg/state_file.h: fingerprints that repeat in no partition, kinds
// not mixed); each part says how its columns counted, and recount_columns()
// names the columns a job must count again with exact pairs.
//
// Layout (little-endian; agg/byte_codec sections, version 1):
//   "ZGPART\n\0" u32 version
//   META (1)   partition r of R, key columns, per nunique column its name
//              and nunique_kind, rows, text format (0 none, 1 csv,
//              2 ndjson), whether TABLE holds every column or the keys
//              alone
//   TABLE (2)  columns: name, type (0 int64, 1 float64, 2 string), then
//              per row: 8 bytes (int64, float64), or a null flag (string
//              columns with nulls) and the string
//   TEXT (3)   the header line, per row its text's length, then the text
//   END (4)    empty
// Anything else is refused with a message naming the part: never a crash
// (fuzzed by fuzz/finished_part_fuzz.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agg/state_file.h"
#include "table/summary_table.h"
#include "table/table_writer.h"
#include "util/block_pool.h"
#include "util/result.h"

namespace zeekgraph::agg {

inline constexpr uint32_t FINISHED_PART_VERSION = 1;

struct finished_part {
  uint32_t partition = 0, partitions = 1;
  size_t keys = 0;                    // the table's first `keys` columns are the group keys
  std::vector<std::string> nunique;   // the nunique columns, in plan order
  std::vector<nunique_kind> kinds;    // ... and how each counted
  table::summary_table table;         // the partition's rows, sorted; none while a count is repeated
  bool keys_only = false;             // `table` holds the key columns alone (text is what the job wants)
  std::optional<table::table_format> format;  // the rows' text, when asked for
  std::string header;                 // the line before the rows (CSV's column names)
  std::string text;
  std::vector<uint64_t> text_ends;    // per row: where its text ends
};

// Finishes `st`, the closed state of one hash partition a reduce merged
// (merge_states(..., close=true)): counts its nunique columns, and unless a
// count is repeated, finalizes its groups and writes their rows as
// `format` writes them. `keys_only` (with a format): the part keeps the
// key columns alone, which the join orders rows by, and their text (a
// third less to send). Consumes the state's nunique pairs.
// Errors: error_kind::usage for an open state, or keys_only without a format.
result<finished_part> finish_partition(saved_state& st, std::optional<table::table_format> format,
                                       bool keys_only = false, unsigned threads = 1);

pooled_string encode_part(const finished_part& part);

// Errors: error_kind::corrupt for anything but a whole, valid part of this
// version; `name` names it in the message.
result<finished_part> decode_part(std::string_view bytes, const std::string& name);

// The nunique columns whose counts do not stand across `parts` (every
// partition of one job): repeated in some part, or counted from exact pairs
// in one and fingerprints in another.
std::vector<std::string> recount_columns(const std::vector<finished_part>& parts);

struct joined_parts {
  table::summary_table table;  // when asked for
  std::string text;            // the header line, then every row's text, when the parts have it
  size_t rows = 0;
};

// The summary of every partition of one job: the parts' sorted rows merged
// in key order (as finalize sorts: text bytewise, numbers by value), as a
// table (`want_table`) and as text (the parts' format). Errors:
// error_kind::usage when a partition is missing or repeated, the parts'
// columns, keys or formats differ, a table is wanted from parts that kept
// their keys alone, or recount_columns() names a column.
result<joined_parts> join_parts(std::vector<finished_part>&& parts, bool want_table);

}  // namespace zeekgraph::agg
