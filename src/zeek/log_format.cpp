#include "zeek/log_format.h"

#include <array>

namespace zeekgraph::zeek {

const char* to_string(input_format f) {
  switch (f) {
    case input_format::tsv_header: return "zeek-tsv";
    case input_format::tsv_headerless: return "headerless-tsv";
    case input_format::json: return "zeek-json";
    case input_format::csv: return "csv";
  }
  return "?";
}

bool is_csv_header(std::string_view line) {
  if (line.find('\t') != std::string_view::npos || line.find(',') == std::string_view::npos) return false;
  bool start = true;
  for (char c : line) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (c == ',') {
      if (start) return false;  // an empty name
      start = true;
    } else if (start) {
      if (!letter) return false;
      start = false;
    } else if (!letter && !(c >= '0' && c <= '9') && c != '.') {
      return false;
    }
  }
  return !start;
}

log_format csv_layout(std::string_view header) {
  log_format f;
  f.format = input_format::csv;
  f.separator = ',';
  f.unset_field = "";
  f.empty_field = "";
  f.saw_fields = true;
  for (size_t at = 0; at <= header.size();) {
    size_t comma = header.find(',', at);
    if (comma == std::string_view::npos) comma = header.size();
    f.fields.push_back({std::string(header.substr(at, comma - at)), std::string(conn_field_type(header.substr(at, comma - at)))});
    at = comma + 1;
  }
  return f;
}

bool log_format::same_schema(const log_format& o) const {
  if (separator != o.separator || set_separator != o.set_separator ||
      empty_field != o.empty_field || unset_field != o.unset_field ||
      fields.size() != o.fields.size())
    return false;
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name != o.fields[i].name) return false;
  return true;
}

std::string_view conn_field_type(std::string_view c) {
  static constexpr std::pair<std::string_view, std::string_view> types[] = {
      {"ts", "time"},          {"time", "time"},          {"uid", "string"},         {"id.orig_h", "addr"},
      {"id.orig_p", "port"},   {"id.resp_h", "addr"},     {"id.resp_p", "port"},     {"proto", "enum"},
      {"service", "string"},   {"duration", "interval"},  {"orig_bytes", "count"},   {"resp_bytes", "count"},
      {"conn_state", "string"}, {"local_orig", "bool"},   {"local_resp", "bool"},    {"missed_bytes", "count"},
      {"history", "string"},   {"orig_pkts", "count"},    {"orig_ip_bytes", "count"}, {"resp_pkts", "count"},
      {"resp_ip_bytes", "count"}, {"tunnel_parents", "set[string]"}};
  for (const auto& [name, type] : types)
    if (name == c) return type;
  return {};
}

const log_format& seed_layout() {
  static const log_format f = [] {
    log_format l;
    l.format = input_format::tsv_headerless;
    l.path = "conn";
    l.saw_fields = true;
    static constexpr std::array<const char*, 20> names = {
        "time", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
        "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig",
        "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts",
        "resp_ip_bytes", "tunnel_parents"};
    for (const char* n : names) l.fields.push_back({n, ""});
    return l;
  }();
  return f;
}

bool is_pandas_na_slow(std::string_view t) {
  // pandas 1.5 STR_NA_VALUES, plus '-' from the seed's na_values.
  if (t.empty()) return true;
  static constexpr std::array<std::string_view, 18> na = {
      "-", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
      "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null"};
  for (auto s : na)
    if (s == t) return true;
  return false;
}

std::string canonical_field_name(std::string_view name) {
  if (name == "id_orig_h") return "id.orig_h";
  if (name == "id_orig_p") return "id.orig_p";
  if (name == "id_resp_h") return "id.resp_h";
  if (name == "id_resp_p") return "id.resp_p";
  return std::string(name);
}

}  // namespace zeekgraph::zeek
