// Fuzzes the Zeek JSON lines reader: every input is read as JSON lines (it
// starts with '{' so the reader detects JSON), then aggregated.
#include <string>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s = "{";
  s.append(reinterpret_cast<const char*>(data), size);
  zeekgraph::fuzz::read_and_summarize(s, 0);
  return 0;
}
