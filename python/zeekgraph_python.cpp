// zeekgraph._core: the library's summarize, rows, hypergraph, ForceAtlas2
// and standalone page for the Python package around it (python/zeekgraph/).
//
// Results cross into Python as numpy arrays that own the engine's vectors
// (no copy, no text round trip); text becomes str, decoded as UTF-8 with
// surrogateescape so bytes that are not UTF-8 survive. Long calls release
// the GIL. Errors are engine_error exceptions, which the translator turns
// into the package's exception classes (zeekgraph/errors.py) carrying the
// engine's message, the faulty text with a caret, and the hint.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cmath>
#include <exception>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "agg/query_spec.h"
#include "engine/input_columns.h"
#include "engine/rows.h"
#include "engine/summarize.h"
#include "engine/summarize_state.h"
#include "table/table_writer.h"
#include "agg/finished_part.h"
#include "agg/state_file.h"
#include "graph/graph_export.h"
#include "graph/hypergraph.h"
#include "io/input_paths.h"
#include "layout/forceatlas2.h"
#include "query/filter.h"
#include "server/graph_payload.h"
#include "table/summary_table.h"
#include "util/parallel.h"
#include "zeek/file_report.h"

namespace py = pybind11;
namespace zg = zeekgraph;

namespace {

struct engine_error : std::exception {
  explicit engine_error(zg::error e) : err(std::move(e)) {}
  const char* what() const noexcept override { return err.message.c_str(); }
  zg::error err;
};

const char* exception_class(zg::error_kind k) {
  switch (k) {
    case zg::error_kind::usage: return "UsageError";
    case zg::error_kind::resource: return "ResourceError";
    case zg::error_kind::strict: return "StrictError";
    case zg::error_kind::io:
    case zg::error_kind::format:
    case zg::error_kind::corrupt: return "InputError";
  }
  return "ZeekgraphError";
}

const char* kind_name(zg::error_kind k) {
  switch (k) {
    case zg::error_kind::io: return "io";
    case zg::error_kind::format: return "format";
    case zg::error_kind::corrupt: return "corrupt";
    case zg::error_kind::usage: return "usage";
    case zg::error_kind::resource: return "resource";
    case zg::error_kind::strict: return "strict";
  }
  return "io";
}

// The error as the CLI prints it: the message, the text it is about with a
// caret under the fault, and the hint.
std::string error_text(const zg::error& e) {
  std::string s = e.message;
  if (!e.source.empty()) {
    s += "\n  " + e.source;
    if (e.at != std::string::npos) s += "\n  " + std::string(std::min(e.at, e.source.size()), ' ') + "^";
  }
  if (!e.hint.empty()) s += "\n  hint: " + e.hint;
  return s;
}

// A str from bytes that may not be UTF-8.
py::str text(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// A numpy array that owns `v` (moved, not copied).
template <typename T>
py::array_t<T> owning_array(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

// An object array of str; rows marked null hold NaN, as pandas' object
// columns do. numpy.empty fills it with None, which each cell replaces.
py::array object_array(const std::vector<std::string>& v, const std::vector<unsigned char>& null = {}) {
  py::array out = py::module_::import("numpy").attr("empty")(v.size(), py::arg("dtype") = "O");
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  py::float_ nan(std::nan(""));
  for (size_t i = 0; i < v.size(); ++i) {
    py::object o = !null.empty() && null[i] ? py::object(nan) : py::object(text(v[i]));
    Py_XDECREF(cells[i]);
    cells[i] = o.release().ptr();
  }
  return out;
}

py::list column_arrays(zg::table::summary_table&& t) {
  py::list cols;
  for (auto& c : t.columns) {
    py::object data;
    switch (c.type) {
      case zg::table::column_type::int64: data = owning_array(std::move(c.ints)); break;
      case zg::table::column_type::float64: data = owning_array(std::move(c.floats)); break;
      case zg::table::column_type::string: data = object_array(c.strings, c.string_null); break;
    }
    cols.append(py::make_tuple(text(c.name), data));
  }
  return cols;
}

py::dict report_dict(const zg::zeek::file_report& r) {
  py::dict d;
  d["path"] = text(r.path);
  d["format"] = r.format;
  d["gzip"] = r.gzip;
  d["bytes"] = r.bytes;
  d["lines_read"] = r.lines_read;
  d["header_lines"] = r.header_lines;
  d["rows_used"] = r.rows_used;
  d["rows_rejected"] = r.rows_rejected;
  d["rows_null_key"] = r.rows_null_key;
  d["rows_filtered"] = r.rows_filtered;
  d["schema_changes"] = r.schema_changes;
  d["problems_total"] = r.problems_total();
  py::list problems;
  for (const auto& p : r.problems) {
    py::dict q;
    q["kind"] = zg::zeek::to_string(p.kind);
    q["rejects_line"] = zg::zeek::rejects_line(p.kind);
    q["line"] = p.line;
    q["byte_offset"] = p.byte_offset;
    q["column"] = text(p.column);
    q["message"] = text(p.message);
    q["hint"] = text(p.hint);
    q["excerpt"] = text(p.excerpt);
    problems.append(q);
  }
  d["problems"] = problems;
  return d;
}

py::list report_list(const std::vector<zg::zeek::file_report>& files) {
  py::list out;
  for (const auto& r : files) out.append(report_dict(r));
  return out;
}

// --where's filter (null for an empty expression). Errors: UsageError, the
// fault under a caret.
std::shared_ptr<const zg::query::filter> parse_where(const std::string& where) {
  if (where.empty()) return nullptr;
  auto f = zg::query::filter::parse(where);
  if (!f) {
    zg::error e = f.err();
    e.message = "where: " + e.message;
    throw engine_error(std::move(e));
  }
  return std::make_shared<const zg::query::filter>(std::move(*f));
}

// An error of a run given `where`: a fault in the expression names it.
[[noreturn]] void throw_run_error(zg::error e, const std::string& where) {
  if (!where.empty() && e.source == where) e.message = "where: " + e.message;
  throw engine_error(std::move(e));
}

unsigned capped_threads(unsigned threads) {
  const unsigned cores = zg::available_cores();
  return threads > cores ? cores : threads;
}

struct progress_counter {
  std::atomic<uint64_t> bytes{0};
};

struct summarize_request {
  std::vector<std::string> inputs;
  std::string by, agg, where, log_path = "conn";
  unsigned threads = 0;
  bool strict = false;
  uint64_t max_line_bytes = 0, memory_limit = 0;
};

zg::engine::summarize_options options_of(const summarize_request& q) {
  auto spec = zg::agg::parse_query_spec(q.by, q.agg);
  if (!spec) throw engine_error(spec.err());
  zg::engine::summarize_options o;
  o.inputs = q.inputs;
  o.spec = std::move(*spec);
  o.where = parse_where(q.where);
  o.threads = capped_threads(q.threads);
  o.reader.strict = q.strict;
  if (q.max_line_bytes) o.reader.max_line_bytes = static_cast<size_t>(q.max_line_bytes);
  o.expand.log_path = q.log_path == "*" ? "" : q.log_path;
  o.memory_limit = q.memory_limit;
  return o;
}

py::dict summarize(const summarize_request& q, progress_counter* progress) {
  zg::engine::summarize_options o = options_of(q);
  if (progress) o.progress = &progress->bytes;
  zg::result<zg::engine::summarize_result> res = zg::error{};
  {
    py::gil_scoped_release unlocked;
    res = zg::engine::summarize(o);
  }
  if (!res) throw_run_error(res.err(), q.where);
  py::dict out;
  out["files"] = report_list(res->files);
  out["retyped"] = res->retyped;
  out["recounted"] = res->recounted;
  out["resummed"] = res->resummed;
  out["unordered"] = res->unordered;
  out["shrank_reread"] = res->shrank_reread;
  out["passes"] = res->passes;
  out["stopped"] = res->stopped;
  out["columns"] = column_arrays(std::move(res->table));
  return out;
}

py::tuple list_inputs(const summarize_request& q) {
  zg::engine::summarize_options o;
  o.inputs = q.inputs;
  o.expand.log_path = q.log_path == "*" ? "" : q.log_path;
  uint64_t total = 0;
  auto paths = zg::engine::list_inputs(o, total);
  if (!paths) throw engine_error(paths.err());
  py::list out;
  for (const auto& p : *paths) out.append(text(p));
  return py::make_tuple(out, total);
}

// The rows as Zeek NDJSON (typed values, unset keys left out, escapes
// undone), the file reports, and the names of the columns written (those
// asked for, or every column of the first input; `time` is written `ts`).
py::tuple rows(const std::vector<std::string>& inputs, const std::string& where, const std::vector<std::string>& columns,
               uint64_t offset, uint64_t limit, const std::string& log_path) {
  zg::engine::rows_options o;
  o.inputs = inputs;
  o.expand.log_path = log_path == "*" ? "" : log_path;
  o.where = parse_where(where);
  o.columns = columns;
  o.offset = offset;
  o.limit = limit;
  o.format = zg::table::row_format::ndjson;
  std::ostringstream out;
  zg::result<zg::engine::rows_result> res = zg::error{};
  {
    py::gil_scoped_release unlocked;
    res = zg::engine::write_rows(o, out);
  }
  if (!res) throw_run_error(res.err(), where);
  std::vector<std::string> written = columns;
  if (written.empty()) {
    auto paths = zg::io::expand_inputs(inputs, o.expand);
    if (!paths) throw engine_error(paths.err());
    auto schema = zg::engine::probe_input(paths->front(), {});
    if (!schema) throw engine_error(schema.err());
    for (const auto& c : schema->columns) written.push_back(c.name);
  }
  py::list names;
  for (const auto& n : written) names.append(text(n == "time" ? std::string("ts") : n));
  return py::make_tuple(py::bytes(out.str()), report_list(res->files), names);
}

// A hypergraph with the table it was made of and, once laid out, positions.
struct graph_handle {
  zg::table::summary_table table;
  zg::graph::hypergraph g;
  zg::graph::positions pos;
  zg::layout::fa2_result layout_info;
};

// A table from Python: (name, kind, data) with kind int64 (an int64 array),
// float64 (a float64 array, NaN null) or string (a list of bytes or None).
zg::table::summary_table table_of(const py::list& cols) {
  zg::table::summary_table t;
  for (const auto& item : cols) {
    auto tup = item.cast<py::tuple>();
    zg::table::column c;
    c.name = tup[0].cast<std::string>();
    const auto kind = tup[1].cast<std::string>();
    if (kind == "int64") {
      c.type = zg::table::column_type::int64;
      auto a = tup[2].cast<py::array_t<int64_t, py::array::c_style | py::array::forcecast>>();
      c.ints.assign(a.data(), a.data() + a.size());
    } else if (kind == "float64") {
      c.type = zg::table::column_type::float64;
      auto a = tup[2].cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
      c.floats.assign(a.data(), a.data() + a.size());
    } else if (kind == "string") {
      c.type = zg::table::column_type::string;
      auto values = tup[2].cast<py::list>();
      c.strings.reserve(values.size());
      bool any_null = false;
      std::vector<unsigned char> null(values.size(), 0);
      size_t i = 0;
      for (const auto& v : values) {
        if (v.is_none()) {
          c.strings.emplace_back();
          null[i] = any_null = 1;
        } else {
          c.strings.push_back(v.cast<std::string>());
        }
        ++i;
      }
      if (any_null) c.string_null = std::move(null);
    } else {
      throw std::invalid_argument("column kind '" + kind + "' is not int64, float64 or string");
    }
    if (!t.columns.empty() && c.size() != t.columns.front().size())
      throw std::invalid_argument("column '" + c.name + "' has another length");
    t.columns.push_back(std::move(c));
  }
  return t;
}

std::vector<std::pair<std::string, std::vector<std::string>>> column_groups(const py::list& v) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& item : v) {
    auto tup = item.cast<py::tuple>();
    out.push_back({tup[0].cast<std::string>(), tup[1].cast<std::vector<std::string>>()});
  }
  return out;
}

std::unique_ptr<graph_handle> make_graph(const py::list& cols, const py::dict& o) {
  auto h = std::make_unique<graph_handle>();
  h->table = table_of(cols);
  zg::graph::hypergraph_options opts;
  opts.entity_types = o["entity_types"].cast<std::vector<std::string>>();
  opts.direct = o["direct"].cast<bool>();
  opts.categories = column_groups(o["categories"].cast<py::list>());
  opts.edges = column_groups(o["edges"].cast<py::list>());
  opts.skip = o["skip"].cast<std::vector<std::string>>();
  opts.drop_na = o["drop_na"].cast<bool>();
  opts.delim = o["delim"].cast<std::string>();
  zg::result<zg::graph::hypergraph> g = zg::error{};
  {
    py::gil_scoped_release unlocked;
    g = zg::graph::build_hypergraph(h->table, opts);
  }
  if (!g) throw engine_error(g.err());
  h->g = std::move(*g);
  return h;
}

template <typename T, typename U>
py::array_t<T> copied_array(const std::vector<U>& v) {
  std::vector<T> out(v.begin(), v.end());
  return owning_array(std::move(out));
}

py::dict run_layout(graph_handle& h, const zg::layout::fa2_settings& s) {
  {
    py::gil_scoped_release unlocked;
    h.layout_info = zg::layout::forceatlas2(static_cast<uint32_t>(h.g.node_id.size()), h.g.src, h.g.dst, {}, s);
  }
  h.pos.x = h.layout_info.x;
  h.pos.y = h.layout_info.y;
  py::dict out;
  out["iterations"] = h.layout_info.iterations;
  out["converged"] = h.layout_info.converged;
  return out;
}

// ---- State files, for zeekgraph.distributed (agg/state_file) -------------------

// A state file's bytes, handed to Python as a read-only buffer rather than
// copied into bytes: a map task's states are ~70 MB, and the copy faulted
// in as much again (10% of a map task's page faults).
struct state_blob {
  zg::pooled_string bytes;
};

// A map task: one input, or the lines that start in [begin, end) of one
// uncompressed input, into `partitions` state files (the groups split by
// key hash), with the input's reports and the typing its data decided.
// `force`: (text, exact_ints, kahan_sums) column lists the other pieces
// decided, or None. `order`: the input's place in the job's list, which
// merges follow (agg::state_piece).
py::dict state_map(const summarize_request& q, py::object range, uint32_t partitions, py::object force,
                   uint64_t order, bool fingerprints) {
  zg::engine::summarize_options o = options_of(q);
  o.state_fingerprints = fingerprints;
  // A piece's pairs stay in memory (a bounded piece: ~60 MB at 256 MiB),
  // rather than spill at 2 MiB and be read back to encode: 9% of a map.
  o.nunique_memory = zg::agg::STATE_NUNIQUE_MEMORY;
  if (!range.is_none()) {
    auto r = range.cast<std::pair<uint64_t, uint64_t>>();
    o.range = r;
  }
  if (!force.is_none()) {
    auto f = force.cast<std::tuple<std::vector<std::string>, std::vector<std::string>, std::vector<std::string>>>();
    o.force_text = std::get<0>(f);
    o.force_exact_ints = std::get<1>(f);
    o.force_kahan_sums = std::get<2>(f);
  }
  std::vector<zg::agg::column_typing> typing;
  zg::engine::summarize_result res;
  std::vector<zg::pooled_string> blobs;
  zg::error failed;
  bool ok = true;
  {
    py::gil_scoped_release unlocked;
    auto st = zg::engine::summarize_state(o, res);
    if (st) {
      for (auto& p : st->pieces) p.order = order;
      typing = st->typing;
      blobs = zg::agg::encode_state(*st, std::max<uint32_t>(partitions, 1));
    } else
      ok = false, failed = st.err();
  }
  if (!ok) throw_run_error(failed, q.where);
  py::dict out;
  out["files"] = report_list(res.files);
  out["retyped"] = res.retyped;
  out["stopped"] = res.stopped;
  py::list types;
  for (const auto& t : typing)
    types.append(py::make_tuple(text(t.name), t.mode == zg::agg::value_mode::text, t.exact_ints, t.plain_sum));
  out["typing"] = types;
  py::list states;
  for (auto& b : blobs) states.append(py::cast(state_blob{std::move(b)}));
  out["states"] = states;
  return out;
}

// A list of state files as bytes-like objects (bytes, or the buffers Dask
// hands a task without copying them); `held` keeps their buffers until the
// views are no longer read.
std::vector<std::string_view> state_bytes(const py::list& states, std::vector<py::buffer_info>& held) {
  std::vector<std::string_view> out;
  held.reserve(states.size());
  for (py::handle h : states) {
    if (!PyObject_CheckBuffer(h.ptr())) throw py::type_error("states must be a list of bytes (state files)");
    py::buffer_info& b = held.emplace_back(py::reinterpret_borrow<py::buffer>(h).request());
    if (b.ndim > 1 || (b.ndim == 1 && b.strides[0] != b.itemsize))
      throw py::type_error("states must be contiguous bytes (state files)");
    out.emplace_back(static_cast<const char*>(b.ptr), static_cast<size_t>(b.size * b.itemsize));
  }
  return out;
}

// `borrow`: the states may read the blobs in place (decode_state), so they
// must not outlive them.
std::vector<zg::agg::saved_state> decoded(const std::vector<std::string_view>& blobs, bool borrow = false) {
  std::vector<zg::agg::saved_state> states;
  for (size_t i = 0; i < blobs.size(); ++i) {
    auto st = zg::agg::decode_state(blobs[i], "state " + std::to_string(i), borrow);
    if (!st) throw engine_error(st.err());
    states.push_back(std::move(*st));
  }
  return states;
}

// The text format a job asked for: none (""), "csv" or "ndjson".
std::optional<zg::table::table_format> text_format(const std::string& format) {
  if (format.empty()) return std::nullopt;
  if (format == "csv") return zg::table::table_format::csv;
  if (format == "ndjson") return zg::table::table_format::ndjson;
  throw py::value_error("format must be '', 'csv' or 'ndjson'");
}

// A reduce task: one partition of every map state, merged in input order,
// closed (float sums replayed, distinct values counted) and finished: its
// rows sorted and, for `format` "csv" or "ndjson", written (agg/finished_part);
// `keys_only`: of the table, only the key columns the join orders by.
py::bytes state_reduce(const py::list& states, const std::string& format, bool keys_only) {
  const auto fmt = text_format(format);
  std::vector<py::buffer_info> held;
  const std::vector<std::string_view> blobs = state_bytes(states, held);
  zg::pooled_string out;
  zg::error failed;
  bool ok = true;
  {
    py::gil_scoped_release unlocked;
    try {
      auto merged = zg::agg::merge_states(decoded(blobs, true), true);
      if (!merged) throw engine_error(merged.err());
      auto part = zg::agg::finish_partition(*merged, fmt, keys_only);
      if (!part) throw engine_error(part.err());
      out = zg::agg::encode_part(*part);
    } catch (const engine_error& e) {
      ok = false, failed = e.err;
    }
  }
  if (!ok) throw engine_error(failed);
  return py::bytes(out.data(), out.size());
}

// The summary of a job's finished partitions (one per reduce task): its
// columns (unless `columns` is false: text alone, as `python -m zeekgraph
// summarize` writes it), its text when the reduces wrote it, and its row
// count. Partitions whose nunique counts do not stand give {"recount":
// [columns]} instead: the job must run again with exact pairs.
py::dict state_finish(const py::list& parts, bool columns) {
  std::vector<py::buffer_info> held;
  const std::vector<std::string_view> blobs = state_bytes(parts, held);
  zg::agg::joined_parts joined;
  std::vector<std::string> recount;
  zg::error failed;
  bool ok = true;
  {
    py::gil_scoped_release unlocked;
    try {
      std::vector<zg::agg::finished_part> all;
      for (size_t i = 0; i < blobs.size(); ++i) {
        auto p = zg::agg::decode_part(blobs[i], "partition " + std::to_string(i));
        if (!p) throw engine_error(p.err());
        all.push_back(std::move(*p));
      }
      recount = zg::agg::recount_columns(all);
      if (recount.empty()) {
        auto j = zg::agg::join_parts(std::move(all), columns);
        if (!j) throw engine_error(j.err());
        joined = std::move(*j);
      }
    } catch (const engine_error& e) {
      ok = false, failed = e.err;
    }
  }
  if (!ok) throw engine_error(failed);
  py::dict out;
  py::list names;
  for (const auto& n : recount) names.append(text(n));
  out["recount"] = names;
  if (!recount.empty()) return out;
  out["text"] = py::bytes(joined.text);
  out["rows"] = joined.rows;
  out["columns"] = columns ? py::object(column_arrays(std::move(joined.table))) : py::object(py::none());
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "zeekgraph's engine (summaries, rows, hypergraph, layout, pages); use the zeekgraph package";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const engine_error& x) {
      py::object errors = py::module_::import("zeekgraph.errors");
      py::object exc = errors.attr(exception_class(x.err.kind))(error_text(x.err));
      exc.attr("kind") = kind_name(x.err.kind);
      exc.attr("message") = text(x.err.message);
      exc.attr("hint") = text(x.err.hint);
      exc.attr("source") = text(x.err.source);
      exc.attr("at") = x.err.at == std::string::npos ? py::object(py::none()) : py::object(py::int_(x.err.at));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });

  py::class_<progress_counter>(m, "Progress", "bytes of input read so far, updated by a running summarize()")
      .def(py::init<>())
      .def_property_readonly("bytes", [](const progress_counter& p) { return p.bytes.load(std::memory_order_relaxed); });

  py::class_<summarize_request>(m, "SummarizeRequest")
      .def(py::init<>())
      .def_readwrite("inputs", &summarize_request::inputs)
      .def_readwrite("by", &summarize_request::by)
      .def_readwrite("agg", &summarize_request::agg)
      .def_readwrite("where", &summarize_request::where)
      .def_readwrite("log_path", &summarize_request::log_path)
      .def_readwrite("threads", &summarize_request::threads)
      .def_readwrite("strict", &summarize_request::strict)
      .def_readwrite("max_line_bytes", &summarize_request::max_line_bytes)
      .def_readwrite("memory_limit", &summarize_request::memory_limit);

  m.def("summarize", &summarize, py::arg("request"), py::arg("progress") = nullptr,
        "Runs engine::summarize; returns {'columns': [(name, array)], 'files': [report], ...}");
  m.def("list_inputs", &list_inputs, py::arg("request"), "(paths, total bytes on disk) the inputs expand to");
  m.def("rows", &rows, py::arg("inputs"), py::arg("where"), py::arg("columns"), py::arg("offset"), py::arg("limit"),
        py::arg("log_path"), "(NDJSON bytes, file reports, column names)");
  m.def("available_cores", &zg::available_cores);
  m.def("state_map", &state_map, py::arg("request"), py::arg("range"), py::arg("partitions"), py::arg("force") = py::none(),
        py::arg("order") = 0, py::arg("fingerprints") = false,
        "one input (or a byte range of it) into `partitions` state files: a dict of files, retyped, stopped, "
        "typing [(column, text, exact_ints, plain_sum)], states (StateBlob buffers); force: (text, exact_ints, kahan_sums) columns; "
        "fingerprints: nunique of text may keep fingerprints sharded by value (state_finish then may ask for a recount)");
  m.def("_collide_fingerprints", &zg::agg::testing::collide_fingerprints, py::arg("a"), py::arg("b"),
        "test hook: text b gets the nunique fingerprint of text a (two empty strings: no more)");
  py::class_<state_blob>(m, "StateBlob", py::buffer_protocol(),
                         "a state file's bytes, read through the buffer protocol (memoryview, bytes)")
      .def_buffer([](state_blob& b) {
        return py::buffer_info(b.bytes.data(), 1, py::format_descriptor<uint8_t>::format(), 1,
                               {static_cast<py::ssize_t>(b.bytes.size())}, {py::ssize_t{1}}, true);
      })
      .def("__len__", [](const state_blob& b) { return b.bytes.size(); });
  m.def("state_reduce", &state_reduce, py::arg("states"), py::arg("format") = "", py::arg("keys_only") = false,
        "one partition of every map state, merged in input order, closed and finished: its rows sorted and, "
        "for format csv or ndjson, written (a finished partition's bytes); keys_only: the table's key columns alone");
  m.def("set_block_pool_limit", &zg::set_block_pool_limit, py::arg("bytes"),
        "keep up to `bytes` of freed big buffers for the next task (util/block_pool.h); 0 keeps none");
  m.def("block_pool_limit", &zg::block_pool_limit, "the limit set_block_pool_limit set");
  m.def("block_pool_kept", &zg::block_pool_kept, "bytes of freed big buffers kept now");
  m.def("state_finish", &state_finish, py::arg("parts"), py::arg("columns") = true,
        "the summary of a job's finished partitions: a dict of text, rows and columns (None unless `columns`), "
        "or of the columns to recount");

  py::class_<graph_handle>(m, "Hypergraph")
      .def(py::init(&make_graph), py::arg("columns"), py::arg("options"))
      .def_property_readonly("events", [](const graph_handle& h) { return h.g.events; })
      .def_property_readonly("entities", [](const graph_handle& h) { return h.g.entities; })
      .def_property_readonly("links", [](const graph_handle& h) { return h.g.links(); })
      .def_property_readonly("node_id", [](const graph_handle& h) { return object_array(h.g.node_id); })
      .def_property_readonly("node_title", [](const graph_handle& h) { return object_array(h.g.node_title); })
      .def_property_readonly("node_type", [](const graph_handle& h) { return object_array(h.g.node_type); })
      .def_property_readonly("node_category", [](const graph_handle& h) { return object_array(h.g.node_category); })
      .def_property_readonly("degree", [](const graph_handle& h) { return copied_array<int64_t>(h.g.degree); })
      .def_property_readonly("sessions", [](const graph_handle& h) { return copied_array<int64_t>(h.g.sessions); })
      .def_property_readonly("src", [](const graph_handle& h) { return copied_array<int64_t>(h.g.src); })
      .def_property_readonly("dst", [](const graph_handle& h) { return copied_array<int64_t>(h.g.dst); })
      .def_property_readonly("row", [](const graph_handle& h) { return copied_array<int64_t>(h.g.row); })
      .def_property_readonly("edge_type", [](const graph_handle& h) { return object_array(h.g.edge_type); })
      .def_property_readonly("edge_category", [](const graph_handle& h) { return object_array(h.g.edge_category); })
      .def_property_readonly("x", [](const graph_handle& h) { return copied_array<double>(h.pos.x); })
      .def_property_readonly("y", [](const graph_handle& h) { return copied_array<double>(h.pos.y); })
      .def_property_readonly("laid_out", [](const graph_handle& h) { return !h.pos.x.empty(); })
      .def(
          "layout",
          [](graph_handle& h, double gravity, double scaling_ratio, double edge_influence, bool lin_log,
             bool strong_gravity, bool dissuade_hubs, double jitter_tolerance, double theta, int iterations,
             double convergence, bool pack_components, unsigned threads, uint64_t seed) {
            zg::layout::fa2_settings s;
            s.gravity = gravity;
            s.scaling_ratio = scaling_ratio;
            s.edge_influence = edge_influence;
            s.lin_log = lin_log;
            s.strong_gravity = strong_gravity;
            s.dissuade_hubs = dissuade_hubs;
            s.jitter_tolerance = jitter_tolerance;
            s.theta = theta;
            s.max_iterations = iterations;
            s.convergence = convergence;
            s.pack_components = pack_components;
            s.threads = capped_threads(threads);
            s.seed = seed;
            return run_layout(h, s);
          },
          py::arg("gravity"), py::arg("scaling_ratio"), py::arg("edge_influence"), py::arg("lin_log"),
          py::arg("strong_gravity"), py::arg("dissuade_hubs"), py::arg("jitter_tolerance"), py::arg("theta"),
          py::arg("iterations"), py::arg("convergence"), py::arg("pack_components"), py::arg("threads"),
          py::arg("seed"))
      .def(
          "page",
          [](const graph_handle& h, const std::string& color_by, size_t key_columns) {
            zg::server::payload_options o;
            o.color_by = color_by;
            o.key_columns = key_columns;
            std::string page;
            {
              py::gil_scoped_release unlocked;
              page = zg::server::standalone_page(zg::server::make_payload(h.g, h.table, h.pos, o));
            }
            return py::bytes(page);
          },
          py::arg("color_by") = "conn_state", py::arg("key_columns") = 0,
          "the self-contained HTML page (UTF-8 bytes) the CLI's --html writes; the table's first key_columns "
          "columns are its group keys");
}
