#include "query/value_type.h"

#include "zeek/log_format.h"

#include <array>
#include <utility>

namespace zeekgraph::query {

const char* to_string(value_type t) {
  switch (t) {
    case value_type::unknown:
      return "unknown";
    case value_type::text:
      return "text";
    case value_type::number:
      return "number";
    case value_type::time:
      return "time";
    case value_type::addr:
      return "address";
  }
  return "unknown";
}

value_type zeek_type(std::string_view n) {
  if (n.starts_with("set[") || n.starts_with("vector[")) return value_type::text;
  static constexpr std::array<std::pair<std::string_view, value_type>, 12> table = {{
      {"addr", value_type::addr},
      {"count", value_type::number},
      {"int", value_type::number},
      {"port", value_type::number},
      {"double", value_type::number},
      {"interval", value_type::number},
      {"time", value_type::time},
      {"string", value_type::text},
      {"enum", value_type::text},
      {"bool", value_type::text},
      {"subnet", value_type::text},
      {"pattern", value_type::text},
  }};
  for (const auto& [name, type] : table)
    if (name == n) return type;
  return value_type::unknown;
}

value_type known_conn_type(std::string_view n) { return zeek_type(zeek::conn_field_type(n)); }


}  // namespace zeekgraph::query
