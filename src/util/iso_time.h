// ISO 8601 date-times as epoch seconds, for --where's time literals and for
// JSON logs that write ts as ISO text.
#pragma once

#include <string>
#include <string_view>

namespace zeekgraph {

// Reads "YYYY-MM-DDTHH:MM[:SS[.F...]]" followed by a zone, "Z" or an offset
// "+HH:MM" / "-HH:MM" / "+HHMM" / "+HH" ('T' and 'Z' in either case), into
// seconds since 1970-01-01T00:00:00Z. Fields are range-checked (month 1-12,
// the day within its month, leap years included; hour 0-23; minute 0-59;
// second 0-59; offset up to 23:59). A fraction is added as decimal text, so
// "...12:00:00.123456Z" gives the same double as Zeek's "1331899200.123456"
// read correctly rounded. On failure returns false and, when `why` is given,
// sets it to a short reason ("no time zone: add Z for UTC", ...).
bool parse_iso8601(std::string_view text, double& epoch_seconds, std::string_view* why = nullptr);

// The epoch seconds of an ISO 8601 time as decimal text, with the fraction's
// digits as written ("2012-03-16T12:30:00.585000Z" is "1331901000.585000"),
// so reading the text gives parse_iso8601's double. False where that fails.
bool iso8601_epoch_text(std::string_view text, std::string& out);

// A cheap test for text that should be read as an ISO time at all: four
// digits and a '-'.
inline bool looks_like_iso8601(std::string_view t) {
  return t.size() >= 5 && t[4] == '-' && static_cast<unsigned>(t[0] - '0') <= 9 &&
         static_cast<unsigned>(t[1] - '0') <= 9 && static_cast<unsigned>(t[2] - '0') <= 9 &&
         static_cast<unsigned>(t[3] - '0') <= 9;
}

}  // namespace zeekgraph
