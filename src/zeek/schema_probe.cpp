#include "zeek/schema_probe.h"

#include <functional>

#include <simdjson.h>

#include "zeek/header_line.h"
#include "zeek/log_format.h"

namespace zeekgraph::zeek {
namespace {

std::vector<schema_column> from_format(const log_format& f) {
  std::vector<schema_column> out;
  for (const auto& fld : f.fields) out.push_back({fld.name, fld.zeek_type});
  return out;
}

// The keys of one JSON object line, nested objects flattened with '.'.
std::vector<schema_column> json_keys(std::string_view line) {
  std::vector<schema_column> out;
  simdjson::padded_string padded(line);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return out;
  simdjson::ondemand::object root;
  if (doc.get_object().get(root)) return out;
  std::function<bool(simdjson::ondemand::object, const std::string&)> walk =
      [&](simdjson::ondemand::object obj, const std::string& prefix) {
        for (auto field : obj) {
          std::string_view key;
          if (field.unescaped_key().get(key)) return false;
          std::string name = prefix.empty() ? canonical_field_name(key) : prefix + "." + std::string(key);
          simdjson::ondemand::value v;
          if (field.value().get(v)) return false;
          simdjson::ondemand::json_type t;
          if (v.type().get(t)) return false;
          if (t == simdjson::ondemand::json_type::object) {
            simdjson::ondemand::object inner;
            if (v.get_object().get(inner) || !walk(inner, name)) return false;
            continue;
          }
          out.push_back({std::move(name), ""});
        }
        return true;
      };
  walk(root, "");
  return out;
}

}  // namespace

bool same_column(std::string_view a, std::string_view b) {
  auto time = [](std::string_view n) { return n == "ts" || n == "time"; };
  return a == b || (time(a) && time(b));
}

log_schema probe_schema(std::string_view head) {
  log_format fmt;
  size_t pos = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a byte order mark
  while (pos < head.size()) {
    const size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a cut line says nothing sure
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      apply_header_line(line, fmt);
      continue;
    }
    if (fmt.saw_fields) return {input_format::tsv_header, from_format(fmt)};
    if (line[0] == '{') return {input_format::json, json_keys(line)};
    if (is_csv_header(line)) return {input_format::csv, from_format(csv_layout(line))};
    return {input_format::tsv_headerless, from_format(seed_layout())};
  }
  return {input_format::tsv_header, fmt.saw_fields ? from_format(fmt) : std::vector<schema_column>{}};
}

}  // namespace zeekgraph::zeek
