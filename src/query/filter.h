// --where: a row filter over named columns, parsed once, checked against the
// input's schema, and evaluated per row without allocating.
//
// Grammar (EBNF; keywords AND OR NOT IN NULL in any case; blanks between
// tokens are spaces, tabs and newlines):
//
//   expr       = and_expr { "or" and_expr } ;               (* and binds tighter *)
//   and_expr   = unary { "and" unary } ;
//   unary      = "not" unary | "(" expr ")" | comparison ;   (* at most 256 deep *)
//   comparison = column ( ( "==" | "!=" ) ( value | "null" )
//                       | ( "<" | "<=" | ">" | ">=" ) value
//                       | [ "not" ] "in" ( list | network )
//                       | ( "~" | "!~" ) string ) ;
//   list       = "[" value { "," value } "]" ;               (* one kind of value *)
//   value      = string | number | time | address | network ;
//   column     = ( letter | "_" ) { letter | digit | "_" | "." }
//              | "`" { any byte but "`" } "`" ;
//   string     = '"' { byte | escape } '"' | "'" { byte | escape } "'" ;
//   escape     = "\\" ( "\\" | '"' | "'" | "n" | "t" | "r" | "0" | "x" hex hex ) ;
//                (* any other "\c" keeps its backslash, so "\d" reaches a regex as \d *)
//   number     = [ "-" | "+" ] digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ] ;
//   time       = YYYY "-" MM "-" DD "T" hh ":" mm [ ":" ss [ "." digits ] ]
//                ( "Z" | ( "+" | "-" ) hh [ [ ":" ] mm ] ) ;
//   address    = ipv4 | ipv6 ;      (* ipv4: strict dotted quad, 0-255, no leading zeros;
//                                      ipv6: as inet_pton reads it *)
//   network    = address "/" prefix ;   (* prefix <= 32 (v4) or 128 (v6); host bits may be set *)
//
// A bare literal (number, time, address) is one run of the bytes
// [A-Za-z0-9._:/+-]; what it is follows from its shape: "YYYY-" starts a
// time, a ':' makes an IPv6 address, two or more dots an IPv4 address,
// anything else must be a number.
//
// Semantics:
// - A comparison with an unset cell (Zeek's '-', a missing JSON key) is
//   false, whatever the operator ("!=", "not in" and "!~" included). Only
//   "== null" and "!= null" test for unset. "not" negates, so
//   `not (proto == "udp")` holds for an unset proto.
// - number and time literals compare numerically with the cell read as a
//   float64 (correctly rounded; an ISO 8601 cell is read as epoch seconds);
//   a cell that is not a number (or is NaN) makes the comparison false. A
//   time literal is epoch seconds, so `ts >= 1331899200` works too.
// - string literals compare with the cell's bytes ("<" is byte order).
// - address literals compare with the cell read as an address: "==" is
//   equality, "<" and ">" numeric order within one family; an IPv4 and an
//   IPv6 address are never equal ("::ffff:10.0.0.1" is not "10.0.0.1") and
//   never ordered ("!=" holds between them). "in" with a network is
//   containment; a v4 network never contains a v6 address. A network goes
//   only with "in"; a bare address after "in" is a /32 or /128.
// - "in [..]" holds when any item would hold with "=="; "not in" is its
//   negation, except on unset cells, where both are false.
// - "~" is an RE2 partial match (a match anywhere; anchor with ^ and $) of
//   the cell's text, whatever the column's type; "!~" is its negation.
// - and/or short-circuit left to right.
//
// Thread safety: a parsed filter is immutable; matches() may run on many
// threads at once. Copies share compiled regular expressions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/ip_address.h"
#include "query/value_type.h"
#include "util/result.h"
#include "zeek/row_sink.h"

namespace re2 {
class RE2;
}

namespace zeekgraph::query {

namespace detail {
struct leaf;  // one comparison, compiled (filter.cpp)
}

class filter {
 public:
  // Matches every row, reads no column.
  filter();
  ~filter();
  filter(const filter&);
  filter(filter&&) noexcept;
  filter& operator=(const filter&);
  filter& operator=(filter&&) noexcept;

  // Parses and compiles `expression`. Errors (all error_kind::usage, with
  // `source` = the expression and `at` = the byte offset of the offending
  // token): an empty expression; a missing column name, operator, value,
  // ')' or ']'; unterminated strings and backquoted names; a literal that is
  // not a number, time, address or network (a bare word such as `udp` gets
  // the hint to quote it); an IPv4 address that is not a strict dotted quad;
  // a prefix over 32 (v4) or 128 (v6); a network with "==", "<"...; an
  // empty list or one mixing kinds (numbers and times mix); null outside
  // "==" and "!="; "~" without a string; a regular expression RE2 rejects;
  // nesting of parentheses and "not" deeper than 256; text after the end.
  static result<filter> parse(std::string_view expression);

  // The distinct columns the filter reads, in order of first use, spelled
  // as first written ("ts" and "time" are one column).
  const std::vector<std::string>& columns() const { return columns_; }

  // Checks every comparison against the input's columns. A column's type is
  // its schema type or, when that is unknown, known_conn_type(name); an
  // unknown type accepts any literal. Errors (error_kind::usage, `source`
  // the expression, `at` the offending token, first in the expression):
  // - a column the schema lacks (names match exactly, ts == time): at the
  //   column; the hint lists the schema's names, comma separated;
  // - a literal of the wrong type for its column: at the literal. text
  //   takes strings; number takes numbers; time takes numbers and times;
  //   address takes addresses and networks. "== null", "!= null", "~" and
  //   "!~" suit every column.
  status check(const std::vector<column_type>& schema) const;

  // Whether the row passes. cells[i] is the value of columns()[i].
  bool matches(const zeek::cell* cells) const;

  // Texts one of which the raw line of every row the filter accepts holds
  // verbatim, unless the line holds a backslash (an escape, in TSV or JSON):
  // each `==` or `in` of text (4 bytes or more), of an IPv4 address, or of
  // an IPv4 network of /8 or longer (its whole octets: "192.168.231." for a
  // /24 or a /26) on one side of an `and`, or on every side of an `or`. Empty: none known. A
  // reader may skip lines lacking them all unparsed (reader_options::needles).
  const std::vector<std::string>& needles() const { return needles_; }
  // Where the filter is an `and`, more such sets, one per other side that
  // promises one: the line of every accepted row holds a text of each set
  // too (reader_options::also_needles). The rarest-looking set is needles().
  const std::vector<std::vector<std::string>>& also_needles() const { return also_needles_; }
  // The expression as given to parse().
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> columns_;
  std::vector<std::string> needles_;
  std::vector<std::vector<std::string>> also_needles_;
  std::vector<detail::leaf> leaves_;  // in source order; leaf 0 is the entry
  uint8_t number_slots_ = 0;          // per-row caches of parsed cells (<= 32 each)
  uint8_t address_slots_ = 0;

  friend class filter_compiler;
};

}  // namespace zeekgraph::query
