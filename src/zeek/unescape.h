// Zeek's ASCII writer escapes '\' as "\\" and non-printable bytes (and a
// separator inside a value) as "\xHH". Compare a field with the unset/empty
// markers *before* unescaping: "\x2d" is the literal string "-", not null.
#pragma once

#include <string>
#include <string_view>

namespace zeekgraph::zeek {

// Unescapes `in` into `out` (cleared first). A backslash not followed by
// '\\' or 'x' and two hex digits is kept as it is, as Zeek's reader does.
void unescape(std::string_view in, std::string& out);

// Decodes the '#separator' header value, e.g. "\x09" -> "\t".
std::string unescape_header_value(std::string_view in);

}  // namespace zeekgraph::zeek
