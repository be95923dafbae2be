// What the UI draws: a compact binary of positions, sizes, edges and edge
// classes (graph.bin), and JSON for labels and the summary rows shown in
// the inspector (meta.json). The page is the embedded template with the
// style and script either linked (served) or inlined with the data (one
// self-contained HTML file that opens from file://).
#pragma once

#include <string>

#include "graph/graph_export.h"
#include "graph/hypergraph.h"
#include "graph/local_networks.h"
#include "table/summary_table.h"

namespace zeekgraph::server {

struct graph_payload {
  // 'ZGG1', n, m, classes; f32 x, y; u32 degree, sessions; u32 src, dst; u8 class;
  // u8 internal (1: the node's address is local, payload_options::local). The
  // page paints the nodes from this alone, before meta.json arrives.
  std::string bin;
  // {"nodes":{"title":[..],"internal":[0|1,..]},"classes":[..],"color_by":..,"key_columns":K,
  //  "table":{"columns":[..],"data":[[..],..]}[,"edge_row":[..]]}
  std::string meta_json;
};

struct payload_options {
  std::string color_by = "conn_state";  // the column whose values class (colour) the edges
  size_t key_columns = 0;               // the summary's first K columns are its group keys
  graph::local_networks local = graph::default_local_networks();  // internal node addresses
};

graph_payload make_payload(const graph::hypergraph& g, const table::summary_table& t, const graph::positions& p,
                           const payload_options& o = {});

// The page for `serve` (links style.css and app.js).
std::string served_page();
// One HTML file with style, script and data inlined. Whatever bytes the
// log held, the data stays data: the JSON is html_safe_json (no '<' at all,
// so nothing in it can end its <script> element or open another), the
// binary is base64, and the page carries standalone_csp() as a second
// defence. The app script and style are inlined as the build made them
// (already safe to inline; see web_assets.h).
std::string standalone_page(const graph_payload& payload);
// The standalone page's Content-Security-Policy: nothing may load or run
// but the inline script and style named by their SHA-256; images only from
// data: and blob: URLs (PNG export); no fetches, base URL or forms.
std::string standalone_csp();

std::string base64(std::string_view bytes);

}  // namespace zeekgraph::server
