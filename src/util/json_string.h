// JSON string literals from arbitrary bytes, one set of rules for every
// JSON zeekgraph writes (NDJSON summaries, --report, the graph payload).
#pragma once

#include <string>
#include <string_view>

namespace zeekgraph {

// Appends `s` as a quoted JSON string. '"', '\\' and control characters
// are escaped; well-formed UTF-8 passes through unchanged. A byte that is
// not part of well-formed UTF-8 (Zeek escapes such bytes itself, but a
// cut or foreign line may hold them) is written as the code point of the
// same value, \u0080 to \u00ff, so the output is always valid JSON and no
// byte is silently dropped.
void append_json_string(std::string& out, std::string_view s);

}  // namespace zeekgraph
