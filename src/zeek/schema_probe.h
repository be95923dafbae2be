// The columns a log offers, read from its first lines before a scan, so
// that a query naming a column the input lacks is a usage error up front
// (it was a run that rejected every row and exited 0). A TSV log's
// '#fields' (with '#types'), the tutorial's 20-column layout for
// headerless input, or the keys of a JSON log's first object, nested
// objects flattened ("id.orig_h").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zeek/log_format.h"

namespace zeekgraph::zeek {

struct schema_column {
  std::string name;
  std::string zeek_type;  // from '#types'; "" when the log declares none
};

struct log_schema {
  input_format format = input_format::tsv_header;
  std::vector<schema_column> columns;  // empty: no data line and no '#fields' at hand
};

// The schema of the log whose first bytes are `head` (as many whole lines
// as were at hand; a cut last line is ignored).
log_schema probe_schema(std::string_view head);

// `ts` and `time` name one column: Zeek's header logs call it ts, the
// tutorial's headerless layout time.
bool same_column(std::string_view a, std::string_view b);

}  // namespace zeekgraph::zeek
