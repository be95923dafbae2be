#include "graph/graph_export.h"

#include <string>

#include "table/table_writer.h"
#include "util/float_repr.h"
#include "util/xml_text.h"

namespace zeekgraph::graph {
namespace {

void xml_escape(std::string& out, std::string_view s) { append_xml_text(out, s); }

const char* xml_type(const table::column& c, bool graphml) {
  switch (c.type) {
    case table::column_type::int64: return "long";
    case table::column_type::float64: return "double";
    case table::column_type::string: return "string";
  }
  return graphml ? "string" : "string";
}

// Writes the buffer out once it has grown past 64 KiB.
void flush_if_big(std::string& b, std::ostream& out) {
  if (b.size() > 1 << 16) {
    out << b;
    b.clear();
  }
}

}  // namespace

void write_nodes_csv(const hypergraph& g, const positions& p, std::ostream& out) {
  std::string b = "nodeID,nodeTitle,type,category,degree,sessions";
  bool xy = !p.x.empty();
  if (xy) b += ",x,y";
  b += '\n';
  for (size_t i = 0; i < g.node_id.size(); ++i) {
    table::append_csv_field(b, g.node_id[i]);
    b += ',';
    table::append_csv_field(b, g.node_title[i]);
    b += ',';
    table::append_csv_field(b, g.node_type[i]);
    b += ',';
    table::append_csv_field(b, g.node_category[i]);
    b += ',' + std::to_string(g.degree[i]) + ',' + std::to_string(g.sessions[i]);
    if (xy) {
      b += ',';
      append_float_repr(b, p.x[i]);
      b += ',';
      append_float_repr(b, p.y[i]);
    }
    b += '\n';
    flush_if_big(b, out);
  }
  out << b;
}

void write_edges_csv(const hypergraph& g, const table::summary_table& t, std::ostream& out) {
  std::string b = "src,dst,edgeType,category,EventID";
  for (const auto& c : t.columns) {
    b += ',';
    table::append_csv_field(b, c.name);
  }
  b += '\n';
  for (size_t e = 0; e < g.links(); ++e) {
    table::append_csv_field(b, g.node_id[g.src[e]]);
    b += ',';
    table::append_csv_field(b, g.node_id[g.dst[e]]);
    b += ',';
    table::append_csv_field(b, g.edge_type[e]);
    b += ',';
    table::append_csv_field(b, g.edge_category[e]);
    b += ",EventID::" + std::to_string(g.row[e]);
    for (const auto& c : t.columns) {
      b += ',';
      table::append_cell(b, c, g.row[e], table::table_format::csv);
    }
    b += '\n';
    flush_if_big(b, out);
  }
  out << b;
}

void write_gexf(const hypergraph& g, const table::summary_table& t, const positions& p, std::ostream& out) {
  std::string b =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" version=\"1.2\">\n"
      "  <meta><creator>zeekgraph</creator></meta>\n"
      "  <graph defaultedgetype=\"directed\" mode=\"static\">\n"
      "    <attributes class=\"node\">\n"
      "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
      "      <attribute id=\"category\" title=\"category\" type=\"string\"/>\n"
      "      <attribute id=\"degree\" title=\"degree\" type=\"long\"/>\n"
      "      <attribute id=\"sessions\" title=\"sessions\" type=\"long\"/>\n"
      "    </attributes>\n    <attributes class=\"edge\">\n"
      "      <attribute id=\"edgeType\" title=\"edgeType\" type=\"string\"/>\n";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    b += "      <attribute id=\"a" + std::to_string(c) + "\" title=\"";
    xml_escape(b, t.columns[c].name);
    b += std::string("\" type=\"") + xml_type(t.columns[c], false) + "\"/>\n";
  }
  b += "    </attributes>\n    <nodes>\n";
  std::string cell;
  for (size_t i = 0; i < g.node_id.size(); ++i) {
    b += "      <node id=\"n" + std::to_string(i) + "\" label=\"";
    xml_escape(b, g.node_title[i]);
    b += "\"><attvalues><attvalue for=\"type\" value=\"";
    xml_escape(b, g.node_type[i]);
    b += "\"/><attvalue for=\"category\" value=\"";
    xml_escape(b, g.node_category[i]);
    b += "\"/><attvalue for=\"degree\" value=\"" + std::to_string(g.degree[i]) + "\"/><attvalue for=\"sessions\" value=\"" +
         std::to_string(g.sessions[i]) + "\"/></attvalues>";
    if (!p.x.empty()) {
      b += "<viz:position x=\"";
      append_float_repr(b, p.x[i]);
      b += "\" y=\"";
      append_float_repr(b, p.y[i]);
      b += "\" z=\"0.0\"/>";
    }
    b += "</node>\n";
    flush_if_big(b, out);
  }
  b += "    </nodes>\n    <edges>\n";
  for (size_t e = 0; e < g.links(); ++e) {
    b += "      <edge id=\"e" + std::to_string(e) + "\" source=\"n" + std::to_string(g.src[e]) +
         "\" target=\"n" + std::to_string(g.dst[e]) + "\"><attvalues><attvalue for=\"edgeType\" value=\"";
    xml_escape(b, g.edge_type[e]);
    b += "\"/>";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      cell.clear();
      if (!cell_text(t.columns[c], g.row[e], cell)) continue;  // absent = null
      b += "<attvalue for=\"a" + std::to_string(c) + "\" value=\"";
      xml_escape(b, cell);
      b += "\"/>";
    }
    b += "</attvalues></edge>\n";
    flush_if_big(b, out);
  }
  b += "    </edges>\n  </graph>\n</gexf>\n";
  out << b;
}

void write_graphml(const hypergraph& g, const table::summary_table& t, const positions& p, std::ostream& out) {
  std::string b =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
      "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
      "  <key id=\"category\" for=\"node\" attr.name=\"category\" attr.type=\"string\"/>\n"
      "  <key id=\"degree\" for=\"node\" attr.name=\"degree\" attr.type=\"long\"/>\n"
      "  <key id=\"x\" for=\"node\" attr.name=\"x\" attr.type=\"double\"/>\n"
      "  <key id=\"y\" for=\"node\" attr.name=\"y\" attr.type=\"double\"/>\n"
      "  <key id=\"edgeType\" for=\"edge\" attr.name=\"edgeType\" attr.type=\"string\"/>\n";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    b += "  <key id=\"a" + std::to_string(c) + "\" for=\"edge\" attr.name=\"";
    xml_escape(b, t.columns[c].name);
    b += std::string("\" attr.type=\"") + xml_type(t.columns[c], true) + "\"/>\n";
  }
  b += "  <graph id=\"G\" edgedefault=\"directed\">\n";
  std::string cell;
  for (size_t i = 0; i < g.node_id.size(); ++i) {
    b += "    <node id=\"n" + std::to_string(i) + "\"><data key=\"label\">";
    xml_escape(b, g.node_title[i]);
    b += "</data><data key=\"type\">";
    xml_escape(b, g.node_type[i]);
    b += "</data><data key=\"category\">";
    xml_escape(b, g.node_category[i]);
    b += "</data><data key=\"degree\">" + std::to_string(g.degree[i]) + "</data>";
    if (!p.x.empty()) {
      b += "<data key=\"x\">";
      append_float_repr(b, p.x[i]);
      b += "</data><data key=\"y\">";
      append_float_repr(b, p.y[i]);
      b += "</data>";
    }
    b += "</node>\n";
    flush_if_big(b, out);
  }
  for (size_t e = 0; e < g.links(); ++e) {
    b += "    <edge id=\"e" + std::to_string(e) + "\" source=\"n" + std::to_string(g.src[e]) +
         "\" target=\"n" + std::to_string(g.dst[e]) + "\"><data key=\"edgeType\">";
    xml_escape(b, g.edge_type[e]);
    b += "</data>";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      cell.clear();
      if (!cell_text(t.columns[c], g.row[e], cell)) continue;
      b += "<data key=\"a" + std::to_string(c) + "\">";
      xml_escape(b, cell);
      b += "</data>";
    }
    b += "</edge>\n";
    flush_if_big(b, out);
  }
  b += "  </graph>\n</graphml>\n";
  out << b;
}

}  // namespace zeekgraph::graph
