// Fuzzes the --where parser and evaluator: the input is an expression. One
// that parses is checked against a small schema (any outcome but a crash is
// fine) and run over a few rows; errors must carry a message and point
// inside the expression.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "query/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zeekgraph;
  std::string_view s(reinterpret_cast<const char*>(data), size);
  auto f = query::filter::parse(s);
  if (!f) {
    const error& e = f.err();
    if (e.message.empty() || e.kind != error_kind::usage || e.source != s || e.at > s.size())
      std::abort();
    return 0;
  }
  if (f->text() != s || f->columns().empty()) std::abort();
  static const std::vector<query::column_type> schema = {
      {"ts", query::value_type::time},        {"uid", query::value_type::text},
      {"id.orig_h", query::value_type::addr}, {"id.resp_p", query::value_type::number},
      {"proto", query::value_type::text},     {"odd", query::value_type::unknown}};
  auto c = f->check(schema);
  if (!c && (c.err().message.empty() || c.err().at > s.size())) std::abort();
  static constexpr std::string_view values[] = {
      "10.0.0.1", "1331899200.000000",    "S0",  "::ffff:10.0.0.1", "",    "-5e3",
      "ShAdDaFf", "2012-03-16T12:00:00Z", "nan", "fe80::1",         "udp", "443"};
  constexpr size_t n_values = sizeof values / sizeof values[0];
  std::vector<zeek::cell> row(f->columns().size());
  for (size_t r = 0; r < 2 * n_values; ++r) {
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t k = (r + i * 5) % (n_values + 1);
      row[i] = k == n_values ? zeek::cell{}
                             : zeek::cell{values[k], r % 3 == 0 ? zeek::cell_kind::number
                                                                : zeek::cell_kind::text};
    }
    const bool m = f->matches(row.data());
    // A copy shares the compiled form and must agree.
    query::filter copy = *f;
    if (copy.matches(row.data()) != m) std::abort();
  }
  return 0;
}
