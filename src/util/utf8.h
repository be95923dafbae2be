// UTF-8 as the writers of JSON and XML need it: where a well-formed
// sequence ends, and where to cut a text without splitting one.
#pragma once

#include <cstddef>
#include <string_view>

namespace zeekgraph {

// Length of the well-formed UTF-8 sequence of two to four bytes at s[i]
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or 0
// (also for ASCII, which callers test first).
size_t utf8_sequence_length(std::string_view s, size_t i);

// The byte length of the first `max_chars` characters of `s`, never inside
// a sequence (a byte outside UTF-8 counts as one character).
size_t utf8_prefix(std::string_view s, size_t max_chars);

}  // namespace zeekgraph
