#include "graph/svg_render.h"

#include "graph/edge_classes.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "util/utf8.h"
#include "util/xml_text.h"

namespace zeekgraph::graph {

void write_svg(const hypergraph& g, const table::summary_table& t, const positions& p, const svg_options& o,
               std::ostream& out) {
  const size_t n = g.node_id.size();
  double minx = 1e300, maxx = -1e300, miny = 1e300, maxy = -1e300;
  for (size_t i = 0; i < n; ++i) {
    minx = std::min<double>(minx, p.x[i]);
    maxx = std::max<double>(maxx, p.x[i]);
    miny = std::min<double>(miny, p.y[i]);
    maxy = std::max<double>(maxy, p.y[i]);
  }
  if (n == 0) minx = maxx = miny = maxy = 0;
  const double margin = 40, legend = 180;
  double sx = (o.width - 2 * margin - legend) / std::max(1e-9, maxx - minx);
  double sy = (o.height - 2 * margin) / std::max(1e-9, maxy - miny);
  double s = std::min(sx, sy);
  auto X = [&](size_t i) { return margin + (p.x[i] - minx) * s; };
  auto Y = [&](size_t i) { return margin + (p.y[i] - miny) * s; };

  // Colour edges by the category column, most common values first.
  const table::column* by = t.find(o.color_by);
  edge_classes cls;
  if (by) cls = classify_edges(g, by);
  const auto& order = cls.classes;
  std::vector<const char*> colour(order.size());  // fixed per value, as in the web UI
  for (size_t i = 0; i < order.size(); ++i) colour[i] = class_colour(order[i].first, o.color_by);

  char buf[256];
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << o.width << "\" height=\"" << o.height << "\" viewBox=\"0 0 " << o.width << " " << o.height << "\">\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"#11131a\"/>\n<g stroke-width=\"0.6\" stroke-opacity=\"0.35\">\n";
  for (size_t e = 0; e < g.links(); ++e) {
    const char* color = "#8aa0c8";
    if (by) color = colour[cls.of_edge[e]];
    std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                  X(g.src[e]), Y(g.src[e]), X(g.dst[e]), Y(g.dst[e]), color);
    out << buf;
  }
  out << "</g>\n<g fill=\"#e8ecf4\" fill-opacity=\"0.85\">\n";
  // Node radius grows with log(degree), scaled to the room each node has.
  const double room = std::min(1.0, std::sqrt(o.width * o.height / std::max<double>(1, n)) / 60);
  for (size_t i = 0; i < n; ++i) {
    double r = room * (0.8 + 1.1 * std::log2(1.0 + static_cast<double>(g.degree[i])));
    std::snprintf(buf, sizeof buf, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>\n", X(i), Y(i), r);
    out << buf;
  }
  out << "</g>\n<g font-family=\"sans-serif\" font-size=\"13\" fill=\"#e8ecf4\">\n";
  double lx = o.width - legend + 10, ly = margin;
  std::string title;
  append_xml_text(title, by ? o.color_by : "edges");
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", lx, ly);
  out << buf << title << "</text>\n";
  for (size_t i = 0; i < order.size() && i < 24; ++i) {
    ly += 20;
    std::snprintf(buf, sizeof buf, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx,
                  ly - 11, colour[i]);
    out << buf;
    // 16 characters, cut between UTF-8 sequences, as XML text.
    std::string label;
    append_xml_text(label, std::string_view(order[i].first).substr(0, utf8_prefix(order[i].first, 16)));
    std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\">", lx + 18, ly);
    out << buf << label;
    std::snprintf(buf, sizeof buf, " (%zu)</text>\n", order[i].second);
    out << buf;
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#9aa3b5\">%zu nodes, %zu edges</text>\n",
                margin, o.height - 14.0, n, g.links());
  out << buf << "</g>\n</svg>\n";
}

}  // namespace zeekgraph::graph
