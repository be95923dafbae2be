#include "server/graph_payload.h"

#include "graph/edge_classes.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>
#include <vector>

#include "server/web_assets.h"
#include "table/table_writer.h"
#include "util/json_string.h"

namespace zeekgraph::server {
namespace {

template <typename T>
void put(std::string& out, const T& v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

void replace(std::string& s, std::string_view what, std::string_view with) {
  size_t p = s.find(what);
  if (p != std::string::npos) s.replace(p, what.size(), with);
}

// CSP's name for an inline script or style: its SHA-256, in base64. The
// build hashed the asset's bytes, which are inlined unchanged.
std::string csp_hash(std::string_view asset) {
  return "'sha256-" + base64(web_asset_sha256(asset)) + "'";
}

}  // namespace

std::string base64(std::string_view in) {
  static const char* A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 |
                 static_cast<unsigned char>(in[i + 2]);
    out += A[v >> 18];
    out += A[(v >> 12) & 63];
    out += A[(v >> 6) & 63];
    out += A[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += A[v >> 18];
    out += A[(v >> 12) & 63];
    out += i + 1 < in.size() ? A[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

graph_payload make_payload(const graph::hypergraph& g, const table::summary_table& t, const graph::positions& p,
                           const payload_options& o) {
  const std::string& color_by = o.color_by;
  graph_payload out;
  const uint32_t n = static_cast<uint32_t>(g.node_id.size()), m = static_cast<uint32_t>(g.links());
  // Edge classes: values of the colour column, most common first (the
  // SVG's palette order too); past 255 the rest share the last colour.
  const table::column* by = t.find(color_by);
  graph::edge_classes cls = graph::classify_edges(g, by);
  auto& classes = cls.classes;
  if (classes.size() > 255) classes.resize(255);

  std::string& b = out.bin;
  b.reserve(16 + n * 17 + m * 9);
  put(b, uint32_t{0x3147475a});  // "ZGG1"
  put(b, n);
  put(b, m);
  put(b, static_cast<uint32_t>(classes.size()));
  for (uint32_t i = 0; i < n; ++i) put(b, p.x.empty() ? 0.0f : p.x[i]);
  for (uint32_t i = 0; i < n; ++i) put(b, p.y.empty() ? 0.0f : p.y[i]);
  for (uint32_t i = 0; i < n; ++i) put(b, static_cast<uint32_t>(std::min<uint64_t>(g.degree[i], UINT32_MAX)));
  for (uint32_t i = 0; i < n; ++i) put(b, static_cast<uint32_t>(std::min<uint64_t>(g.sessions[i], UINT32_MAX)));
  for (uint32_t e = 0; e < m; ++e) put(b, g.src[e]);
  for (uint32_t e = 0; e < m; ++e) put(b, g.dst[e]);
  for (uint32_t e = 0; e < m; ++e) b += static_cast<char>(std::min<uint32_t>(cls.of_edge[e], 254));
  std::vector<char> internal(n);
  for (uint32_t i = 0; i < n; ++i) internal[i] = o.local.contains(g.node_title[i]) ? 1 : 0;
  b.append(internal.data(), internal.size());

  std::string& j = out.meta_json;
  j = "{\"nodes\":{\"title\":[";
  for (uint32_t i = 0; i < n; ++i) {
    if (i) j += ',';
    append_json_string(j, g.node_title[i]);
  }
  j += "],\"internal\":[";
  for (uint32_t i = 0; i < n; ++i) {
    if (i) j += ',';
    j += internal[i] ? '1' : '0';
  }
  j += "]},\"classes\":[";
  for (size_t i = 0; i < classes.size(); ++i) {
    if (i) j += ',';
    append_json_string(j, classes[i].first);
  }
  j += "],\"color_by\":";
  append_json_string(j, by ? color_by : "edgeType");
  j += ",\"key_columns\":" + std::to_string(std::min(o.key_columns, t.columns.size()));
  j += ",\"table\":{\"columns\":[";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c) j += ',';
    append_json_string(j, t.columns[c].name);
  }
  j += "],\"data\":[";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c) j += ',';
    j += '[';
    for (size_t r = 0; r < t.rows(); ++r) {
      if (r) j += ',';
      table::append_cell(j, t.columns[c], r, table::table_format::ndjson);
    }
    j += ']';
  }
  j += "]}";
  bool identity = true;
  for (uint32_t e = 0; e < m && identity; ++e) identity = g.row[e] == e;
  if (!identity) {
    j += ",\"edge_row\":[";
    for (uint32_t e = 0; e < m; ++e) {
      if (e) j += ',';
      j += std::to_string(g.row[e]);
    }
    j += ']';
  }
  j += '}';
  return out;
}

std::string served_page() {
  std::string page(web_asset("index.html"));
  replace(page, "<style>/*ZG_STYLE*/</style>", "<link rel=\"stylesheet\" href=\"style.css\">");
  replace(page, "<script>/*ZG_APP*/</script>", "<script src=\"app.js\"></script>");
  return page;
}

std::string standalone_csp() {
  return "default-src 'none'; script-src " + csp_hash("app.js") + "; style-src " +
         csp_hash("style.css") +
         "; img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'";
}

std::string standalone_page(const graph_payload& payload) {
  const std::string csp = standalone_csp();
  const std::string_view app = web_asset("app.js"), style = web_asset("style.css");
  const std::string bin = base64(payload.bin), meta = html_safe_json(payload.meta_json);
  // The template is cut at its placeholders in order, so text from a log
  // (which may well read "/*ZG_APP*/") is never searched for the next one.
  const std::pair<std::string_view, std::vector<std::string_view>> parts[] = {
      {"<style>/*ZG_STYLE*/</style>",
       {"<meta http-equiv=\"Content-Security-Policy\" content=\"", csp, "\">\n<style>", style,
        "</style>"}},
      {"<!--ZG_DATA-->",
       {"<script id=\"zg-bin\" type=\"application/octet-stream\">", bin,
        "</script>\n<script id=\"zg-meta\" type=\"application/json\">", meta, "</script>"}},
      {"<script>/*ZG_APP*/</script>", {"<script>", app, "</script>"}},
  };
  const std::string_view tpl = web_asset("index.html");
  std::string page;
  page.reserve(tpl.size() + csp.size() + style.size() + bin.size() + meta.size() + app.size() +
               256);
  size_t at = 0;
  for (const auto& [mark, with] : parts) {
    const size_t k = tpl.find(mark, at);
    assert(k != std::string_view::npos);  // the template is fixed at build time
    if (k == std::string_view::npos) continue;
    page.append(tpl.substr(at, k - at));
    for (std::string_view w : with) page.append(w);
    at = k + mark.size();
  }
  page.append(tpl.substr(at));
  return page;
}

}  // namespace zeekgraph::server
