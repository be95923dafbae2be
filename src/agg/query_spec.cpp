#include "agg/query_spec.h"

#include <algorithm>

namespace zeekgraph::agg {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(trim(s.substr(start, p == s.npos ? s.npos : p - start)));
    if (p == s.npos) break;
    start = p + 1;
  }
  return out;
}

bool parse_fn(std::string_view s, agg_fn& out) {
  static const std::pair<std::string_view, agg_fn> fns[] = {
      {"min", agg_fn::min},   {"max", agg_fn::max},         {"size", agg_fn::size},
      {"count", agg_fn::count}, {"nunique", agg_fn::nunique}, {"sum", agg_fn::sum},
      {"mean", agg_fn::mean}};
  for (auto& [name, fn] : fns)
    if (s == name) {
      out = fn;
      return true;
    }
  return false;
}

error usage(std::string msg, std::string hint = "") {
  return error{error_kind::usage, std::move(msg), std::move(hint)};
}

}  // namespace

const char* to_string(agg_fn f) {
  switch (f) {
    case agg_fn::min: return "min";
    case agg_fn::max: return "max";
    case agg_fn::size: return "size";
    case agg_fn::count: return "count";
    case agg_fn::nunique: return "nunique";
    case agg_fn::sum: return "sum";
    case agg_fn::mean: return "mean";
  }
  return "?";
}

query_spec query_spec::seed() {
  query_spec q;
  q.keys = {"id.orig_h", "id.resp_h", "conn_state"};
  using F = agg_fn;
  q.aggs = {{"time", {F::min, F::max, F::size}},
            {"id.resp_p", {F::nunique}},
            {"uid", {F::nunique}},
            {"duration", {F::min, F::max, F::mean}},
            {"orig_bytes", {F::min, F::max, F::sum, F::mean}},
            {"resp_bytes", {F::min, F::max, F::sum, F::mean}},
            {"sum_bytes", {F::min, F::max, F::sum, F::mean}}};
  q.derived = {{"sum_bytes", "orig_bytes", "resp_bytes"}};
  q.seed_extras = true;
  return q;
}

std::vector<std::string> query_spec::output_names() const {
  std::vector<std::string> names(keys.begin(), keys.end());
  for (const auto& a : aggs)
    for (agg_fn f : a.fns) {
      std::string n = a.column + " " + to_string(f);
      if (seed_extras && n == "time size") n = "count";
      names.push_back(n);
    }
  if (seed_extras) names.push_back("conn_state_uid");
  return names;
}

std::vector<std::string> query_spec::input_columns() const {
  std::vector<std::string> cols;
  auto add = [&](const std::string& c) {
    for (const auto& d : derived)
      if (d.name == c) return;
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
  };
  for (const auto& k : keys) add(k);
  for (const auto& a : aggs) add(a.column);
  for (const auto& d : derived) {
    add(d.left);
    add(d.right);
  }
  return cols;
}

result<query_spec> parse_query_spec(std::string_view by, std::string_view agg) {
  by = trim(by);
  agg = trim(agg);
  if (by.empty() && agg.empty()) return query_spec::seed();
  query_spec q;
  if (by.empty()) {
    q.keys = query_spec::seed().keys;
  } else {
    for (auto k : split(by, ',')) {
      if (k.empty()) return usage("--by has an empty column name", "write --by a,b,c");
      if (std::find(q.keys.begin(), q.keys.end(), k) != q.keys.end())
        return usage("--by names '" + std::string(k) + "' twice");
      q.keys.emplace_back(k);
    }
  }
  if (agg.empty()) {
    q.aggs = {{q.keys.front(), {agg_fn::size}}};
    return q;
  }
  for (auto part : split(agg, ';')) {
    if (part.empty()) continue;
    size_t colon = part.rfind(':');
    if (colon == part.npos)
      return usage("--agg entry '" + std::string(part) + "' has no ':'",
                   "write --agg 'column:fn,fn;column2:fn' with fn one of "
                   "min,max,size,count,nunique,sum,mean");
    std::string_view col = trim(part.substr(0, colon));
    std::string_view fns = trim(part.substr(colon + 1));
    if (size_t eq = col.find('='); eq != col.npos) {
      std::string_view name = trim(col.substr(0, eq)), expr = trim(col.substr(eq + 1));
      size_t plus = expr.find('+');
      if (name.empty() || plus == expr.npos || trim(expr.substr(0, plus)).empty() ||
          trim(expr.substr(plus + 1)).empty())
        return usage("derived column '" + std::string(col) + "' is not 'name=a+b'");
      q.derived.push_back({std::string(name), std::string(trim(expr.substr(0, plus))),
                           std::string(trim(expr.substr(plus + 1)))});
      col = name;
    }
    if (col.empty()) return usage("--agg entry '" + std::string(part) + "' has no column");
    agg_column ac{std::string(col), {}};
    for (auto f : split(fns, ',')) {
      agg_fn fn;
      if (!parse_fn(f, fn))
        return usage("unknown aggregate '" + std::string(f) + "' for column '" +
                         std::string(col) + "'",
                     "use min, max, size, count, nunique, sum or mean");
      ac.fns.push_back(fn);
    }
    q.aggs.push_back(std::move(ac));
  }
  if (q.aggs.empty()) return usage("--agg names no aggregate");
  // The seed's derived column is there whenever a query aggregates it, and
  // is checked as the user's are: another derived column that added it
  // would find no input column of that name.
  for (const auto& a : q.aggs)
    if (a.column == "sum_bytes" &&
        std::none_of(q.derived.begin(), q.derived.end(),
                     [](const derived_column& d) { return d.name == "sum_bytes"; }))
      q.derived.push_back({"sum_bytes", "orig_bytes", "resp_bytes"});
  // A derived column adds two input columns: not itself, nor another
  // derived column, nor a key.
  for (const auto& d : q.derived) {
    for (const auto& operand : {d.left, d.right})
      for (const auto& other : q.derived)
        if (operand == other.name)
          return usage("derived column '" + d.name + "' uses the derived column '" + operand + "'",
                       "a derived column adds two columns of the log");
    if (std::find(q.keys.begin(), q.keys.end(), d.name) != q.keys.end())
      return usage("'" + d.name + "' is both a key and a derived column");
  }
  for (size_t i = 0; i < q.derived.size(); ++i)
    for (size_t j = i + 1; j < q.derived.size(); ++j)
      if (q.derived[i].name == q.derived[j].name)
        return usage("derived column '" + q.derived[i].name + "' is defined twice");
  return q;
}

}  // namespace zeekgraph::agg
