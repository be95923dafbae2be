#include "query/filter.h"
#include "zeek/schema_probe.h"

#include <re2/re2.h>

#include <algorithm>
#include <iterator>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>

#include "agg/number.h"
#include "util/iso_time.h"
#include "util/small_copy.h"

namespace zeekgraph::query {

namespace detail {

// What a compiled comparison does with its cell.
enum class leaf_op : uint8_t {
  is_null,   // == null
  not_null,  // != null
  str_cmp,   // cell bytes <op> text
  str_in,    // cell bytes in texts
  num_cmp,   // cell as float64 <op> number
  num_in,    // cell as float64 in numbers
  addr_cmp,  // cell as an address <op> address
  addr_in,   // cell as an address in one of networks
  regex,     // RE2 partial match of the cell bytes
};

enum class cmp_op : uint8_t { eq, ne, lt, le, gt, ge };

// What the user wrote on the right, for check() and its messages.
enum class literal_kind : uint8_t { null, string, number, time, address, network, regex };

constexpr int32_t ACCEPT = -1;
constexpr int32_t REJECT = -2;

// The whole expression compiles to leaves in source order, each with the
// leaf to run next on true and on false (or ACCEPT/REJECT): and/or/not
// become jumps, so matches() is one loop with no stack, and short-circuits
// for free. Jumps only go forward.
struct leaf {
  leaf_op op = leaf_op::is_null;
  cmp_op cmp = cmp_op::eq;
  bool negate = false;  // "not in", "!~": negated, but still false on unset
  int8_t slot = -1;     // per-row cache slot of the parsed cell, -1 for none
  uint32_t column = 0;  // index into columns()
  int32_t on_true = ACCEPT;
  int32_t on_false = REJECT;
  double number = 0;
  ip_address address;
  std::string text;
  std::string spelling;            // addr_cmp ==: an IPv4 address's one spelling
  std::vector<std::string> texts;  // sorted, distinct
  std::vector<double> numbers;     // sorted, distinct
  std::vector<ip_network> networks;
  std::shared_ptr<const re2::RE2> re;
  // Cold: for check().
  literal_kind kind = literal_kind::null;
  bool is_list = false;
  std::string column_name;  // as written here
  size_t column_at = 0, value_at = 0, value_end = 0;
};

}  // namespace detail

using detail::cmp_op;
using detail::leaf;
using detail::leaf_op;
using detail::literal_kind;

namespace {

constexpr int MAX_DEPTH = 256;
constexpr int MAX_SLOTS = 32;
constexpr size_t MAX_NEEDLES = 16;
constexpr size_t MAX_NEEDLE_SETS = 4;  // sets a line is checked for, at most
constexpr size_t MIN_NEEDLE = 4;

bool is_word_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_word_char(char c) { return is_word_start(c) || (c >= '0' && c <= '9') || c == '.'; }
// The bytes of a bare literal: numbers, times, addresses, networks.
bool is_bare_char(char c) {
  return is_word_char(c) || c == ':' || c == '/' || c == '+' || c == '-';
}
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

bool is_keyword(std::string_view w) {
  return iequals(w, "and") || iequals(w, "or") || iequals(w, "not") || iequals(w, "in") ||
         iequals(w, "null");
}

// A cell as float64: a number, or ISO 8601 text (Zeek JSON's ISO ts). NaN
// counts as not a number, so every comparison with it is false.
inline bool cell_number(std::string_view t, double& out) {
  agg::number n;
  if (agg::parse_number_fast(t, n, agg::float_parser::exact)) {
    out = n.d;
    return !std::isnan(out);
  }
  return looks_like_iso8601(t) && parse_iso8601(t, out);
}

template <typename T>
inline bool ordered(cmp_op op, const T& a, const T& b) {
  switch (op) {
    case cmp_op::eq:
      return a == b;
    case cmp_op::ne:
      return a != b;
    case cmp_op::lt:
      return a < b;
    case cmp_op::le:
      return a <= b;
    case cmp_op::gt:
      return a > b;
    case cmp_op::ge:
      return a >= b;
  }
  return false;
}

inline bool ordered_int(cmp_op op, int c) { return ordered(op, c, 0); }

// A parsed right-hand side before it becomes a leaf.
struct literal {
  literal_kind kind = literal_kind::null;
  size_t at = 0, end = 0;
  std::string text;  // string: its bytes
  double number = 0;
  ip_network net;
  bool had_prefix = false;
};

}  // namespace

// The parser and compiler: recursive descent over the grammar in filter.h,
// building a small tree, then wiring its leaves' jumps.
class filter_compiler {
 public:
  filter_compiler(std::string_view src, filter& f) : s_(src), f_(f) {}

  status run() {
    const int root = parse_or();
    if (root >= 0) {
      skip_blanks();
      if (pos_ < s_.size()) {
        size_t end = pos_;
        while (end < s_.size() && !is_blank(s_[end])) ++end;
        fail(pos_,
             "unexpected '" + std::string(s_.substr(pos_, std::min<size_t>(end - pos_, 40))) +
                 "' after a complete expression",
             "join comparisons with 'and' or 'or'");
      }
    }
    if (failed_) return err_;
    wire(root, detail::ACCEPT, detail::REJECT);
    assign_slots();
    // The sets of needles: one per side of a top-level `and` (nested `and`s
    // flattened), each holding a text of every accepted row; the best first.
    std::vector<std::vector<std::string>> sets;
    needle_sets(root, sets);
    std::stable_sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) { return better_needles(a, b); });
    sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
    if (sets.size() > MAX_NEEDLE_SETS) sets.resize(MAX_NEEDLE_SETS);
    if (!sets.empty()) {
      f_.needles_ = std::move(sets[0]);
      f_.also_needles_.assign(std::make_move_iterator(sets.begin() + 1), std::make_move_iterator(sets.end()));
    }
    return ok_status();
  }

 private:
  enum class node_kind : uint8_t { leaf, not_, and_, or_ };
  struct node {
    node_kind kind = node_kind::leaf;
    int leaf = -1;              // leaf: its index
    std::vector<int> children;  // not: one; and/or: two or more
    int first_leaf = -1;        // the leaf that runs first
  };

  std::string_view s_;
  filter& f_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  error err_;
  std::vector<node> nodes_;

  int fail(size_t at, std::string message, std::string hint = {}) {
    if (!failed_) {
      failed_ = true;
      err_ = error{error_kind::usage, std::move(message), std::move(hint), std::string(s_),
                   std::min(at, s_.size())};
    }
    return -1;
  }

  void skip_blanks() {
    while (pos_ < s_.size() && is_blank(s_[pos_])) ++pos_;
  }

  // The keyword `kw` (lower case) at pos_, in any case, as a whole word:
  // consumed when present.
  bool keyword(std::string_view kw) {
    if (s_.size() - pos_ < kw.size() || !iequals(s_.substr(pos_, kw.size()), kw)) return false;
    const size_t end = pos_ + kw.size();
    if (end < s_.size() && is_word_char(s_[end])) return false;
    pos_ = end;
    return true;
  }

  bool eat(std::string_view tok) {
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }

  int add_node(node n) {
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size()) - 1;
  }

  int combine(node_kind kind, std::vector<int> kids) {
    if (kids.size() == 1) return kids[0];
    node n;
    n.kind = kind;
    n.first_leaf = nodes_[kids[0]].first_leaf;
    n.children = std::move(kids);
    return add_node(std::move(n));
  }

  int parse_or() {
    std::vector<int> kids;
    for (;;) {
      const int k = parse_and();
      if (k < 0) return -1;
      kids.push_back(k);
      skip_blanks();
      if (!keyword("or")) break;
    }
    return combine(node_kind::or_, std::move(kids));
  }

  int parse_and() {
    std::vector<int> kids;
    for (;;) {
      const int k = parse_unary();
      if (k < 0) return -1;
      kids.push_back(k);
      skip_blanks();
      if (!keyword("and")) break;
    }
    return combine(node_kind::and_, std::move(kids));
  }

  int parse_unary() {
    skip_blanks();
    const size_t at = pos_;
    if (pos_ == s_.size())
      return fail(at, at == 0 ? "empty filter expression" : "expected a comparison",
                  "compare a column with a value, like proto == \"tcp\"");
    const bool is_not = keyword("not");
    if (is_not || s_[pos_] == '(') {
      if (++depth_ > MAX_DEPTH)
        return fail(at, "the expression nests deeper than " + std::to_string(MAX_DEPTH) + " levels",
                    "fewer parentheses or 'not's");
      int r;
      if (is_not) {
        const int child = parse_unary();
        if (child < 0) return -1;
        node n;
        n.kind = node_kind::not_;
        n.children = {child};
        n.first_leaf = nodes_[child].first_leaf;
        r = add_node(std::move(n));
      } else {
        ++pos_;
        r = parse_or();
        if (r < 0) return -1;
        skip_blanks();
        if (!eat(")"))
          return fail(pos_, "expected ')' to close the '(' at offset " + std::to_string(at));
      }
      --depth_;
      return r;
    }
    return parse_comparison();
  }

  // A column name at pos_, into `name`.
  bool parse_column(std::string& name) {
    const size_t at = pos_;
    if (s_[pos_] == '`') {
      const size_t close = s_.find('`', pos_ + 1);
      if (close == std::string_view::npos) {
        fail(at, "unterminated backquoted column name", "close it with a backquote: `name`");
        return false;
      }
      if (close == pos_ + 1) {
        fail(at, "empty column name");
        return false;
      }
      name.assign(s_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return true;
    }
    if (!is_word_start(s_[pos_])) {
      fail(at, "expected a column name",
           "names are letters, digits, '_' and '.', starting with a letter or '_'; "
           "backquote others: `my col`");
      return false;
    }
    size_t end = pos_;
    while (end < s_.size() && is_word_char(s_[end])) ++end;
    std::string_view w = s_.substr(pos_, end - pos_);
    if (is_keyword(w)) {
      fail(at, "expected a column name, found the keyword '" + std::string(w) + "'",
           "backquote a column with that name: `" + std::string(w) + "`");
      return false;
    }
    name.assign(w);
    pos_ = end;
    return true;
  }

  // A quoted string at pos_ (on its quote), escapes resolved.
  bool parse_string(std::string& out) {
    const size_t at = pos_;
    const char quote = s_[pos_++];
    out.clear();
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= s_.size()) break;
      const char e = s_[pos_ + 1];
      switch (e) {
        case '\\':
          out += '\\';
          break;
        case '"':
          out += '"';
          break;
        case '\'':
          out += '\'';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case 'x': {
          auto hex = [](char h) -> int {
            if (h >= '0' && h <= '9') return h - '0';
            if (h >= 'a' && h <= 'f') return h - 'a' + 10;
            if (h >= 'A' && h <= 'F') return h - 'A' + 10;
            return -1;
          };
          const int a = pos_ + 2 < s_.size() ? hex(s_[pos_ + 2]) : -1;
          const int b = pos_ + 3 < s_.size() ? hex(s_[pos_ + 3]) : -1;
          if (a < 0 || b < 0) {
            fail(pos_, "\\x needs two hex digits", "write a byte as \\x2d");
            return false;
          }
          out += static_cast<char>(a * 16 + b);
          pos_ += 2;
          break;
        }
        default:  // kept whole, so regex escapes such as \d and \. pass through
          out += '\\';
          out += e;
      }
      pos_ += 2;
    }
    fail(at, "unterminated string", std::string("close it with ") + quote);
    return false;
  }

  // A value at pos_: string, number, time, address, network or null.
  bool parse_value(literal& v) {
    v = literal{};
    v.at = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
      if (!parse_string(v.text)) return false;
      v.kind = literal_kind::string;
      v.end = pos_;
      return true;
    }
    size_t end = pos_;
    while (end < s_.size() && is_bare_char(s_[end])) ++end;
    const std::string_view w = s_.substr(pos_, end - pos_);
    if (w.empty()) {
      fail(pos_, "expected a value",
           "a value is a quoted string, a number, an ISO 8601 time, an address, or null");
      return false;
    }
    const std::string word(w);
    if (iequals(w, "null")) {
      v.kind = literal_kind::null;
    } else if (looks_like_iso8601(w)) {
      std::string_view why;
      if (!parse_iso8601(w, v.number, &why)) {
        fail(pos_, "'" + word + "' is not an ISO 8601 time: " + std::string(why),
             "write times like 2012-03-16T12:00:00Z or 2012-03-16T13:00:00.5+01:00");
        return false;
      }
      v.kind = literal_kind::time;
    } else if (w.find(':') != std::string_view::npos ||
               (static_cast<unsigned>(w[0] - '0') <= 9 &&
                (w.find('/') != std::string_view::npos ||
                 std::count(w.begin(), w.end(), '.') >= 2))) {
      const bool v6 = w.find(':') != std::string_view::npos;
      switch (parse_network(w, v.net, v.had_prefix)) {
        case network_error::none:
          break;
        case network_error::bad_address:
          if (v6) {
            fail(pos_, "'" + word + "' is not an IPv6 address");
          } else {
            fail(pos_, "'" + word + "' is not an IPv4 address",
                 "write four parts 0-255 without leading zeros, like 10.0.0.1");
          }
          return false;
        case network_error::bad_prefix:
          fail(pos_, "'" + word + "' has a bad prefix", "write a network like 10.0.0.0/8");
          return false;
        case network_error::long_prefix:
          fail(pos_,
               "the prefix of '" + word + "' is longer than " + (v6 ? "128" : "32") + " bits");
          return false;
      }
      v.kind = v.had_prefix ? literal_kind::network : literal_kind::address;
    } else {
      const char* b = w.data();
      const char* e = b + w.size();
      if (*b == '+') ++b;
      const char* digits = b < e && *b == '-' ? b + 1 : b;
      const bool numeric_start =
          digits < e && (static_cast<unsigned>(*digits - '0') <= 9 || *digits == '.');
      std::from_chars_result r{b, std::errc::invalid_argument};
      if (numeric_start) r = std::from_chars(b, e, v.number, std::chars_format::general);
      if (r.ec != std::errc() || r.ptr != e) {
        if (r.ec == std::errc::result_out_of_range) {
          fail(pos_, "the number '" + word + "' is out of range");
        } else if (is_word_start(w[0])) {
          fail(pos_, "'" + word + "' is not a value",
               "quote text: \"" + word +
                   "\"; a value is a quoted string, a number, an ISO 8601 time, an address, or "
                   "null");
        } else {
          fail(pos_, "'" + word + "' is not a number, time or address");
        }
        return false;
      }
      v.kind = literal_kind::number;
    }
    pos_ = end;
    v.end = end;
    return true;
  }

  static bool numeric(literal_kind k) {
    return k == literal_kind::number || k == literal_kind::time;
  }
  static bool addressy(literal_kind k) {
    return k == literal_kind::address || k == literal_kind::network;
  }
  static const char* kind_name(literal_kind k) {
    switch (k) {
      case literal_kind::string:
        return "a string";
      case literal_kind::number:
        return "a number";
      case literal_kind::time:
        return "a time";
      case literal_kind::address:
        return "an address";
      case literal_kind::network:
        return "a network";
      default:
        return "null";
    }
  }

  // "[" value {"," value} "]" at pos_, into the leaf's sorted sets.
  bool parse_list(leaf& l) {
    const size_t open = pos_++;
    literal first, v;
    for (size_t n = 0;; ++n) {
      skip_blanks();
      if (n == 0 && pos_ < s_.size() && s_[pos_] == ']') {
        fail(open, "empty list", "a list holds at least one value: [\"S0\", \"REJ\"]");
        return false;
      }
      if (!parse_value(v)) return false;
      if (v.kind == literal_kind::null) {
        fail(v.at, "null cannot be in a list", "test it apart: x == null or x in [...]");
        return false;
      }
      if (n == 0) first = v;
      const bool same = numeric(v.kind)    ? numeric(first.kind)
                        : addressy(v.kind) ? addressy(first.kind)
                                           : v.kind == first.kind;
      if (!same) {
        fail(v.at, std::string("a list holds one kind of value: this is ") + kind_name(v.kind) +
                       ", the first item " + kind_name(first.kind));
        return false;
      }
      switch (v.kind) {
        case literal_kind::string:
          l.texts.push_back(std::move(v.text));
          break;
        case literal_kind::number:
        case literal_kind::time:
          l.numbers.push_back(v.number);
          break;
        default:
          l.networks.push_back(v.net);
          break;
      }
      if (v.kind == literal_kind::time) l.kind = literal_kind::time;
      skip_blanks();
      if (eat(",")) continue;
      if (eat("]")) break;
      fail(pos_, "expected ',' or ']' in the list opened at offset " + std::to_string(open));
      return false;
    }
    l.value_end = pos_;
    l.is_list = true;
    if (first.kind == literal_kind::string) {
      l.op = leaf_op::str_in;
      std::sort(l.texts.begin(), l.texts.end());
      l.texts.erase(std::unique(l.texts.begin(), l.texts.end()), l.texts.end());
      l.kind = literal_kind::string;
    } else if (numeric(first.kind)) {
      l.op = leaf_op::num_in;
      std::sort(l.numbers.begin(), l.numbers.end());
      l.numbers.erase(std::unique(l.numbers.begin(), l.numbers.end()), l.numbers.end());
      if (l.kind != literal_kind::time) l.kind = literal_kind::number;
    } else {
      l.op = leaf_op::addr_in;
      l.kind = literal_kind::network;
    }
    return true;
  }

  int parse_comparison() {
    leaf l;
    l.column_at = pos_;
    if (!parse_column(l.column_name)) return -1;
    skip_blanks();
    const size_t op_at = pos_;
    enum class op_t { cmp, in, regex } op = op_t::cmp;
    if (eat("=="))
      l.cmp = cmp_op::eq;
    else if (eat("!="))
      l.cmp = cmp_op::ne;
    else if (eat("<="))
      l.cmp = cmp_op::le;
    else if (eat(">="))
      l.cmp = cmp_op::ge;
    else if (eat("<"))
      l.cmp = cmp_op::lt;
    else if (eat(">"))
      l.cmp = cmp_op::gt;
    else if (eat("!~"))
      op = op_t::regex, l.negate = true;
    else if (eat("~"))
      op = op_t::regex;
    else if (keyword("in"))
      op = op_t::in;
    else if (keyword("not")) {
      skip_blanks();
      if (!keyword("in")) return fail(pos_, "expected 'in' after 'not'");
      op = op_t::in;
      l.negate = true;
    } else if (pos_ < s_.size() && s_[pos_] == '=') {
      return fail(op_at, "'=' is not an operator", "compare with ==");
    } else {
      return fail(op_at, "expected an operator after '" + l.column_name + "'",
                  "one of == != < <= > >= in, not in, ~ (regex), !~");
    }
    skip_blanks();
    l.value_at = pos_;
    if (op == op_t::regex) {
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return fail(pos_, "'~' takes a quoted regular expression", "like history ~ \"^ShA\"");
      }
      if (!parse_string(l.text)) return -1;
      re2::RE2::Options opts;
      opts.set_log_errors(false);  // the library never prints
      auto re =
          std::make_shared<const re2::RE2>(re2::StringPiece(l.text.data(), l.text.size()), opts);
      if (!re->ok()) return fail(l.value_at, "bad regular expression: " + re->error());
      l.re = std::move(re);
      l.op = leaf_op::regex;
      l.kind = literal_kind::regex;
      l.value_end = pos_;
    } else if (op == op_t::in) {
      if (pos_ < s_.size() && s_[pos_] == '[') {
        if (!parse_list(l)) return -1;
      } else {
        literal v;
        if (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\'' && !parse_value(v)) return -1;
        if (!addressy(v.kind) || pos_ == l.value_at) {
          return fail(l.value_at, "'in' takes a list or a network",
                      "like proto in [\"tcp\", \"udp\"] or id.orig_h in 10.0.0.0/8");
        }
        l.op = leaf_op::addr_in;
        l.networks.push_back(v.net);
        l.kind = literal_kind::network;
        l.value_end = v.end;
      }
    } else {
      literal v;
      if (!parse_value(v)) return -1;
      l.kind = v.kind;
      l.value_end = v.end;
      switch (v.kind) {
        case literal_kind::null:
          if (l.cmp != cmp_op::eq && l.cmp != cmp_op::ne)
            return fail(v.at, "null goes only with == and !=", "test unset with x == null");
          l.op = l.cmp == cmp_op::eq ? leaf_op::is_null : leaf_op::not_null;
          break;
        case literal_kind::string:
          l.op = leaf_op::str_cmp;
          l.text = std::move(v.text);
          break;
        case literal_kind::number:
        case literal_kind::time:
          l.op = leaf_op::num_cmp;
          l.number = v.number;
          break;
        case literal_kind::network:
          return fail(
              v.at, "a network goes with 'in'",
              "write " + l.column_name + " in " + std::string(s_.substr(v.at, v.end - v.at)));
        case literal_kind::address:
          l.op = leaf_op::addr_cmp;
          l.address = v.net.net;
          // parse_ipv4 takes one spelling of an address (no leading zeros,
          // nothing around it), so == compares the text, unparsed.
          if (l.cmp == cmp_op::eq && l.address.family == 4) l.spelling = ipv4_text(l.address);
          break;
        case literal_kind::regex:
          break;
      }
    }
    // Register the column: "ts" and "time" are one.
    auto& cols = f_.columns_;
    size_t c = 0;
    while (c < cols.size() && !zeek::same_column(cols[c], l.column_name)) ++c;
    if (c == cols.size()) cols.push_back(l.column_name);
    l.column = static_cast<uint32_t>(c);
    f_.leaves_.push_back(std::move(l));
    node n;
    n.leaf = static_cast<int>(f_.leaves_.size()) - 1;
    n.first_leaf = n.leaf;
    return add_node(std::move(n));
  }

  // Sets each leaf's jumps: subtree `i` goes to `t` when true, `f` when false.
  void wire(int i, int32_t t, int32_t f) {
    const node& n = nodes_[i];
    switch (n.kind) {
      case node_kind::leaf:
        f_.leaves_[n.leaf].on_true = t;
        f_.leaves_[n.leaf].on_false = f;
        break;
      case node_kind::not_:
        wire(n.children[0], f, t);
        break;
      case node_kind::and_:
        for (size_t k = 0; k + 1 < n.children.size(); ++k)
          wire(n.children[k], nodes_[n.children[k + 1]].first_leaf, f);
        wire(n.children.back(), t, f);
        break;
      case node_kind::or_:
        for (size_t k = 0; k + 1 < n.children.size(); ++k)
          wire(n.children[k], t, nodes_[n.children[k + 1]].first_leaf);
        wire(n.children.back(), t, f);
        break;
    }
  }

  // Fewer texts, then a longer shortest one: likely the rarer lines.
  static bool better_needles(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto shortest = [](const std::vector<std::string>& v) {
      size_t m = SIZE_MAX;
      for (const auto& t : v) m = std::min(m, t.size());
      return m;
    };
    return a.size() < b.size() || (a.size() == b.size() && shortest(a) > shortest(b));
  }

  // Appends a needle set per side of the `and` at `i` (its nested `and`s
  // flattened), or the node's own set.
  void needle_sets(int i, std::vector<std::vector<std::string>>& out) const {
    const node& n = nodes_[i];
    if (n.kind == node_kind::and_) {
      for (int k : n.children) needle_sets(k, out);
      return;
    }
    if (auto c = needles_of(i)) out.push_back(std::move(*c));
  }

  // Texts one of which every accepted row holds verbatim (filter::needles):
  // nullopt where a subtree promises none.
  std::optional<std::vector<std::string>> needles_of(int i) const {
    const node& n = nodes_[i];
    switch (n.kind) {
      case node_kind::leaf:
        return leaf_needles(f_.leaves_[n.leaf]);
      case node_kind::not_:
        return std::nullopt;
      case node_kind::and_: {
        // Any child's needles do; the fewest, then the longest shortest one.
        std::optional<std::vector<std::string>> best;
        for (int k : n.children)
          if (auto c = needles_of(k))
            if (!best || better_needles(*c, *best)) best = std::move(c);
        return best;
      }
      case node_kind::or_: {
        std::vector<std::string> all;
        for (int k : n.children) {
          auto c = needles_of(k);
          if (!c) return std::nullopt;
          all.insert(all.end(), c->begin(), c->end());
        }
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        if (all.size() > MAX_NEEDLES) return std::nullopt;
        return all;
      }
    }
    return std::nullopt;
  }

  // A cell equal to a text, or to an IPv4 address (a strict dotted quad has
  // one spelling), or in an IPv4 network (the spelling starts with its whole
  // octets), shows those bytes in its raw line unless the line holds a
  // backslash (an escape). Short texts would match nearly every line.
  static std::optional<std::vector<std::string>> leaf_needles(const leaf& l) {
    std::vector<std::string> v;
    if (l.negate) return std::nullopt;
    if (l.op == leaf_op::str_cmp && l.cmp == cmp_op::eq) {
      v.push_back(l.text);
    } else if (l.op == leaf_op::str_in) {
      v = l.texts;
    } else if (l.op == leaf_op::addr_cmp && l.cmp == cmp_op::eq && l.address.family == 4) {
      v.push_back(ipv4_text(l.address));
    } else if (l.op == leaf_op::addr_in) {
      // An IPv4 network's whole octets are the start of every address in
      // it: 192.168.231.0/24 and /26 both need "192.168.231.".
      for (const auto& net : l.networks) {
        if (net.net.family != 4 || net.prefix < 8) return std::nullopt;
        std::string t = ipv4_text(net.net);
        if (net.prefix < 32) {
          size_t dots = net.prefix / 8, at = 0;
          while (dots--) at = t.find('.', at) + 1;
          t.resize(at);
        }
        v.push_back(std::move(t));
      }
    } else {
      return std::nullopt;
    }
    if (v.empty() || v.size() > MAX_NEEDLES) return std::nullopt;
    for (const auto& t : v)
      if (t.size() < MIN_NEEDLE) return std::nullopt;
    return v;
  }

  static std::string ipv4_text(const ip_address& a) {
    const auto x = static_cast<uint32_t>(a.lo);
    return std::to_string(x >> 24) + '.' + std::to_string(x >> 16 & 255) + '.' +
           std::to_string(x >> 8 & 255) + '.' + std::to_string(x & 255);
  }

  // A column read as a number (or an address) by two or more leaves gets a
  // per-row cache slot, so `ts >= A and ts < B` parses ts once per row.
  void assign_slots() {
    auto cls = [](leaf_op op) {
      return op == leaf_op::num_cmp || op == leaf_op::num_in     ? 1
             : op == leaf_op::addr_cmp || op == leaf_op::addr_in ? 2
                                                                 : 0;
    };
    auto& leaves = f_.leaves_;
    std::vector<int8_t> slot_of(f_.columns_.size() * 3, -2);  // -2: unseen, -1: seen once
    for (size_t i = 0; i < leaves.size(); ++i) {
      const int k = cls(leaves[i].op);
      if (k == 0) continue;
      int8_t& s = slot_of[leaves[i].column * 3 + k];
      if (s == -2) {
        s = -1;
      } else if (s == -1) {
        uint8_t& used = k == 1 ? f_.number_slots_ : f_.address_slots_;
        if (used < MAX_SLOTS) s = static_cast<int8_t>(used++);
      }
    }
    for (auto& l : leaves) {
      const int k = cls(l.op);
      if (k != 0) l.slot = std::max<int8_t>(slot_of[l.column * 3 + k], -1);
    }
  }
};

filter::filter() = default;
filter::~filter() = default;
filter::filter(const filter&) = default;
filter::filter(filter&&) noexcept = default;
filter& filter::operator=(const filter&) = default;
filter& filter::operator=(filter&&) noexcept = default;

result<filter> filter::parse(std::string_view expression) {
  filter f;
  f.text_.assign(expression);
  filter_compiler c(f.text_, f);
  status s = c.run();
  if (!s) return s.err();
  return f;
}

namespace {

const char* type_article(value_type t) {
  switch (t) {
    case value_type::text:
      return "text";
    case value_type::number:
      return "a number";
    case value_type::time:
      return "a time";
    case value_type::addr:
      return "an address";
    default:
      return "of unknown type";
  }
}

const char* type_plural(value_type t) {
  switch (t) {
    case value_type::text:
      return "strings";
    case value_type::number:
      return "numbers";
    case value_type::time:
      return "times and epoch seconds";
    case value_type::addr:
      return "addresses and networks";
    default:
      return "anything";
  }
}

bool accepts(value_type t, literal_kind k) {
  if (k == literal_kind::null || k == literal_kind::regex || t == value_type::unknown) return true;
  switch (t) {
    case value_type::text:
      return k == literal_kind::string;
    case value_type::number:
      return k == literal_kind::number;
    case value_type::time:
      return k == literal_kind::number || k == literal_kind::time;
    case value_type::addr:
      return k == literal_kind::address || k == literal_kind::network;
    default:
      return true;
  }
}

std::string literal_description(const leaf& l, std::string_view written) {
  const char* what = "";
  switch (l.kind) {
    case literal_kind::string:
      what = l.is_list ? "a list of strings" : "the string ";
      break;
    case literal_kind::number:
      what = l.is_list ? "a list of numbers" : "the number ";
      break;
    case literal_kind::time:
      what = l.is_list ? "a list of times" : "the time ";
      break;
    case literal_kind::address:
      what = "the address ";
      break;
    case literal_kind::network:
      what = l.is_list ? "a list of addresses" : "the network ";
      break;
    default:
      break;
  }
  if (l.is_list) return what;
  std::string s = what;
  s.append(written.substr(0, 60));
  return s;
}

// How to write the comparison so it fits: the user's own value where it
// can be fixed by quoting or unquoting it.
std::string mismatch_hint(value_type t, const leaf& l, std::string_view source) {
  const std::string& c = l.column_name;
  // The column and operator as written, e.g. "proto > ".
  const std::string lhs(source.substr(l.column_at, l.value_at - l.column_at));
  const std::string_view written = source.substr(l.value_at, l.value_end - l.value_at);
  const bool single_string = l.kind == literal_kind::string && !l.is_list;
  switch (t) {
    case value_type::text:
      if (l.is_list) return "quote the values to compare text, like " + c + " in [\"S0\", \"REJ\"]";
      return "quote the value to compare text: " + lhs + "\"" + std::string(written) + "\"";
    case value_type::number: {
      double d;
      if (single_string && cell_number(l.text, d) && !looks_like_iso8601(l.text))
        return "write the number without quotes: " + lhs + l.text;
      return "compare it with a number, like " + c + " >= 1000";
    }
    case value_type::time: {
      double d;
      if (single_string && cell_number(l.text, d))
        return "write the time without quotes: " + lhs + l.text;
      return "write the time bare: an ISO 8601 time like " + c +
             " >= 2012-03-16T12:00:00Z, or epoch seconds like " + c + " >= 1331899200";
    }
    case value_type::addr: {
      ip_address a;
      if (single_string && parse_ip(l.text, a))
        return "write the address without quotes: " + lhs + l.text;
      return "write the address bare, without quotes: " + c + " == 10.0.0.1 or " + c +
             " in 10.0.0.0/8";
    }
    default:
      return {};
  }
}

}  // namespace

status filter::check(const std::vector<column_type>& schema) const {
  for (const leaf& l : leaves_) {
    const column_type* found = nullptr;
    for (const auto& ct : schema)
      if (zeek::same_column(ct.name, l.column_name)) {
        found = &ct;
        break;
      }
    if (!found) {
      std::string names;
      for (const auto& ct : schema) {
        if (!names.empty()) names += ", ";
        names += ct.name;
      }
      return error{error_kind::usage, "unknown column '" + l.column_name + "'",
                   names.empty() ? "the input has no columns" : "columns: " + names, text_,
                   l.column_at};
    }
    const value_type t =
        found->type != value_type::unknown ? found->type : known_conn_type(l.column_name);
    if (accepts(t, l.kind)) continue;
    const std::string_view written =
        std::string_view(text_).substr(l.value_at, l.value_end - l.value_at);
    return error{error_kind::usage,
                 "'" + l.column_name + "' is " + type_article(t) + ", so it compares with " +
                     type_plural(t) + ", not with " + literal_description(l, written),
                 mismatch_hint(t, l, text_), text_, l.value_at};
  }
  return ok_status();
}

namespace {

// Plain storage for the per-row address cache (ip_address zero-initialises).
struct address_slot {
  uint64_t hi, lo;
  uint8_t family;
};

}  // namespace

bool filter::matches(const zeek::cell* cells) const {
  if (leaves_.empty()) return true;
  uint32_t number_seen = 0, number_ok = 0, address_seen = 0, address_ok = 0;
  double numbers[MAX_SLOTS];
  address_slot addresses[MAX_SLOTS];
  const leaf* const leaves = leaves_.data();
  int32_t pc = 0;
  for (;;) {
    const leaf& l = leaves[pc];
    const zeek::cell& c = cells[l.column];
    bool r;
    if (c.kind == zeek::cell_kind::null) {
      r = l.op == leaf_op::is_null;
    } else {
      switch (l.op) {
        case leaf_op::is_null:
          r = false;
          break;
        case leaf_op::not_null:
          r = true;
          break;
        case leaf_op::str_cmp:
          r = ordered(l.cmp, c.text, std::string_view(l.text));
          break;
        case leaf_op::str_in: {
          const auto& v = l.texts;
          bool found;
          if (v.size() <= 8) {
            found = false;
            for (const auto& s : v)
              if (s.size() == c.text.size() && c.text == s) {
                found = true;
                break;
              }
          } else {
            found =
                std::binary_search(v.begin(), v.end(), c.text,
                                   [](std::string_view a, std::string_view b) { return a < b; });
          }
          r = found != l.negate;
          break;
        }
        case leaf_op::num_cmp:
        case leaf_op::num_in: {
          double d;
          bool ok;
          if (l.slot >= 0 && (number_seen >> l.slot & 1)) {
            ok = number_ok >> l.slot & 1;
            d = numbers[l.slot];
          } else {
            ok = cell_number(c.text, d);
            if (l.slot >= 0) {
              number_seen |= 1u << l.slot;
              number_ok |= uint32_t{ok} << l.slot;
              numbers[l.slot] = d;
            }
          }
          if (!ok) {
            r = false;
          } else if (l.op == leaf_op::num_cmp) {
            r = ordered(l.cmp, d, l.number);
          } else {
            const auto& v = l.numbers;
            const bool found = v.size() <= 8 ? std::find(v.begin(), v.end(), d) != v.end()
                                             : std::binary_search(v.begin(), v.end(), d);
            r = found != l.negate;
          }
          break;
        }
        case leaf_op::addr_cmp:
        case leaf_op::addr_in: {
          if (!l.spelling.empty()) {
            r = c.text.size() == l.spelling.size() && equal_small(c.text.data(), l.spelling.data(), c.text.size());
            break;
          }
          ip_address a;
          bool ok;
          if (l.slot >= 0 && (address_seen >> l.slot & 1)) {
            ok = address_ok >> l.slot & 1;
            const address_slot& s = addresses[l.slot];
            a.hi = s.hi;
            a.lo = s.lo;
            a.family = s.family;
          } else {
            ok = parse_ip(c.text, a);
            if (l.slot >= 0) {
              address_seen |= 1u << l.slot;
              address_ok |= uint32_t{ok} << l.slot;
              addresses[l.slot] = {a.hi, a.lo, a.family};
            }
          }
          if (!ok) {
            r = false;
          } else if (l.op == leaf_op::addr_cmp) {
            // Different families: never equal, never ordered.
            r = a.family == l.address.family ? ordered_int(l.cmp, compare(a, l.address))
                                             : l.cmp == cmp_op::ne;
          } else {
            bool found = false;
            for (const auto& n : l.networks)
              if (n.contains(a)) {
                found = true;
                break;
              }
            r = found != l.negate;
          }
          break;
        }
        case leaf_op::regex:
          r = re2::RE2::PartialMatch(re2::StringPiece(c.text.data(), c.text.size()), *l.re) !=
              l.negate;
          break;
        default:
          r = false;
      }
    }
    pc = r ? l.on_true : l.on_false;
    if (pc < 0) return pc == detail::ACCEPT;
  }
}

}  // namespace zeekgraph::query
