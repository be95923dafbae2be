#include "zeek/header_line.h"

#include "zeek/unescape.h"

namespace zeekgraph::zeek {
namespace {

// Splits `s` on `sep` into fields.
std::vector<field> split_names(std::string_view s, char sep) {
  std::vector<field> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    std::string_view name = s.substr(start, p == std::string_view::npos ? s.npos : p - start);
    out.push_back({canonical_field_name(name), ""});
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

header_effect apply_header_line(std::string_view line, log_format& fmt) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (starts_with(line, "#separator")) {
    // The separator line is always space separated: "#separator \x09".
    std::string_view v = line.substr(10);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    std::string sep = unescape_header_value(v);
    log_format fresh;
    fresh.separator = sep.empty() ? '\t' : sep[0];
    fmt = fresh;
    return header_effect::new_header;
  }
  char sep = fmt.separator;
  auto value_after = [&](std::string_view key) -> std::string_view {
    std::string_view v = line.substr(key.size());
    if (!v.empty() && (v.front() == sep || v.front() == ' ')) v.remove_prefix(1);
    return v;
  };
  if (starts_with(line, "#set_separator")) {
    fmt.set_separator = unescape_header_value(value_after("#set_separator"));
  } else if (starts_with(line, "#empty_field")) {
    fmt.empty_field = unescape_header_value(value_after("#empty_field"));
  } else if (starts_with(line, "#unset_field")) {
    fmt.unset_field = unescape_header_value(value_after("#unset_field"));
  } else if (starts_with(line, "#path")) {
    fmt.path = std::string(value_after("#path"));
  } else if (starts_with(line, "#fields")) {
    fmt.fields = split_names(value_after("#fields"), sep);
    fmt.saw_fields = true;
    fmt.saw_types = false;
    fmt.format = input_format::tsv_header;
    return header_effect::fields;
  } else if (starts_with(line, "#types")) {
    auto types = split_names(value_after("#types"), sep);
    fmt.saw_types = true;
    if (types.size() != fmt.fields.size()) return header_effect::types_mismatch;
    for (size_t i = 0; i < types.size(); ++i) fmt.fields[i].zeek_type = types[i].name;
    return header_effect::types;
  } else if (starts_with(line, "#open")) {
    return header_effect::open;
  } else if (starts_with(line, "#close")) {
    return header_effect::close;
  } else if (starts_with(line, "# ") && line.find('\t') != std::string_view::npos) {
    // Pre-2.0 Bro: a single "# ts<TAB>uid<TAB>..." line, tab separated,
    // '-' unset, no other header.
    log_format old;
    old.fields = split_names(line.substr(2), '\t');
    old.saw_fields = true;
    old.format = input_format::tsv_header;
    fmt = old;
    return header_effect::fields;
  }
  return header_effect::none;
}

bool starts_header_line(std::string_view rest, bool first) {
  if (rest.empty()) return false;
  if (rest[0] == '#') return true;
  if (!first) return false;
  std::string_view line = rest.substr(0, rest.find('\n'));
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return is_csv_header(line);
}

}  // namespace zeekgraph::zeek
