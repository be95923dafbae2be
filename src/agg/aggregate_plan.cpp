#include "agg/aggregate_plan.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace zeekgraph::agg {
namespace {

bool known_numeric(std::string_view n) {
  static constexpr std::array<std::string_view, 19> names = {
      "ts",        "time",          "id.orig_p",  "id.resp_p",     "duration",
      "orig_bytes", "resp_bytes",   "missed_bytes", "orig_pkts",   "orig_ip_bytes",
      "resp_pkts", "resp_ip_bytes", "vlan",       "inner_vlan",    "ip_proto",
      "sum_bytes", "trans_depth",   "request_body_len", "response_body_len"};
  return std::find(names.begin(), names.end(), n) != names.end();
}

// Zeek fields of type count, int or port (and the seed's sum of two).
bool known_integer(std::string_view n) {
  static constexpr std::array<std::string_view, 16> names = {
      "id.orig_p",  "id.resp_p",    "orig_bytes", "resp_bytes",  "missed_bytes",     "orig_pkts",
      "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "vlan",     "inner_vlan",       "ip_proto",
      "sum_bytes",  "trans_depth",  "request_body_len", "response_body_len"};
  return std::find(names.begin(), names.end(), n) != names.end();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

int aggregate_plan::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return static_cast<int>(i);
  return -1;
}

aggregate_plan aggregate_plan::make(const query_spec& spec,
                                    const std::vector<std::string>& text_columns,
                                    const std::vector<std::string>& numeric_columns) {
  aggregate_plan p;
  p.spec = spec;
  p.inputs = spec.input_columns();
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    column_plan c;
    c.name = p.inputs[i];
    c.input = static_cast<int>(i);
    p.columns.push_back(c);
  }
  for (const auto& d : spec.derived) {
    column_plan c;
    c.name = d.name;
    c.left = p.find(d.left);
    c.right = p.find(d.right);
    c.numeric_required = true;
    p.columns.push_back(c);
    p.columns[static_cast<size_t>(c.left)].numeric_required = true;
    p.columns[static_cast<size_t>(c.right)].numeric_required = true;
  }
  for (const auto& a : spec.aggs) {
    column_plan& c = p.columns[static_cast<size_t>(p.find(a.column))];
    for (agg_fn f : a.fns) switch (f) {
        case agg_fn::min:
        case agg_fn::max: c.need_minmax = true; break;
        case agg_fn::sum: c.need_sum = true; c.numeric_required = true; break;
        case agg_fn::mean:
          c.need_sum = c.need_count = true;
          c.numeric_required = true;
          break;
        case agg_fn::count: c.need_count = true; break;
        case agg_fn::nunique: c.need_nunique = true; break;
        case agg_fn::size: break;
      }
  }
  for (auto& c : p.columns) {
    bool numeric = c.numeric_required || known_numeric(c.name);
    if (!c.numeric_required && contains(text_columns, c.name)) numeric = false;
    if (contains(numeric_columns, c.name)) numeric = true;
    c.mode = numeric ? value_mode::numeric : value_mode::text;
  }
  for (auto& c : p.columns) {
    if (c.mode != value_mode::numeric) continue;
    if (c.input >= 0)
      c.plain_sum = known_integer(c.name);
    else  // derived columns follow their operands, which come first
      c.plain_sum = p.columns[static_cast<size_t>(c.left)].plain_sum &&
                    p.columns[static_cast<size_t>(c.right)].plain_sum;
  }
  for (const auto& k : spec.keys) p.key_columns.push_back(p.find(k));
  return p;
}

}  // namespace zeekgraph::agg
