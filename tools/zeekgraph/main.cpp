// zeekgraph: the command-line tool. It parses options, calls the library,
// prints reports and chooses exit codes; the library does neither.
//
// Exit codes:
//   0  success (data problems, if any, were reported and counted)
//   1  internal error
//   2  usage error: bad options, a bad --by/--agg spec
//   3  input error: a missing or unreadable input, a directory with no logs
//   4  --strict, and the input had a problem
//   5  output error: the output file could not be written
//   6  resource limit: the summary would pass --memory-limit
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <zlib.h>

#include "agg/query_spec.h"
#include "engine/input_columns.h"
#include "engine/row_index.h"
#include "engine/rows.h"
#include "engine/summarize.h"
#include "engine/summarize_state.h"
#include "gen/conn_generator.h"
#include "graph/graph_export.h"
#include "graph/hypergraph.h"
#include "graph/hypergraph_flags.h"
#include "graph/local_networks.h"
#include "graph/svg_render.h"
#include "layout/forceatlas2.h"
#include "server/graph_payload.h"
#include "server/graph_server.h"
#include "server/node_ports.h"
#include "server/query_routes.h"
#include "io/gzip_decoder.h"
#include "io/output_file.h"
#include "table/sort_rows.h"
#include "table/table_writer.h"
#include "util/json_string.h"
#include "util/parallel.h"
#include "util/split_list.h"
#include "query/filter.h"
#include "zeek/line_scanner.h"
#include "zeek/schema_probe.h"

namespace zg = zeekgraph;

namespace {

enum exit_code : int { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_STRICT = 4, EXIT_OUTPUT = 5, EXIT_RESOURCE = 6 };

// Text for the terminal: control bytes (below 0x20, and 0x7f) as \xHH, so
// a file name holding escape sequences or newlines cannot rewrite the
// screen or forge report lines. Other bytes pass as they are.
std::string shown(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char HEX[] = "0123456789abcdef";
      out += "\\x";
      out += HEX[c >> 4];
      out += HEX[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

void print_error(const zg::error& e) {
  std::cerr << "zeekgraph: error: " << shown(e.message) << "\n";
  if (!e.source.empty()) {
    // The text the error is about, and a caret under the fault.
    std::cerr << "  " << shown(e.source) << "\n";
    if (e.at != std::string::npos)
      std::cerr << "  " << std::string(shown(e.source.substr(0, std::min(e.at, e.source.size()))).size(), ' ') << "^\n";
  }
  if (!e.hint.empty()) std::cerr << "  hint: " << shown(e.hint) << "\n";
}

// --where's filter into `out` (null for none). Prints the fault, with a
// caret, and returns false when the expression does not parse.
bool parse_where(const std::string& text, std::shared_ptr<const zg::query::filter>& out) {
  out.reset();
  if (text.empty()) return true;
  auto where = zg::query::filter::parse(text);
  if (!where) {
    zg::error e = where.err();
    e.message = "--where: " + e.message;
    print_error(e);
    return false;
  }
  out = std::make_shared<const zg::query::filter>(std::move(*where));
  return true;
}

// An error of a run given `where`: a fault in the expression (checked
// against the input's columns) names the option.
void print_run_error(zg::error e, const std::string& where) {
  if (!where.empty() && e.source == where) e.message = "--where: " + e.message;
  print_error(e);
}

// ---- gen -------------------------------------------------------------------

// Generated text into an output file, gzip-compressed or not.
class stream_sink final : public zg::gen::text_sink {
 public:
  explicit stream_sink(std::ostream& out) : out_(out) {}
  zg::status write(std::string_view b) override {
    out_.write(b.data(), static_cast<std::streamsize>(b.size()));
    return zg::ok_status();  // a failed write is reported by output_file::commit
  }

 private:
  std::ostream& out_;
};

class gz_sink final : public zg::gen::text_sink {
 public:
  explicit gz_sink(std::ostream& out) : out_(out) {
    // windowBits 15 + 16: a gzip wrapper; level 6, zlib's default.
    ok_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~gz_sink() override { deflateEnd(&z_); }
  zg::status write(std::string_view b) override { return deflate_some(b, Z_NO_FLUSH); }
  zg::status finish() { return deflate_some({}, Z_FINISH); }

 private:
  zg::status deflate_some(std::string_view b, int flush) {
    if (!ok_) return zg::error{zg::error_kind::io, "zlib could not start", ""};
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b.data()));
    z_.avail_in = static_cast<uInt>(b.size());
    int rc;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf_);
      z_.avail_out = sizeof buf_;
      rc = deflate(&z_, flush);
      out_.write(buf_, static_cast<std::streamsize>(sizeof buf_ - z_.avail_out));
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc == Z_OK));
    return zg::ok_status();
  }
  std::ostream& out_;
  z_stream z_{};
  bool ok_ = false;
  char buf_[1 << 16];
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Opens an output, or prints why it cannot be and returns null.
std::unique_ptr<zg::io::output_file> open_output(const std::string& path) {
  auto f = zg::io::output_file::open(path);
  if (!f) {
    print_error(f.err());
    return nullptr;
  }
  return std::move(*f);
}

// Moves a finished output into place; prints why not and returns false.
bool commit_output(zg::io::output_file& f) {
  if (auto st = f.commit(); !st) {
    print_error(st.err());
    return false;
  }
  return true;
}

int run_gen(const zg::gen::gen_options& opts, const std::string& out) {
  auto f = open_output(out.empty() ? "-" : out);
  if (!f) return EXIT_OUTPUT;
  zg::status st = zg::ok_status();
  if (ends_with(out, ".gz")) {
    auto sink = std::make_unique<gz_sink>(f->stream());
    st = zg::gen::generate_conn_log(opts, *sink);
    if (st) st = sink->finish();
  } else {
    stream_sink sink(f->stream());
    st = zg::gen::generate_conn_log(opts, sink);
  }
  if (!st) {
    std::cerr << "zeekgraph: error: cannot write " << f->name() << ": " << st.err().message << "\n";
    return EXIT_OUTPUT;
  }
  return commit_output(*f) ? EXIT_OK : EXIT_OUTPUT;
}

// ---- summarize ---------------------------------------------------------------

class rejects_file final : public zg::zeek::reject_sink {
 public:
  explicit rejects_file(std::ostream& out) : out_(out) {}
  void rejected(std::string_view, uint64_t, std::string_view raw) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    out_.put('\n');
  }

 private:
  std::mutex mu_;
  std::ostream& out_;
};

void print_report(const zg::zeek::file_report& r) {
  const std::string path = shown(r.path);
  std::cerr << "zeekgraph: " << path << ": " << (r.format.empty() ? "empty" : r.format)
            << (r.gzip ? "+gzip" : "") << ", " << r.lines_read << " lines read, " << r.rows_used
            << " used, " << r.rows_rejected << " rejected, " << r.rows_null_key
            << " dropped for a null key";
  if (r.rows_filtered) std::cerr << ", " << r.rows_filtered << " filtered out by --where";
  if (r.rows_skipped) std::cerr << " (" << r.rows_skipped << " of them unparsed: they lack the text it needs)";
  if (r.schema_changes) std::cerr << ", " << r.schema_changes << " schema change(s)";
  std::cerr << "\n";
  for (const auto& p : r.problems) {
    std::cerr << "  " << path;
    if (p.line) std::cerr << ":" << p.line;
    std::cerr << ": " << (zg::zeek::rejects_line(p.kind) ? "rejected" : "warning") << " ["
              << zg::zeek::to_string(p.kind) << "]";
    if (p.line) std::cerr << " at byte " << p.byte_offset;
    if (!p.column.empty()) std::cerr << ", column " << p.column;
    std::cerr << ": " << shown(p.message) << "\n";
    if (!p.excerpt.empty()) std::cerr << "    line: " << p.excerpt << "\n";
    if (!p.hint.empty()) std::cerr << "    hint: " << p.hint << "\n";
  }
  if (r.problems_suppressed)
    std::cerr << "  " << path << ": suppressed " << r.problems_suppressed
              << " more problem(s); --rejects FILE keeps every rejected line\n";
}

// A JSON string literal, quotes included.
std::string json_string(std::string_view s) {
  std::string out;
  zg::append_json_string(out, s);
  return out;
}

// The line accounting as JSON, for scripts and tests.
void write_report_json(const zg::engine::summarize_result& res, std::ostream& out) {
  auto names = [&](const std::vector<std::string>& v) {
    out << '[';
    for (size_t i = 0; i < v.size(); ++i) out << (i ? "," : "") << json_string(v[i]);
    out << ']';
  };
  out << "{\"rows\":" << res.table.rows() << ",\"passes\":" << res.passes << ",\"retyped\":";
  names(res.retyped);
  out << ",\"recounted\":";
  names(res.recounted);
  out << ",\"resummed\":" << (res.resummed ? "true" : "false");
  out << ",\"unordered\":" << (res.unordered ? "true" : "false");
  out << ",\"files\":[";
  for (size_t i = 0; i < res.files.size(); ++i) {
    const auto& r = res.files[i];
    std::string path;
    zg::append_json_path(path, r.path);
    out << (i ? "," : "") << "{\"path\":" << path << ",\"format\":\"" << r.format
        << "\",\"gzip\":" << (r.gzip ? "true" : "false") << ",\"bytes\":" << r.bytes
        << ",\"lines_read\":" << r.lines_read << ",\"header_lines\":" << r.header_lines
        << ",\"rows_used\":" << r.rows_used << ",\"rows_rejected\":" << r.rows_rejected
        << ",\"rows_null_key\":" << r.rows_null_key << ",\"rows_filtered\":" << r.rows_filtered
        << ",\"rows_skipped\":" << r.rows_skipped
        << ",\"schema_changes\":" << r.schema_changes
        << ",\"problems_total\":" << r.problems_total() << ",\"problems\":[";
    for (size_t j = 0; j < r.problems.size(); ++j) {
      const auto& p = r.problems[j];
      out << (j ? "," : "") << "{\"kind\":\"" << zg::zeek::to_string(p.kind) << "\",\"line\":" << p.line
          << ",\"byte_offset\":" << p.byte_offset << ",\"column\":" << json_string(p.column)
          << ",\"message\":" << json_string(p.message) << "}";
    }
    out << "]}";
  }
  out << "]}\n";
}

// Draws a progress bar on stderr while `done` is false.
void progress_loop(std::atomic<uint64_t>& bytes, uint64_t total, std::atomic<bool>& done) {
  auto start = std::chrono::steady_clock::now();
  bool drawn = false;
  while (!done.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (done.load()) break;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t b = bytes.load();
    double frac = total ? std::min(1.0, static_cast<double>(b) / static_cast<double>(total)) : 0;
    int width = 30, fill = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r[%.*s%*s] %5.1f%% %8.1f MB %6.1f MB/s", fill,
                 "##############################", width - fill, "", frac * 100, b / 1e6,
                 secs > 0 ? b / 1e6 / secs : 0.0);
    drawn = true;
  }
  if (drawn) std::fprintf(stderr, "\r%*s\r", 70, "");
}

struct summarize_args {
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "csv";
  std::string by, agg;
  std::string rejects;
  std::string report;
  std::string log_path = "conn";
  unsigned threads = 0;
  bool strict = false, quiet = false, verbose = false, no_progress = false;
  std::string max_line_bytes;  // a size; empty: 1 MiB
  std::string where;           // --where EXPR
  std::string sort;            // summarize: "COL[:desc],COL..."
  size_t limit = 0;            // summarize: the first N rows (0: all)
  std::string memory_limit;
  // State files (engine/summarize_state): save the run's partial aggregate,
  // merge saved ones, read a byte range of one file, hash-partition the
  // saved state, save it closed.
  std::string save_state;
  std::vector<std::string> merge_state;
  std::string range;
  uint32_t partitions = 1;
  bool closed = false;
  // serve: sees the rows of the first scan to build its row index (not
  // with a --where that skips lines unparsed: those rows would be missing).
  zg::engine::row_observer* observe = nullptr;
  // serve and --html: learn which addresses the log itself calls local,
  // from the max of its local_orig and local_resp (graph/local_networks).
  bool learn_logged_local = false;
};

// "512M", "8G", "1048576" -> bytes; 0 on a malformed size (a sign, a
// space, an unknown unit, or a value past 2^64).
uint64_t parse_size(const std::string& s) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return 0;
  size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(s, &pos);
  } catch (...) {
    return 0;
  }
  std::string unit = s.substr(pos);
  if (unit.empty() || unit == "B") return v;
  int shift = unit == "K" || unit == "KiB" ? 10 : unit == "M" || unit == "MiB" ? 20 : unit == "G" || unit == "GiB" ? 30 : -1;
  if (shift < 0 || v > (UINT64_MAX >> shift)) return 0;
  return v << shift;
}

// More input files than this are reported as one total line, plus the
// files with problems (-v lists them all).
constexpr size_t MAX_LISTED_FILES = 10;

// Summarizes the inputs and prints the per-file reports. Returns an exit
// code when there is nothing to go on with, nullopt otherwise.
std::optional<int> run_summary(const summarize_args& a, zg::engine::summarize_result& out,
                               zg::engine::summarize_options* query = nullptr, zg::agg::saved_state* state = nullptr) {
  auto spec = zg::agg::parse_query_spec(a.by, a.agg);
  if (!spec) {
    print_error(spec.err());
    return EXIT_USAGE;
  }
  zg::engine::summarize_options opts;
  opts.inputs = a.inputs;
  opts.spec = *spec;
  if (!parse_where(a.where, opts.where)) return EXIT_USAGE;
  if (!opts.where || opts.where->needles().empty()) opts.observe = a.observe;
  opts.threads = a.threads;
  opts.reader.strict = a.strict;
  // Sizes: a positive number of bytes, with K, M or G; anything else
  // (negative, zero, words) is a usage error, not a limit of 0 or 2^64.
  auto size_option = [](const char* name, const std::string& text, uint64_t& out) {
    out = parse_size(text);
    if (out == 0) {
      std::cerr << "zeekgraph: error: " << name << " '" << text << "' is not a size\n"
                << "  hint: write a positive number of bytes, with K, M or G for KiB, MiB or GiB, such as 512M or 8G\n";
      return false;
    }
    return true;
  };
  if (!a.max_line_bytes.empty()) {
    uint64_t v = 0;
    if (!size_option("--max-line-bytes", a.max_line_bytes, v)) return EXIT_USAGE;
    opts.reader.max_line_bytes = static_cast<size_t>(v);
  }
  opts.expand.log_path = a.log_path == "*" ? "" : a.log_path;
  if (!a.memory_limit.empty() && !size_option("--memory-limit", a.memory_limit, opts.memory_limit)) return EXIT_USAGE;

  // --rejects and --report are opened before reading, so a bad path stops
  // the run at once, and moved into place only once the run is read.
  std::unique_ptr<zg::io::output_file> rejects_out, report_out;
  std::unique_ptr<rejects_file> rejects;
  if (!a.rejects.empty()) {
    if (!(rejects_out = open_output(a.rejects))) return EXIT_OUTPUT;
    rejects = std::make_unique<rejects_file>(rejects_out->stream());
    opts.reader.rejects = rejects.get();
  }
  if (!a.report.empty() && !(report_out = open_output(a.report))) return EXIT_OUTPUT;

  uint64_t total_bytes = 0;
  auto listed = zg::engine::list_inputs(opts, total_bytes);
  if (!listed) {
    print_error(listed.err());
    return EXIT_INPUT;
  }
  if (a.learn_logged_local) {
    auto probe = [&](size_t i) {
      const std::string& path = (*listed)[i];
      return path == "-" ? zg::result<zg::zeek::log_schema>(zg::error{zg::error_kind::io, "stdin"})
                         : zg::engine::probe_input(path, opts.open_input);
    };
    std::vector<std::string> aggregated;
    for (const auto& g : opts.spec.aggs) aggregated.push_back(g.column);
    for (auto& c : zg::graph::logged_local_columns(listed->size(), probe, aggregated))
      opts.spec.aggs.push_back({std::move(c), {zg::agg::agg_fn::max}});
  }
  std::atomic<uint64_t> progress{0};
  std::atomic<bool> done{false};
  std::thread bar;
  if (!a.no_progress && !a.quiet && ::isatty(STDERR_FILENO)) {
    opts.progress = &progress;
    bar = std::thread(progress_loop, std::ref(progress), total_bytes, std::ref(done));
  }
  if (!a.range.empty()) {
    // --range BEGIN:END, bytes of the one input.
    const size_t colon = a.range.find(':');
    uint64_t begin = 0, end = 0;
    auto number = [](const std::string& t, uint64_t& v) {
      if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 19) return false;
      v = std::stoull(t);
      return true;
    };
    if (colon == std::string::npos || !number(a.range.substr(0, colon), begin) ||
        !number(a.range.substr(colon + 1), end) || end < begin) {
      std::cerr << "zeekgraph: error: --range '" << shown(a.range) << "' is not BEGIN:END\n"
                << "  hint: byte offsets, such as --range 0:67108864; the lines that start in it are read\n";
      return EXIT_USAGE;
    }
    opts.range = std::make_pair(begin, end);
  }
  auto res = [&]() -> zg::result<zg::engine::summarize_result> {
    if (!state) return zg::engine::summarize(opts);
    zg::engine::summarize_result r;
    auto st = zg::engine::summarize_state(opts, r);
    if (!st) return st.err();
    *state = std::move(*st);
    return r;
  }();
  done = true;
  if (query) {  // for serve's re-queries: the same query, without this run's sinks
    *query = opts;
    query->reader.rejects = nullptr;
    query->progress = nullptr;
    query->observe = nullptr;
  }
  if (bar.joinable()) bar.join();
  if (!res) {
    print_run_error(res.err(), a.where);
    switch (res.err().kind) {
      case zg::error_kind::usage: return EXIT_USAGE;
      case zg::error_kind::resource: return EXIT_RESOURCE;
      default: return EXIT_INPUT;
    }
  }

  uint64_t lines = 0, used = 0, rejected = 0, nullkey = 0, filtered = 0, problems = 0;
  for (const auto& r : res->files) {
    // Past 10 files, one total line stands for the files without problems.
    const bool listed = a.verbose || (!a.quiet && res->files.size() <= MAX_LISTED_FILES);
    if (listed || r.problems_total()) print_report(r);
    lines += r.lines_read;
    used += r.rows_used;
    rejected += r.rows_rejected;
    nullkey += r.rows_null_key;
    filtered += r.rows_filtered;
    problems += r.problems_total();
  }
  if (res->files.size() > 1 && !a.quiet)
    std::cerr << "zeekgraph: total: " << res->files.size() << " files, " << lines << " lines read, "
              << used << " used, " << rejected << " rejected, " << nullkey << " dropped for a null key"
              << (filtered ? ", " + std::to_string(filtered) + " filtered out by --where" : std::string()) << "\n";
  for (const auto& c : res->retyped)
    std::cerr << "zeekgraph: note: column '" << c
              << "' was re-read with the type its values have (as pandas types it)\n";
  if (res->shrank_reread)
    std::cerr << "zeekgraph: note: a file shrank while its chunks were read (rotated with copytruncate?), so the "
                 "input was read again: the counts are of the lines before its new end\n";
  for (const auto& c : res->recounted)
    std::cerr << "zeekgraph: note: column '" << c
              << "' repeats a value, so the input was read again to count its distinct values exactly\n";
  const char* order_dependent =
      "a result depends on row order (float sums of a file whose schema changed mid-way, or the sign of "
      "a zero min or max)";
  if (res->resummed)
    std::cerr << "zeekgraph: note: " << order_dependent
              << ", so the input was read again on one thread, in order, as pandas reads it\n";
  if (res->unordered)
    std::cerr << "zeekgraph: warning: " << order_dependent
              << " and stdin cannot be read again: its last digits or sign may differ from pandas; run "
                 "with -j 1 for pandas' result\n";
  if (report_out) {
    write_report_json(*res, report_out->stream());
    if (!commit_output(*report_out)) return EXIT_OUTPUT;
  }
  if (rejects_out && !commit_output(*rejects_out)) return EXIT_OUTPUT;
  if (res->stopped) {
    std::cerr << "zeekgraph: error: stopped at the first problem (--strict); no output written\n";
    return EXIT_STRICT;
  }
  if (a.strict && problems) return EXIT_STRICT;
  out = std::move(*res);
  return std::nullopt;
}

zg::result<zg::table::summary_table> state_table(zg::agg::saved_state& st, unsigned threads) {
  return zg::agg::finalize_state(st, zg::thread_count(threads));
}

// Exit code of a state file error.
int state_exit(const zg::error& e) {
  print_error(e);
  return e.kind == zg::error_kind::usage ? EXIT_USAGE : e.kind == zg::error_kind::resource ? EXIT_RESOURCE : EXIT_INPUT;
}

// --save-state / --merge-state: the inputs (if any) into a state, merged
// with the saved states in input order; written as a state, a summary, or
// both. Writes `table` when a summary is wanted.
std::optional<int> run_states(const summarize_args& a, zg::table::summary_table& table, bool& want_table) {
  if (a.inputs.empty() && !a.merge_state.empty() && (!a.by.empty() || !a.agg.empty() || !a.where.empty())) {
    std::cerr << "zeekgraph: error: --by, --agg and --where shape a state when it is made; a merge of states "
                 "takes theirs\n"
              << "  hint: drop them, or name inputs to summarize with them and merge\n";
    return EXIT_USAGE;
  }
  std::vector<zg::agg::saved_state> states;
  if (!a.inputs.empty() || a.merge_state.empty()) {
    zg::engine::summarize_result res;
    zg::agg::saved_state st;
    if (auto rc = run_summary(a, res, nullptr, &st)) return *rc;
    states.push_back(std::move(st));
  }
  uint64_t lines = 0, used = 0, rejected = 0, nullkey = 0, files = 0;
  for (const auto& path : a.merge_state) {
    auto st = zg::agg::read_state_file(path);
    if (!st) return state_exit(st.err());
    for (const auto& f : st->files) {
      ++files;
      lines += f.lines_read;
      used += f.rows_used;
      rejected += f.rows_rejected;
      nullkey += f.rows_null_key;
    }
    states.push_back(std::move(*st));
  }
  auto merged = zg::agg::merge_states(std::move(states), a.closed, zg::thread_count(a.threads));
  if (!merged) return state_exit(merged.err());
  if (!a.merge_state.empty() && !a.quiet)
    std::cerr << "zeekgraph: merged " << a.merge_state.size() << " state file" << (a.merge_state.size() == 1 ? "" : "s")
              << ": " << files << " files, " << lines << " lines read, " << used << " used, " << rejected
              << " rejected, " << nullkey << " dropped for a null key\n";
  want_table = a.save_state.empty() || !a.output.empty();
  if (!a.save_state.empty()) {
    if (auto s = zg::engine::write_state_file(*merged, a.save_state, a.partitions); !s) {
      print_error(s.err());
      return EXIT_OUTPUT;
    }
    if (!a.quiet) std::cerr << "zeekgraph: wrote state " << shown(a.save_state) << (a.partitions > 1 ? ".0-" + std::to_string(a.partitions - 1) : std::string()) << "\n";
    if (!want_table) return EXIT_OK;
    // Writing took the distinct-value pairs: the summary comes from the file.
    auto back = zg::agg::read_state_file(a.save_state);
    if (!back) return state_exit(back.err());
    *merged = std::move(*back);
  }
  auto t = state_table(*merged, a.threads);
  if (!t) return state_exit(t.err());
  table = std::move(*t);
  return std::nullopt;
}

int run_summarize(const summarize_args& a) {
  if (a.partitions > 1 && (a.save_state.empty() || !a.output.empty())) {
    std::cerr << "zeekgraph: error: --partitions splits a saved state; it needs --save-state and no -o\n";
    return EXIT_USAGE;
  }
  if ((a.closed || a.partitions > 1) && a.save_state.empty()) {
    std::cerr << "zeekgraph: error: --closed and --partitions shape the file --save-state writes\n";
    return EXIT_USAGE;
  }
  // Top-N: the sort keys name output columns, checked before reading.
  std::vector<zg::table::sort_key> sort_keys;
  if (!a.sort.empty()) {
    auto keys = zg::table::parse_sort_keys(a.sort);
    auto spec = zg::agg::parse_query_spec(a.by, a.agg);
    if (!keys) {
      print_error(keys.err());
      return EXIT_USAGE;
    }
    if (spec) {
      zg::table::summary_table names;  // the output's columns, without rows
      for (const auto& n : spec->output_names()) names.columns.push_back({n, zg::table::column_type::int64, {}, {}, {}, {}});
      if (auto st = zg::table::sort_rows(names, *keys, 0); !st) {
        print_error(st.err());
        return EXIT_USAGE;
      }
    }
    sort_keys = std::move(*keys);
  }
  // The output is opened before the run, as --report and --rejects are, so
  // a path that cannot be written stops it before a long scan.
  const bool to_stdout = a.output.empty() || a.output == "-";
  auto out = open_output(to_stdout ? "-" : a.output);
  if (!out) return EXIT_OUTPUT;
  zg::engine::summarize_result summary;
  auto* res = &summary;
  if (!a.save_state.empty() || !a.merge_state.empty()) {
    bool want_table = true;
    if (auto rc = run_states(a, summary.table, want_table)) return *rc;
    if (!want_table) return EXIT_OK;
  } else if (!a.range.empty()) {
    std::cerr << "zeekgraph: error: --range reads a piece of a file into a state; it needs --save-state\n";
    return EXIT_USAGE;
  } else if (auto rc = run_summary(a, summary)) {
    return *rc;
  }
  if (!sort_keys.empty() || a.limit) {
    if (auto st = zg::table::sort_rows(res->table, sort_keys, a.limit); !st) {
      print_error(st.err());
      return EXIT_USAGE;
    }
  }
  auto fmt = a.format == "ndjson" ? zg::table::table_format::ndjson : zg::table::table_format::csv;
  size_t rows = res->table.rows();
  std::cout.flush();
  zg::table::write_table(res->table, fmt, out->stream(), a.threads);
  if (!commit_output(*out)) return EXIT_OUTPUT;
  // stdout holds the table alone, whether or not it is the output.
  if (!a.quiet) {
    std::cerr << "# rows " << rows << "\n";
    if (!to_stdout) std::cerr << "zeekgraph: wrote " << shown(a.output) << "\n";
  }
  return EXIT_OK;
}

// ---- rows ------------------------------------------------------------------

struct rows_args {
  std::vector<std::string> inputs;
  std::string where, columns, format = "zeek", output, log_path = "conn";
  uint64_t offset = 0, limit = 0;
  bool quiet = false;
};

int run_rows(const rows_args& a) {
  zg::engine::rows_options o;
  o.inputs = a.inputs;
  o.expand.log_path = a.log_path == "*" ? "" : a.log_path;
  o.offset = a.offset;
  o.limit = a.limit;
  o.format = a.format == "csv" ? zg::table::row_format::csv
             : a.format == "ndjson" ? zg::table::row_format::ndjson
                                    : zg::table::row_format::zeek;
  o.columns = zg::split_list(a.columns, ',');
  if (!parse_where(a.where, o.where)) return EXIT_USAGE;
  std::cout.flush();
  auto out = open_output(a.output.empty() ? "-" : a.output);
  if (!out) return EXIT_OUTPUT;
  auto res = zg::engine::write_rows(o, out->stream());
  if (!res) {
    print_run_error(res.err(), a.where);
    return res.err().kind == zg::error_kind::usage ? EXIT_USAGE : EXIT_INPUT;
  }
  if (!commit_output(*out)) return EXIT_OUTPUT;
  for (const auto& r : res->files)
    if ((!a.quiet && res->files.size() <= MAX_LISTED_FILES) || r.problems_total()) print_report(r);
  if (!a.quiet) std::cerr << "# rows " << res->written << "\n";
  return EXIT_OK;
}

// ---- graph -----------------------------------------------------------------

struct graph_args {
  summarize_args summary;
  std::string entities = "id.orig_h,id.resp_h";
  std::vector<std::string> categories = {"ip=id.orig_h,id.resp_h"};
  bool events = false;  // event nodes instead of direct edges
  std::string edge_shape;  // Graphistry's EDGES: "a:b,c;b:c"
  std::string skip;        // Graphistry's SKIP: columns never made entities
  std::string nodes, edges, gexf, graphml, svg, html;
  std::string bind = "127.0.0.1";
  std::vector<std::string> allow_hosts;  // Host names served besides localhost, loopback and the bind address
  int port = 8080;
  zg::server::payload_options payload;  // the UI's data: --local-nets; key_columns set once summarized
  zg::layout::fa2_settings layout = [] {
    zg::layout::fa2_settings s;
    s.scaling_ratio = 10;  // ~5K nodes and 80K edges crowd at Gephi's default 2
    return s;
  }();
};

// The non-empty parts of `s` between `sep`s.
// The hypergraph options the graph flags give (graph/hypergraph_flags).
zg::result<zg::graph::hypergraph_options> hypergraph_options_of(const graph_args& a) {
  return zg::graph::parse_hypergraph_flags({a.entities, a.categories, a.events, a.edge_shape, a.skip});
}

// Builds the graph of a summary: hypergraph, layout, exports. Fills `g`
// and `pos`; returns an exit code on failure.
std::optional<int> build_graph(const graph_args& a, const zg::engine::summarize_result& res,
                               zg::graph::hypergraph& g, zg::graph::positions& pos) {
  auto o = hypergraph_options_of(a);
  if (!o) {
    print_error(o.err());
    return EXIT_USAGE;
  }
  auto built = zg::graph::build_hypergraph(res.table, *o);
  if (!built) {
    print_error(built.err());
    return EXIT_USAGE;
  }
  g = std::move(*built);
  std::cout << "# links " << g.links() << "\n# events " << g.events << "\n# attrib entities " << g.entities << "\n";
  auto t0 = std::chrono::steady_clock::now();
  auto lay = zg::layout::forceatlas2(static_cast<uint32_t>(g.node_id.size()), g.src, g.dst, {}, a.layout);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.summary.quiet)
    std::fprintf(stderr, "zeekgraph: ForceAtlas2: %zu nodes, %zu edges, %d iterations%s, %.2f s\n",
                 g.node_id.size(), g.links(), lay.iterations, lay.converged ? " (converged)" : "", secs);
  pos.x = std::move(lay.x);
  pos.y = std::move(lay.y);
  auto write = [&](const std::string& path, auto fn) -> bool {
    if (path.empty()) return true;
    auto out = open_output(path);
    if (!out) return false;
    fn(out->stream());
    if (!commit_output(*out)) return false;
    if (!a.summary.quiet) std::cerr << "zeekgraph: wrote " << shown(path) << "\n";
    return true;
  };
  bool ok = write(a.nodes, [&](std::ostream& out) { zg::graph::write_nodes_csv(g, pos, out); }) &&
            write(a.edges, [&](std::ostream& out) { zg::graph::write_edges_csv(g, res.table, out); }) &&
            write(a.gexf, [&](std::ostream& out) { zg::graph::write_gexf(g, res.table, pos, out); }) &&
            write(a.graphml, [&](std::ostream& out) { zg::graph::write_graphml(g, res.table, pos, out); }) &&
            write(a.svg, [&](std::ostream& out) { zg::graph::write_svg(g, res.table, pos, {}, out); }) &&
            write(a.html, [&](std::ostream& out) {
              out << zg::server::standalone_page(zg::server::make_payload(g, res.table, pos, a.payload));
            });
  if (!ok) return EXIT_OUTPUT;
  return std::nullopt;
}

// Summary, hypergraph, layout and exports: what `graph` does, and `serve`
// before it serves.
std::optional<int> run_graph_steps(graph_args& a, zg::engine::summarize_result& res, zg::graph::hypergraph& g,
                                   zg::graph::positions& pos, zg::engine::summarize_options* used = nullptr) {
  zg::engine::summarize_options query;
  if (!used) used = &query;
  if (auto rc = run_summary(a.summary, res, used)) return rc;
  if (a.summary.learn_logged_local) {
    // The maxima run_summary added after the query's own aggregates; re-queries need them no more.
    if (auto spec = zg::agg::parse_query_spec(a.summary.by, a.summary.agg)) {
      std::vector<std::string> added;
      for (size_t k = spec->aggs.size(); k < used->spec.aggs.size(); ++k) added.push_back(used->spec.aggs[k].column);
      zg::graph::take_logged_local(res.table, added, a.payload.local);
      used->spec = std::move(*spec);
    }
  }
  a.payload.key_columns = used->spec.keys.size();
  return build_graph(a, res, g, pos);
}

int run_graph(graph_args& a) {
  if (!a.html.empty()) a.summary.learn_logged_local = true;
  zg::engine::summarize_result res;
  zg::graph::hypergraph g;
  zg::graph::positions pos;
  return run_graph_steps(a, res, g, pos).value_or(EXIT_OK);
}

zg::server::graph_server* active_server = nullptr;

void stop_serving(int) {
  if (active_server) active_server->stop();
}

int run_serve(graph_args& a) {
  zg::engine::summarize_result res;
  zg::graph::hypergraph g;
  zg::graph::positions pos;
  zg::engine::summarize_options used;
  // The row index (engine/row_index), built during the first scan: the rows
  // behind a node or an edge are read from the 256 KiB blocks that may hold
  // its addresses, not from the whole input.
  zg::engine::row_index index({"id.orig_h", "id.resp_h"});
  // The top talkers' distinct destination ports (server/node_ports), counted
  // in the same scan, as is each re-query's.
  auto ports = std::make_shared<zg::server::node_ports_cache>();
  zg::server::port_counter first_ports(&index);
  a.summary.observe = &first_ports;
  a.summary.learn_logged_local = true;
  if (auto rc = run_graph_steps(a, res, g, pos, &used)) return *rc;
  if (auto j = first_ports.json(res.files)) ports->put("", std::move(*j));
  for (const auto& f : res.files)
    if (f.schema_changes) index.forget(f.path);  // a block read alone would get the wrong schema
  if (!a.summary.quiet && index.blocks())
    std::fprintf(stderr, "zeekgraph: row index: %zu blocks of %zu file(s), %.1f MiB\n", index.blocks(),
                 index.files(), static_cast<double>(index.bytes()) / (1 << 20));
  if (!zg::server::graph_server::is_loopback(a.bind))
    std::cerr << "zeekgraph: warning: serving on " << a.bind
              << ", which other machines may reach; the graph holds your network's addresses\n";
  zg::server::graph_server server(zg::server::make_payload(g, res.table, pos, a.payload));
  // Drill-down and re-query (server/query_routes): the rows behind a node,
  // an edge or a --where, and the graph of a filter, made as this one was.
  zg::server::query_sources sources;
  sources.rows.inputs = used.inputs;
  sources.rows.expand = used.expand;
  sources.rows.reader = used.reader;
  sources.rows.where = used.where;
  sources.summary = &res.table;
  sources.index = &index;
  sources.key_columns = used.spec.keys.size();
  sources.requery = [&a, &used, ports](const std::string& where) -> zg::result<zg::server::graph_payload> {
    zg::engine::summarize_options o = used;
    std::string expr = where;
    if (!a.summary.where.empty() && !where.empty()) expr = "(" + a.summary.where + ") and (" + where + ")";
    else if (where.empty()) expr = a.summary.where;
    o.where.reset();
    if (!expr.empty()) {
      auto f = zg::query::filter::parse(expr);
      if (!f) return f.err();
      o.where = std::make_shared<const zg::query::filter>(std::move(*f));
    }
    zg::server::port_counter counted;
    o.observe = &counted;
    auto r = zg::engine::summarize(o);
    if (!r) return r.err();
    if (auto j = counted.json(r->files)) ports->put(where, std::move(*j));
    auto ho = hypergraph_options_of(a);
    if (!ho) return ho.err();
    auto hg = zg::graph::build_hypergraph(r->table, *ho);
    if (!hg) return hg.err();
    auto lay = zg::layout::forceatlas2(static_cast<uint32_t>(hg->node_id.size()), hg->src, hg->dst, {}, a.layout);
    zg::graph::positions p;
    p.x = std::move(lay.x);
    p.y = std::move(lay.y);
    return zg::server::make_payload(*hg, r->table, p, a.payload);
  };
  zg::server::add_query_routes(server, sources);
  // The top talkers' distinct destination ports (server/node_ports): from the
  // scans above, or else another summary of the same inputs, by id.orig_h.
  zg::server::add_node_ports_route(
      server, [&a, &used](const std::string& where, const std::string& by,
                          const std::string& agg) -> zg::result<zg::table::summary_table> {
        zg::engine::summarize_options o = used;
        auto spec = zg::agg::parse_query_spec(by, agg);
        if (!spec) return spec.err();
        o.spec = std::move(*spec);
        const std::string expr = a.summary.where.empty() ? where
                                 : where.empty()          ? a.summary.where
                                                          : "(" + a.summary.where + ") and (" + where + ")";
        o.where.reset();
        if (!expr.empty()) {
          auto f = zg::query::filter::parse(expr);
          if (!f) return f.err();
          o.where = std::make_shared<const zg::query::filter>(std::move(*f));
        }
        auto r = zg::engine::summarize(o);
        if (!r) return r.err();
        return std::move(r->table);
      },
      ports);
  active_server = &server;
  std::signal(SIGINT, stop_serving);
  std::signal(SIGTERM, stop_serving);
  zg::server::serve_options o;
  o.bind = a.bind;
  o.port = a.port;
  o.allow_hosts = a.allow_hosts;
  // Each open connection holds a descriptor: thousands of idle or slow
  // clients need more than the usual soft limit of 1024.
  if (auto fds = zg::server::raise_fd_limit(); !fds || *fds < 2100)
    std::cerr << "zeekgraph: warning: this process may open "
              << (fds ? std::to_string(*fds) : std::string("few")) << " files; the server takes fewer connections\n";
  auto st = server.run(o, [](const std::string& url) {
    std::cout << "zeekgraph: serving " << url << " (Ctrl-C stops)" << std::endl;
  });
  active_server = nullptr;
  if (!st) {
    print_error(st.err());
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

void add_summary_options(CLI::App* cmd, summarize_args& s) {
  cmd->add_option("inputs", s.inputs, "files, directories, globs, or - for stdin (default: stdin)");
  cmd->add_option("--by", s.by, "group keys, comma separated (default: id.orig_h,id.resp_h,conn_state)");
  cmd->add_option("--agg", s.agg,
                  "aggregates: 'col:fn,fn;col2:fn' with fn in min,max,size,count,nunique,sum,mean; "
                  "'name=a+b:fn' derives a column");
  cmd->add_option("--where", s.where,
                  "only rows that match EXPR, such as: id.orig_h in 192.168.0.0/16 and conn_state in [\"S0\", \"REJ\"] "
                  "and ts >= 2012-03-16T12:00:00Z (see the README's grammar)");
  cmd->add_option("-j,--threads", s.threads, "threads (default: every core)");
  cmd->add_flag("--strict", s.strict, "treat any input problem as fatal (exit 4)");
  cmd->add_option("--rejects", s.rejects, "write every rejected line to this file");
  cmd->add_option("--report", s.report, "write the per-file line accounting and problems as JSON");
  cmd->add_option("--max-line-bytes", s.max_line_bytes, "reject longer lines: bytes, or with K, M or G (default 1M)");
  cmd->add_option("--memory-limit", s.memory_limit,
                  "stop with an error (exit 6) before the summary's tables pass this size, such as 8G "
                  "(default: 3/4 of RAM or of the cgroup's memory.max)");
  cmd->add_option("--log-path", s.log_path,
                  "in directories, read files whose name contains this (default: conn; '*' = all)");
  cmd->add_flag("-q,--quiet", s.quiet, "report only files with problems");
  cmd->add_flag("-v,--verbose", s.verbose, "report every file, however many (default: past 10 files, only the total and files with problems)");
  cmd->add_flag("--no-progress", s.no_progress, "no progress bar");
}

void add_graph_options(CLI::App* cmd, graph_args& g) {
  add_summary_options(cmd, g.summary);
  cmd->add_option("--entities", g.entities, "entity columns, comma separated (default: id.orig_h,id.resp_h)");
  cmd->add_option("--category", g.categories,
                  "NAME=col,col: one node namespace for these columns (repeatable; default ip=id.orig_h,id.resp_h)");
  cmd->add_flag("--events", g.events, "one node per row linked to its entities (Graphistry's direct=False)");
  cmd->add_option("--edge-shape", g.edge_shape,
                  "direct edges between these columns, 'a:b,c;b:c' (Graphistry's EDGES; default each column to every later one)");
  cmd->add_option("--skip", g.skip, "columns never made entities, comma separated (Graphistry's SKIP)");
  cmd->add_option("--nodes", g.nodes, "write the nodes as CSV (Graphistry's columns, plus x, y)");
  cmd->add_option("--edges", g.edges, "write the edges as CSV, with every summary column");
  cmd->add_option("--gexf", g.gexf, "write GEXF 1.2 (Gephi, networkx)");
  cmd->add_option("--graphml", g.graphml, "write GraphML");
  cmd->add_option("--svg", g.svg, "render the laid-out graph as SVG");
  cmd->add_option("--html", g.html, "write the interactive UI with the graph as one HTML file (opens offline)");
  cmd->add_option_function<std::string>(
      "--local-nets",
      [&g](const std::string& list) {
        auto nets = zg::graph::parse_local_networks(list);
        if (!nets) throw CLI::ValidationError(nets.err().message + " (" + nets.err().hint + ")");
        g.payload.local = std::move(*nets);
      },
      "networks whose nodes the UI colours internal, CIDR,CIDR (besides RFC 1918, RFC 4193, link-local, loopback)");
  cmd->add_option("--iterations", g.layout.max_iterations, "ForceAtlas2 iteration budget (default 2000)");
  cmd->add_option("--gravity", g.layout.gravity, "ForceAtlas2 gravity (default 1)");
  cmd->add_option("--scaling-ratio", g.layout.scaling_ratio, "ForceAtlas2 repulsion (default 10)");
  cmd->add_option("--edge-influence", g.layout.edge_influence, "ForceAtlas2 edge weight exponent (default 1)");
  cmd->add_flag("--lin-log", g.layout.lin_log, "ForceAtlas2 LinLog attraction");
  cmd->add_flag("--strong-gravity", g.layout.strong_gravity, "ForceAtlas2 strong gravity");
  cmd->add_flag("--dissuade-hubs", g.layout.dissuade_hubs, "ForceAtlas2 outbound attraction distribution");
  cmd->add_option("--layout-seed", g.layout.seed, "layout seed (same seed, same picture)");
  cmd->add_option("--convergence", g.layout.convergence,
                  "stop when the mean step, relative to the layout's size, stays below this (default 1e-3)");
}

}  // namespace

// SIGINT and SIGTERM: remove the temporaries of unfinished outputs (where
// the file system lacked O_TMPFILE), then die of the signal as before.
void remove_temporaries_and_die(int sig) {
  zg::io::output_file::remove_pending_temporaries();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

int main(int argc, char** argv) {
  std::signal(SIGINT, remove_temporaries_and_die);
  std::signal(SIGTERM, remove_temporaries_and_die);
  // Under a file size limit (ulimit -f) a write past it fails with EFBIG
  // and is reported like a full disk, instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  // Blocks of 1 MiB and more are mapped and unmapped on their own. glibc
  // otherwise raises its threshold to the largest block freed, after which
  // growing group tables leave their old copies in the heap: peak RSS of
  // one input varied by 20 MB from run to run.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  CLI::App app{"zeekgraph: summarize and graph Zeek conn logs, exactly and fast"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("zeekgraph 0.1.0 (gzip: ") +
                                        zg::io::gzip_decoder::backend() + ", scanner: " +
                                        zg::zeek::to_string(zg::zeek::best_simd_level()) + ")");

  zg::gen::gen_options gopts;
  std::string gen_out;
  auto* gen = app.add_subcommand("gen", "write a deterministic MACCDC-2012-like conn log");
  gen->add_option("--rows", gopts.rows, "rows to write")->required();
  gen->add_option("--seed", gopts.seed, "random seed (same seed, same bytes)");
  gen->add_flag("--header", gopts.header, "write Zeek's header lines (default: the Graphistry tutorial's headerless 20-column layout)");
  gen->add_option("-o,--output", gen_out, "output file; gzip when it ends in .gz (default: stdout)");

  summarize_args sargs;
  auto* sum = app.add_subcommand("summarize", "the Graphistry tutorial's summary per (orig, resp, state), or any --by/--agg/--where");
  add_summary_options(sum, sargs);
  sum->add_option("-o,--output", sargs.output, "output file (default: stdout)");
  sum->add_option("--format", sargs.format, "csv (pandas to_csv) or ndjson")
      ->check(CLI::IsMember({"csv", "ndjson"}));
  sum->add_option("--sort", sargs.sort,
                  "order rows by output columns, 'COL[:desc][,COL...]' (stable, nulls last, as pandas' sort_values)");
  sum->add_option("--limit", sargs.limit, "keep the first N rows (after --sort): top-N");
  sum->add_option("--save-state", sargs.save_state,
                  "write the partial aggregate to FILE, to merge later with --merge-state (with -o, the summary too)");
  sum->add_option("--merge-state", sargs.merge_state,
                  "merge these saved states (and the inputs, if any), in input order, into the summary or --save-state")
      ->expected(1, -1);
  sum->add_option("--range", sargs.range, "with --save-state: read only the lines of the one input that start in bytes BEGIN:END");
  sum->add_option("--partitions", sargs.partitions, "with --save-state: write FILE.0 .. FILE.R-1, the groups split by key hash")
      ->check(CLI::Range(1u, 65536u));
  sum->add_flag("--closed", sargs.closed,
                "with --save-state: float sums and distinct counts final (merges only with the other partitions of one input)");

  rows_args rargs;
  auto* rows = app.add_subcommand("rows", "the raw connections, in input order: --where, --columns, --offset, --limit");
  rows->add_option("inputs", rargs.inputs, "files, directories, globs, or - for stdin (default: stdin)");
  rows->add_option("--where", rargs.where, "only rows that match EXPR (the grammar of summarize --where)");
  rows->add_option("--columns", rargs.columns, "columns to write, comma separated (default: every column of the first input)");
  rows->add_option("--offset", rargs.offset, "skip the first N matching rows");
  rows->add_option("--limit", rargs.limit, "write at most N rows");
  rows->add_option("--format", rargs.format,
                   "zeek (a Zeek TSV log with its header, which summarize and zeek-cut read), csv (ts as ISO 8601 UTC) "
                   "or ndjson (Zeek's JSON)")
      ->check(CLI::IsMember({"zeek", "csv", "ndjson"}));
  rows->add_option("-o,--output", rargs.output, "output file (default: stdout)");
  rows->add_option("--log-path", rargs.log_path, "in directories, read files whose name contains this (default: conn; '*' = all)");
  rows->add_flag("-q,--quiet", rargs.quiet, "report only files with problems");

  graph_args gargs;
  auto* graph = app.add_subcommand("graph", "the Graphistry tutorial's hypergraph of the summary: counts, ForceAtlas2 layout, exports");
  add_graph_options(graph, gargs);

  graph_args vargs;
  auto* serve = app.add_subcommand("serve", "explore the graph in a browser: an HTTP server for the UI");
  add_graph_options(serve, vargs);
  serve->add_option("--port", vargs.port, "TCP port (default 8080; 0 = any free port)");
  serve->add_option("--bind", vargs.bind, "address to listen on (default 127.0.0.1)");
  serve->add_option("--allow-host", vargs.allow_hosts,
                    "also answer requests whose Host is NAME (repeatable; localhost, loopback addresses and "
                    "the bind address always are; others get 403, against DNS rebinding)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
  }
  // More threads than cores buy nothing and each costs memory: -j 100000
  // met the OOM killer.
  for (unsigned* j : {&sargs.threads, &gargs.summary.threads, &vargs.summary.threads}) {
    const unsigned cores = zg::available_cores();
    if (*j > cores) {
      std::cerr << "zeekgraph: note: -j " << *j << ": this process may use " << cores
                << (cores == 1 ? " core" : " cores") << ", so it runs " << cores
                << (cores == 1 ? " thread\n" : " threads\n");
      *j = cores;
    }
  }
  try {
    if (*rows) return run_rows(rargs);
    if (*gen) return run_gen(gopts, gen_out);
    if (*sum) return run_summarize(sargs);
    if (*graph) {
      gargs.layout.threads = gargs.summary.threads;
      return run_graph(gargs);
    }
    if (*serve) {
      vargs.layout.threads = vargs.summary.threads;
      return run_serve(vargs);
    }
  } catch (const std::exception& e) {
    std::cerr << "zeekgraph: internal error: " << e.what() << "\n";
    return EXIT_INTERNAL;
  }
  return EXIT_USAGE;
}
