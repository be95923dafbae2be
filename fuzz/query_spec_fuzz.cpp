// Fuzzes the --by/--agg parser: the input is "BY\nAGG". A spec that parses
// must name its columns consistently.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agg/aggregate_plan.h"
#include "agg/query_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  size_t nl = s.find('\n');
  std::string_view by = s.substr(0, nl), agg = nl == s.npos ? std::string_view() : s.substr(nl + 1);
  auto q = zeekgraph::agg::parse_query_spec(by, agg);
  if (!q) {
    if (q.err().message.empty()) std::abort();
    return 0;
  }
  auto names = q->output_names();
  size_t expected = q->keys.size() + (q->seed_extras ? 1 : 0);
  for (const auto& a : q->aggs) expected += a.fns.size();
  if (names.size() != expected) std::abort();
  auto plan = zeekgraph::agg::aggregate_plan::make(*q, {}, {});
  for (int k : plan.key_columns)
    if (k < 0) std::abort();
  return 0;
}
