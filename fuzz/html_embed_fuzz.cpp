// Fuzzes the data embedded in the standalone --html page: the input, cut at
// '\n' into fields, fills the host and conn_state cells (so the node titles,
// edge classes and table rows) and names a column of a tiny summary table;
// its graph goes through make_payload and standalone_page. The page must
// hold the data as inert text and nothing else must move:
// - the page outside the two data elements is byte for byte the page of an
//   empty graph (so the CSP, the style and the app script are untouched);
// - the base64 element holds base64(bin);
// - the JSON element holds no '<' (so no "</script", no "<!--"), no raw
//   U+2028/U+2029, and ends exactly at the intended "</script>";
// - undoing the five HTML escapes gives back the payload's JSON exactly.
// Also checks once that the inlined app script can never end early or enter
// the parser's escaped states (no "</script" in any case, no "<!--").
// A broken property aborts, which the fuzzer reports.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/hypergraph.h"
#include "server/graph_payload.h"
#include "server/web_assets.h"
#include "table/summary_table.h"
#include "util/json_string.h"

namespace zg = zeekgraph;

namespace {

constexpr std::string_view BIN_OPEN = "<script id=\"zg-bin\" type=\"application/octet-stream\">";
constexpr std::string_view META_OPEN = "<script id=\"zg-meta\" type=\"application/json\">";
constexpr std::string_view CLOSE = "</script>";

void check(bool ok) {
  if (!ok) std::abort();
}

struct page_parts {
  std::string_view head, bin, meta, tail;  // tail starts at the meta's "</script>"
};

page_parts split(std::string_view page) {
  page_parts p;
  const size_t b = page.find(BIN_OPEN);
  check(b != std::string_view::npos);
  const size_t b_end = page.find(CLOSE, b + BIN_OPEN.size());
  check(b_end != std::string_view::npos);
  const size_t m = b_end + CLOSE.size() + 1;  // after "</script>\n"
  check(page.substr(m, META_OPEN.size()) == META_OPEN);
  const size_t m_end = page.find("</", m + META_OPEN.size());
  check(m_end != std::string_view::npos);
  p.head = page.substr(0, b + BIN_OPEN.size());
  p.bin = page.substr(b + BIN_OPEN.size(), b_end - b - BIN_OPEN.size());
  p.meta = page.substr(m + META_OPEN.size(), m_end - m - META_OPEN.size());
  p.tail = page.substr(m_end);
  return p;
}

constexpr std::pair<std::string_view, std::string_view> ESCAPES[] = {
    {"\\u003c", "<"},
    {"\\u003e", ">"},
    {"\\u0026", "&"},
    {"\\u2028", "\xE2\x80\xA8"},
    {"\\u2029", "\xE2\x80\xA9"}};

// Undoes html_safe_json's escapes and nothing else: a backslash in valid
// JSON always starts a pair, so "\\u003c" (an escaped backslash, then text)
// is copied as it is.
std::string undo_html_escapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    check(i + 1 < s.size());
    const std::string_view u = s.substr(i, 6);
    std::string_view raw;
    for (const auto& [escaped, text] : ESCAPES)
      if (u == escaped) raw = text;
    if (raw.empty()) {
      out.append(s.substr(i, 2));
      ++i;
      continue;
    }
    out += raw;
    i += 5;
  }
  return out;
}

bool has_script_breaker(std::string_view s) {
  if (s.find("<!--") != std::string_view::npos) return true;
  for (size_t p = 0; (p = s.find("</", p)) != std::string_view::npos; ++p) {
    std::string tag(s.substr(p + 2, 6));
    for (char& c : tag) c = static_cast<char>(c | 0x20);
    if (tag == "script") return true;
  }
  return false;
}

struct reference {
  std::string page;
  page_parts parts;
};

const reference& empty_page() {
  static const reference r = [] {
    reference r;
    r.page = zg::server::standalone_page(zg::server::graph_payload{"", "{}"});
    r.parts = split(r.page);
    // The app script and style, as inlined, cannot end early.
    check(!has_script_breaker(zg::server::web_asset("app.js")));
    check(zg::server::web_asset("style.css").find("</style") == std::string_view::npos);
    check(r.page.find(zg::server::standalone_csp()) != std::string::npos);
    return r;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const reference& ref = empty_page();

  zg::table::summary_table t;
  t.columns.resize(4);
  t.columns[0].name = "id.orig_h";
  t.columns[1].name = "id.resp_h";
  t.columns[2].name = "conn_state";
  t.columns[3].name = std::string(in.substr(0, in.find('\n')));
  std::vector<std::string> fields;
  for (size_t p = 0; p <= in.size() && fields.size() < 300;) {
    size_t e = in.find('\n', p);
    if (e == std::string_view::npos) e = in.size();
    fields.emplace_back(in.substr(p, e - p));
    p = e + 1;
  }
  for (size_t r = 0; r * 3 < fields.size(); ++r)
    for (size_t c = 0; c < 4; ++c)
      t.columns[c].strings.push_back(fields[(r * 3 + c % 3) % fields.size()]);

  auto g = zg::graph::build_hypergraph(t, zg::graph::seed_graph_options());
  check(g.ok());
  const zg::server::graph_payload payload = zg::server::make_payload(*g, t, {});
  const std::string page = zg::server::standalone_page(payload);
  const page_parts p = split(page);

  check(p.head == ref.parts.head);
  check(p.tail == ref.parts.tail);
  check(p.bin == zg::server::base64(payload.bin));
  check(p.meta.find('<') == std::string_view::npos);
  check(p.meta.find("\xE2\x80\xA8") == std::string_view::npos);
  check(p.meta.find("\xE2\x80\xA9") == std::string_view::npos);
  check(p.tail.substr(0, CLOSE.size()) == CLOSE);
  check(undo_html_escapes(p.meta) == payload.meta_json);
  return 0;
}
