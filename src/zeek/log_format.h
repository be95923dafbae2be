// The shape of one Zeek log stream: separators, null markers and fields, as
// declared by its header (or implied, for headerless and JSON input).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zeekgraph::zeek {

enum class input_format {
  tsv_header,      // Zeek ASCII writer output with '#fields' (any version)
  tsv_headerless,  // the seed's 20 conn columns, tab separated, '-' = null
  json,            // Zeek JSON lines: one object per line, missing key = unset
  csv,             // a line of column names, then comma-separated rows (RFC 4180
                   // quotes, empty = unset, ts as ISO 8601 UTC): `zeekgraph rows --format csv`
};

const char* to_string(input_format f);

struct field {
  std::string name;
  std::string zeek_type;  // "" when the header has no '#types'
};

struct log_format {
  input_format format = input_format::tsv_header;
  char separator = '\t';
  std::string set_separator = ",";
  std::string empty_field = "(empty)";
  std::string unset_field = "-";
  std::string path;
  std::vector<field> fields;
  bool saw_fields = false;  // a '#fields' (or pre-2.0 '# ts ...') line was read
  bool saw_types = false;

  // Same fields and markers: a repeated header changes nothing.
  bool same_schema(const log_format& o) const;
};

// A CSV header: no tab, two or more comma-separated column names, each a
// letter or '_' then letters, digits, '_' and '.' (what `rows --format csv`
// writes). No data line of the other formats looks so.
bool is_csv_header(std::string_view line);

// The layout a CSV header names.
log_format csv_layout(std::string_view header);

// The seed's headerless conn layout (20 columns, Bro 2.x order).
const log_format& seed_layout();

// The Zeek type ('#types' name) of a conn log field, by name ("ts" and
// "time" are "time"; local_resp too, which the headerless layout lacks),
// or "" for any other name: the type of a column whose input declares none.
std::string_view conn_field_type(std::string_view column);

// pandas.read_csv's default NA strings plus the seed's '-'. Headerless input
// follows the seed's read_csv call exactly, so these all read as null there.
bool is_pandas_na_slow(std::string_view text);
inline bool is_pandas_na(std::string_view t) {
  // Almost every field fails one of these two tests.
  if (t.empty()) return true;
  if (t.size() > 8) return false;
  switch (t[0]) {
    case '-': return t.size() == 1 || is_pandas_na_slow(t);  // Zeek's unset '-' first
    case '1': return t.size() > 1 && t[1] == '.' && is_pandas_na_slow(t);  // "1.#IND", "1.#QNAN"
    case '#': case '<': case 'N': case 'n': return is_pandas_na_slow(t);
    default: return false;
  }
}

// Canonical column name: JSON variants that flatten "id.orig_h" to
// "id_orig_h" map back to the dotted Zeek name.
std::string canonical_field_name(std::string_view name);

}  // namespace zeekgraph::zeek
