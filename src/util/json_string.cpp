#include "util/json_string.h"

#include <cstdint>

#include "util/utf8.h"

namespace zeekgraph {
namespace {

void append_code_unit(std::string& out, unsigned c, const char* prefix = "\\u00") {
  static constexpr char HEX[] = "0123456789abcdef";
  out += prefix;
  out += HEX[c >> 4];
  out += HEX[c & 15];
}

// `invalid`: how a byte outside well-formed UTF-8 is written ("\\u00" +
// its hex, or "\\udc" + its hex).
void append_json(std::string& out, std::string_view s, const char* invalid) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (size_t n = utf8_sequence_length(s, i)) {
        out.append(s.substr(i, n));
        i += n;
      } else {
        append_code_unit(out, c, invalid);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f)
          append_code_unit(out, c);
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) { append_json(out, s, "\\u00"); }

void append_json_path(std::string& out, std::string_view s) { append_json(out, s, "\\udc"); }

std::string html_safe_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace zeekgraph
