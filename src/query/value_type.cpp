#include "query/value_type.h"

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

value_type known_conn_type(std::string_view n) {
  static constexpr std::array<std::pair<std::string_view, value_type>, 22> table = {{
      {"ts", value_type::time},
      {"time", value_type::time},
      {"uid", value_type::text},
      {"id.orig_h", value_type::addr},
      {"id.orig_p", value_type::number},
      {"id.resp_h", value_type::addr},
      {"id.resp_p", value_type::number},
      {"proto", value_type::text},
      {"service", value_type::text},
      {"duration", value_type::number},
      {"orig_bytes", value_type::number},
      {"resp_bytes", value_type::number},
      {"conn_state", value_type::text},
      {"local_orig", value_type::text},
      {"local_resp", value_type::text},
      {"missed_bytes", value_type::number},
      {"history", value_type::text},
      {"orig_pkts", value_type::number},
      {"orig_ip_bytes", value_type::number},
      {"resp_pkts", value_type::number},
      {"resp_ip_bytes", value_type::number},
      {"tunnel_parents", value_type::text},
  }};
  for (const auto& [name, type] : table)
    if (name == n) return type;
  return value_type::unknown;
}


}  // namespace zeekgraph::query
