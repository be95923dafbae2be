// The value types --where checks a comparison against: what a column holds,
// from the log's '#types' line or, without one, from the seed's conn layout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zeekgraph::query {

enum class value_type : uint8_t {
  unknown,  // no declared type (JSON, headerless odd columns): the literal decides
  text,     // string, enum, bool, subnet, set[..], vector[..]: compared by bytes
  number,   // count, int, port, double, interval: compared as float64
  time,     // epoch seconds; also compared with ISO 8601 literals
  addr,     // an IPv4 or IPv6 address
};

const char* to_string(value_type t);  // "unknown", "text", "number", "time", "address"

struct column_type {
  std::string name;
  value_type type = value_type::unknown;
};

// A Zeek '#types' name: "addr" -> addr, "count"/"int"/"port"/"double"/
// "interval" -> number, "time" -> time, "string"/"enum"/"bool"/"subnet"/
// "pattern"/"set[..]"/"vector[..]" -> text, "" or anything else -> unknown.
value_type zeek_type(std::string_view zeek_type_name);

// The type of one of the seed's 20 headerless conn columns, by name ("ts"
// and "time" both give time); unknown for any other name. The fallback for
// a column whose type the input does not declare.
value_type known_conn_type(std::string_view column_name);


}  // namespace zeekgraph::query
