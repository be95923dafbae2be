// XML text from arbitrary bytes, for the GEXF, GraphML and SVG writers:
// markup characters as entities, control bytes XML 1.0 cannot hold as '?',
// and a byte outside well-formed UTF-8 as U+FFFD, so the file always parses
// (Gephi, networkx and browsers refuse one that does not).
#pragma once

#include <string>
#include <string_view>

namespace zeekgraph {

void append_xml_text(std::string& out, std::string_view s);

}  // namespace zeekgraph
