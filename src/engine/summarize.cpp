#include "engine/summarize.h"

#include "engine/input_columns.h"
#include "engine/piece_runner.h"
#include "engine/reread.h"
#include "engine/summary_passes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "agg/aggregate_plan.h"
#include "agg/finalize.h"
#include "agg/partial_aggregate.h"
#include "agg/sum_replay.h"
#include "io/input_source.h"
#include "util/parallel.h"

namespace zeekgraph::engine {

using detail::piece_runner;

result<std::vector<std::string>> list_inputs(const summarize_options& opts, uint64_t& total_bytes) {
  auto paths = io::expand_inputs(opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs,
                                 opts.expand);
  if (!paths) return paths.err();
  total_bytes = 0;
  for (const auto& p : *paths) {
    struct stat st {};
    if (p != "-" && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total_bytes += static_cast<uint64_t>(st.st_size);
  }
  return paths;
}

namespace {

// Bytes a reading thread holds besides what its states charge: a stream's
// 4 MiB read buffer and carry-over (or a plain file's copies, or pipelined
// blocks), its float-sum log (1 MiB), the growth between two charges (a
// state charges every 4K groups), and the rows it reads once the budget is
// passed, up to its next 256 KiB read (measured: peak RSS passed a 64 MiB
// limit by 1-2 MiB with 8 MiB a thread, stayed under it with 10).
constexpr uint64_t READ_BUFFERS = uint64_t{10} << 20;

// This process's resident size now.
uint64_t resident_bytes() {
  unsigned long long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu %llu", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGE_SIZE));
}

// The smallest memory limit of the cgroup at `path` (below `root`) and its
// parents, read from `file` in each; UINT64_MAX when none is set ("max").
uint64_t cgroup_limit(const std::string& root, std::string path, const char* file) {
  uint64_t lowest = UINT64_MAX;
  while (true) {
    if (std::FILE* f = std::fopen((root + path + "/" + file).c_str(), "r")) {
      unsigned long long v = 0;
      if (std::fscanf(f, "%llu", &v) == 1 && v > 0) lowest = std::min<uint64_t>(lowest, v);
      std::fclose(f);
    }
    if (path.empty() || path == "/") break;
    path.resize(path.rfind('/'));
  }
  return lowest;
}

// Physical memory, or the limit of this process's memory cgroup where it is
// lower (cgroup v2 memory.max, v1 memory.limit_in_bytes, parents included).
uint64_t usable_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  uint64_t ram = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : uint64_t{16} << 30;
  std::FILE* f = std::fopen("/proc/self/cgroup", "r");
  if (!f) return ram;
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    // "ID:CONTROLLERS:PATH": v2 has no controllers; v1 lists "memory".
    std::string l(line);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    const size_t a = l.find(':'), b = a == std::string::npos ? a : l.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = l.substr(a + 1, b - a - 1), path = l.substr(b + 1);
    if (controllers.empty())
      ram = std::min(ram, cgroup_limit("/sys/fs/cgroup", path, "memory.max"));
    else if (("," + controllers + ",").find(",memory,") != std::string::npos)
      ram = std::min(ram, cgroup_limit("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes"));
  }
  std::fclose(f);
  return ram;
}

error spill_failed(const agg::spill_error& e) {
  return error{error_kind::io, e.what(),
               "nunique's (group, value) pairs and float values waiting to be summed in order go "
               "to temporary files: point TMPDIR at a writable directory with free space"};
}

}  // namespace

result<summary_passes> run_passes(const summarize_options& given, bool for_state) {
  summarize_options opts = given;
  // Lines without the filter's needles are dropped unparsed.
  if (opts.where) {
    opts.reader.needles = opts.where->needles();
    opts.reader.also_needles = opts.where->also_needles();
  }
  uint64_t total_bytes = 0;
  auto paths = list_inputs(opts, total_bytes);
  if (!paths) return paths.err();
  if (auto st = check_input_columns(*paths, opts.spec.input_columns(), opts.where.get(), opts.open_input); !st)
    return st.err();
  bool rereadable = std::find(paths->begin(), paths->end(), "-") == paths->end();
  if (opts.range && paths->size() != 1)
    return error{error_kind::usage, "a byte range reads one file, and the inputs are " + std::to_string(paths->size()),
                 "name one uncompressed file"};

  // Typing the caller decided (the other pieces of a distributed job) is
  // where this run's starts, and text stays text.
  std::vector<std::string> as_text = opts.force_text, as_numeric, exact_ints = opts.force_exact_ints,
                           kahan_sums = opts.force_kahan_sums, exact_nunique;
  const unsigned threads = thread_count(opts.threads);
  summarize_result out;
  // Three quarters of the memory this process may use (the budget counts
  // the copy a doubling table needs): the rest covers the reading threads'
  // buffers and the input's pages.
  const uint64_t limit = opts.memory_limit ? opts.memory_limit : usable_memory() / 4 * 3;
  // One thread reads every row in input order: the fallback when a result
  // that depends on row order lost it (the ordered sums of a chunked file
  // read again alone, the sign of a zero min or max; see below).
  bool sequential = false, unordered = false, shrank_reread = false;
  summarize_options one_thread = opts;
  one_thread.threads = 1;
  for (unsigned pass = 1;; ++pass) {
    auto plan_owner = std::make_unique<agg::aggregate_plan>(agg::aggregate_plan::make(opts.spec, as_text, as_numeric));
    agg::aggregate_plan& plan = *plan_owner;
    if (opts.nunique_memory) plan.nunique_memory = opts.nunique_memory;
    // Slices read apart sum float columns in input order (sum_replay). One
    // thread reads every piece into one state, in input order (no chunks,
    // no pipelining, files as listed), so it needs no log. A state file
    // keeps every float value in order, for merges to replay (agg/state_file).
    plan.ordered_sums = for_state || (!sequential && threads > 1);
    // stdin cannot be read again: keep exact int states and Kahan sums
    // from the start.
    auto listed = [](const std::vector<std::string>& v, const std::string& n) {
      return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (auto& cp : plan.columns) {
      if (!rereadable || listed(exact_ints, cp.name)) cp.exact_ints = true;
      if (!rereadable || listed(kahan_sums, cp.name)) cp.plain_sum = false;
      // Distinct texts as fingerprints while the input can be read again
      // with exact pairs, should a value repeat (not on the last pass).
      // A state file keeps exact pairs (a merge could not check
      // fingerprints) unless its distributed job checks them.
      cp.fingerprint_nunique = (!for_state || opts.state_fingerprints) && rereadable && pass < 4 && cp.need_nunique &&
                               cp.mode == agg::value_mode::text && !listed(exact_nunique, cp.name);
    }
    auto budget_owner = std::make_unique<agg::memory_budget>(limit);
    agg::memory_budget& budget = *budget_owner;
    // What the process holds already (code, libraries, the caller's data)
    // and each reading thread's buffers count too: the limit bounds the
    // peak resident size, not just the tables.
    budget.charge(resident_bytes() + threads * READ_BUFFERS);
    plan.budget = &budget;
    std::unique_ptr<agg::partial_aggregate> total;
    summarize_result attempt;
    piece_runner r(sequential ? one_thread : opts, plan, *paths);
    if (for_state) r.keep_values();
    try {
      if (auto s = r.run(attempt, total); !s) return s.err();
    } catch (const agg::spill_error& e) {
      return spill_failed(e);
    }
    auto past_limit = [&] {
      return error{error_kind::resource,
                   "the summary would pass the memory limit of " + std::to_string(limit >> 20) + " MiB",
                   "group by fewer or coarser columns, or raise --memory-limit"};
    };
    if (budget.exceeded()) return past_limit();
    total->flush();  // the last batch's rows, before distinct values are checked
    pass_facts facts{rereadable, attempt.stopped, r.sums_in_order(), r.read_apart(), r.chunked_file_shrank(),
                     pass, threads, for_state && opts.state_fingerprints, opts.force_text};
    pass_state state{as_text, as_numeric, exact_ints, kahan_sums, exact_nunique, sequential, unordered, shrank_reread};
    pass_verdict verdict;
    try {
      verdict = judge_pass(plan, *total, facts, state);
    } catch (const agg::spill_error& e) {
      return spill_failed(e);
    }
    if (verdict == pass_verdict::in_order) continue;
    if (verdict == pass_verdict::read_again) {
      out.retyped = as_text;
      out.retyped.insert(out.retyped.end(), as_numeric.begin(), as_numeric.end());
      continue;
    }
    if (verdict == pass_verdict::stdin_twice)
      return error{error_kind::usage,
                   "a column's values are not of the type first assumed, and stdin cannot be "
                   "read twice",
                   "save the input to a file and pass its path"};
    attempt.passes = pass;
    attempt.shrank_reread = shrank_reread;
    attempt.retyped = out.retyped;
    attempt.recounted = exact_nunique;
    attempt.resummed = sequential;
    attempt.unordered = unordered;
    summary_passes done;
    if (attempt.stopped || for_state) {  // --strict stopped: the table is not written, so not made
      done.result = std::move(attempt);
      if (!done.result.stopped) {
        done.replay = r.take_replay();
        done.total = std::move(total);
        done.plan = std::move(plan_owner);
        done.budget = std::move(budget_owner);
      }
      return done;
    }
    // The table is built beside the total state: a summary that would not
    // fit stops here, before it is made.
    budget.charge(agg::finalize_bytes(*total));
    if (budget.exceeded()) return past_limit();
    try {
      attempt.table = agg::finalize(*total, threads);
    } catch (const agg::spill_error& e) {
      return spill_failed(e);
    }
    done.result = std::move(attempt);
    return done;
  }
}

result<summarize_result> summarize(const summarize_options& opts) {
  auto done = run_passes(opts, false);
  if (!done) return done.err();
  return std::move(done->result);
}

}  // namespace zeekgraph::engine