// Fuzzes the state file reader (agg/state_file). The input is read twice:
// as it is, and with every section's CRC made right, so that mutations reach
// the section parsers behind the checksums. Whatever the bytes, decoding
// returns a state or an error with a message; a state it returns encodes
// to bytes that decode again and encode the same (the canonical form:
// shortest varints, sorted and deduplicated pairs), and finalizes without
// crashing.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "agg/state_file.h"
#include "fuzz_common.h"

namespace {

// `borrow`: fingerprints in order are read in place (a reduce task's way).
void check(std::string_view bytes, bool borrow) {
  using namespace zeekgraph;
  auto st = agg::decode_state(bytes, "fuzz.state", borrow);
  if (!st) {
    if (st.err().message.empty() || st.err().kind != error_kind::corrupt) std::abort();
    return;
  }
  const pooled_string canonical = agg::encode_state(*st)[0];
  auto again = agg::decode_state(canonical, "fuzz.state", borrow);
  if (!again) std::abort();
  if (agg::encode_state(*again)[0] != canonical) std::abort();
  auto third = agg::decode_state(canonical, "fuzz.state");
  if (!third) std::abort();
  auto t = agg::finalize_state(*third);
  if (!t && t.err().message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  check(raw, false);
  const std::string fixed = zeekgraph::fuzz::with_fixed_crcs(std::string(raw));
  check(fixed, false);
  check(fixed, true);
  return 0;
}
