#include "zeek/unescape.h"

namespace zeekgraph::zeek {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\\' && i + 1 < in.size()) {
      if (in[i + 1] == '\\') {
        out += '\\';
        ++i;
        continue;
      }
      if (in[i + 1] == 'x' && i + 3 < in.size()) {
        int hi = hex_value(in[i + 2]), lo = hex_value(in[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out += static_cast<char>(hi * 16 + lo);
          i += 3;
          continue;
        }
      }
    }
    out += c;
  }
}

std::string unescape_header_value(std::string_view in) {
  std::string out;
  unescape(in, out);
  return out;
}

}  // namespace zeekgraph::zeek
