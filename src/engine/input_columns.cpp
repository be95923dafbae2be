#include "engine/input_columns.h"

#include <algorithm>
#include <cstring>

#include "zeek/log_format.h"

namespace zeekgraph::engine {
namespace {

constexpr size_t HEAD_BYTES = size_t{64} << 10;  // a long Zeek header fits many times over

// The first bytes of an input (decompressed, for gzip).
result<std::string> head_of(const std::string& path, const input_opener& open) {
  auto src = open ? open(path) : io::input_source::open(path);
  if (!src) return src.err();
  std::string head;
  if (auto m = (*src)->mapped()) {
    head.resize(std::min(m->size(), HEAD_BYTES));
    head.resize((*src)->read_at(0, head.data(), head.size()));
    return head;
  }
  head.resize(HEAD_BYTES);
  size_t got = 0, n;
  while (got < head.size() && (n = (*src)->read(head.data() + got, head.size() - got)) > 0) got += n;
  head.resize(got);
  return head;
}

}  // namespace

result<zeek::log_schema> probe_input(const std::string& path, const input_opener& open) {
  auto head = head_of(path, open);
  if (!head) return head.err();
  return zeek::probe_schema(*head);
}

status check_input_columns(const std::vector<std::string>& paths, std::vector<std::string> wanted,
                           const query::filter* where, const input_opener& open) {
  // The aggregate's columns become output names, so one column may not be
  // asked for by both names; the filter may use either.
  for (size_t i = 0; i < wanted.size(); ++i)
    for (size_t j = i + 1; j < wanted.size(); ++j)
      if (wanted[i] != wanted[j] && zeek::same_column(wanted[i], wanted[j]))
        return error{error_kind::usage, "the query names both '" + wanted[i] + "' and '" + wanted[j] + "', which are one column",
                     "use one name: Zeek's header logs say 'ts', the tutorial's headerless layout 'time'; both work"};
  if (where)
    for (const auto& c : where->columns())
      if (std::none_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return zeek::same_column(w, c); }))
        wanted.push_back(c);
  if (wanted.empty() || std::find(paths.begin(), paths.end(), "-") != paths.end()) return ok_status();
  std::vector<std::string> offered;
  std::vector<query::column_type> typed;  // offered, with types for the filter's check
  auto has = [&](const std::string& name) {
    return std::any_of(offered.begin(), offered.end(), [&](const std::string& o) { return zeek::same_column(o, name); });
  };
  auto offer = [&](const std::string& name, const std::string& zeek_type) {
    if (has(name)) return;
    offered.push_back(name);
    typed.push_back({name, query::zeek_type(zeek_type)});
  };
  auto missing = [&] {
    for (const auto& w : wanted)
      if (!has(w)) return &w;
    return static_cast<const std::string*>(nullptr);
  };
  bool json = false;
  for (const auto& p : paths) {
    auto schema = probe_input(p, open);
    if (!schema) return schema.err();
    json = json || schema->format == zeek::input_format::json;
    for (const auto& c : schema->columns) offer(c.name, c.zeek_type);
    if (!missing()) break;
  }
  if (json)
    for (const auto& f : zeek::seed_layout().fields) offer(f.name, "");
  if (offered.empty()) return ok_status();  // empty inputs: nothing to check against
  if (where)
    if (auto st = where->check(typed); !st) return st;
  const std::string* m = missing();
  if (!m) return ok_status();
  std::string names;
  for (const auto& o : offered) names += (names.empty() ? "" : ", ") + o;
  return error{error_kind::usage, "the input has no column '" + *m + "'",
               "its columns are: " + names + " ('ts' and 'time' name the same column)"};
}

}  // namespace zeekgraph::engine
