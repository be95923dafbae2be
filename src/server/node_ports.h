// /api/node-ports?where=EXPR: for the top talkers, each originator's
// number of distinct destination ports (id.resp_p) over the rows EXPR keeps
// (empty: every row), exactly. The summary rows cannot give it, as a host's
// ports spread over its (orig, resp, conn_state) groups and counting
// distinct values does not add up across them.
//
// The counts are made while the graph's own scan reads the rows
// (port_counter, a row_observer): serve's first scan and each
// /api/requery leave their answer in a node_ports_cache, so the UI's ask
// after drawing a graph costs no second read of the log. Only where that
// scan could not count (a gzip or stdin input, which is not observed; a
// port that is not a whole number from 0 to 65535; a query that does not
// read id.resp_p; serve's first scan under a --where whose texts let lines
// be skipped unparsed, as then no observer watches it) is the answer
// made the old way, by a summary of the served inputs by id.orig_h with
// id.resp_p nunique (same inputs, same serve --where), and then kept too.
//
// Why: the summary of its own read the whole log again each time a graph was
// drawn (seconds at 22.7M rows); counting in the scan costs a few percent of
// it (docs/PERFORMANCE.md, "Notes moved from the headers").
//
// Answer: {"host":["10.0.0.1",..],"ports":[3,..]} (application/json), one
// entry per originator, hosts in byte order; the header X-Ports says "kept"
// (from the cache) or "summarized" (counted by a scan of its own). A bad
// expression is a 400 with its caret, as for /api/requery; a log without
// id.orig_h or id.resp_p is a 400 naming it.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/summarize.h"
#include "server/graph_server.h"
#include "table/summary_table.h"
#include "util/result.h"

namespace zeekgraph::server {

// `summarize(where, by, agg)` runs a summary of the served inputs with the
// filter, --by and --agg given, as summarize would, and returns its table.
using summarize_fn =
    std::function<result<table::summary_table>(const std::string& where, const std::string& by, const std::string& agg)>;

// The last few answers, by the `where` text the UI sends (the graph's
// filter as typed: "" for the graph serve started with). Thread-safe.
class node_ports_cache {
 public:
  static constexpr size_t KEPT = 8;
  std::optional<std::string> find(const std::string& where);
  void put(const std::string& where, std::string json);

 private:
  std::mutex mu_;
  std::list<std::pair<std::string, std::string>> recent_;  // most recent first
};

// One host's distinct ports: a list of up to SMALL, then a set of 65,536
// bits (8 KiB), so a scanner's thousands of ports cost a bit each while the
// many hosts with a few ports stay small.
class port_set {
 public:
  static constexpr size_t SMALL = 32;
  void add(uint16_t port);
  void merge(const port_set& other);
  size_t size() const;

 private:
  std::vector<uint16_t> small_;  // distinct, while bits_ is empty
  std::vector<uint64_t> bits_;
};

struct text_hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Host text -> its number in a piece (found by string_view, no copy).
using host_numbers = std::unordered_map<std::string, uint32_t, text_hash, std::equal_to<>>;

// Counts, during a scan, each originator's distinct destination ports over
// the rows the scan uses (those the filter keeps and the aggregate takes,
// or drops only for a null key: a row with an id.orig_h counts even when
// another group key is unset, as it does in the summary by id.orig_h). A
// file read again is counted again, which changes nothing. Rows the scan
// rejects as malformed are not counted.
class port_counter final : public engine::row_observer {
 public:
  // `inner`: another observer that sees the same rows (serve's row index),
  // or null.
  explicit port_counter(engine::row_observer* inner = nullptr) : inner_(inner) {}
  ~port_counter() override;

  std::unique_ptr<engine::observed_sink> piece(const std::string& path, const std::vector<std::string>& reader_columns,
                                               zeek::row_sink& next) override;

  // The answer over the scan just made, if it counted every row of
  // `files` (the scan's file reports): nullopt when a file was not
  // observed (gzip, stdin), the scan did not read id.orig_h and id.resp_p,
  // or a port was not a whole number from 0 to 65535.
  std::optional<std::string> json(const std::vector<zeek::file_report>& files) const;

 private:
  class piece_sink;
  void merge(const std::string& path, bool exact, const host_numbers& hosts, std::vector<port_set>& sets);

  engine::row_observer* inner_;
  mutable std::mutex mu_;
  std::set<std::string> observed_;  // files whose pieces had both columns
  bool exact_ = true;
  std::unordered_map<std::string, port_set> ports_;
};

// Adds /api/node-ports to `server`: answers from `cache`, or by
// `summarize` (then kept in `cache`). Both must outlive the server.
void add_node_ports_route(graph_server& server, summarize_fn summarize, std::shared_ptr<node_ports_cache> cache);

// The JSON answer for a table whose first column is the host and second
// the count.
std::string node_ports_json(const table::summary_table& t);

}  // namespace zeekgraph::server
