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

// The same, but a byte that is not part of well-formed UTF-8 is written as
// the lone surrogate \udc80 to \udcff (Python's "surrogateescape"), so a
// file name that is not UTF-8 round-trips: os.fsencode(json.loads(...))
// gives back its exact bytes. For --report's paths.
void append_json_path(std::string& out, std::string_view s);

// JSON text made safe to embed in an HTML <script> element (or anywhere in
// HTML) as inert data: '<', '>' and '&' become \u003c, \u003e and \u0026,
// and the line separators U+2028 and U+2029 become \u2028 and \u2029. The
// result then holds no '<', so no "</script" and no "<!--" that could end
// or re-enter the element, whatever bytes the strings came from. Expects
// valid JSON (as append_json_string writes): these characters can only be
// inside strings there, and the escapes stand for the same characters, so
// JSON.parse of the result gives back the same values. Separate from
// append_json_string so that NDJSON and --report output stay as they are.
std::string html_safe_json(std::string_view json);

}  // namespace zeekgraph
