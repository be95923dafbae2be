// Fuzzes the finished partition reader (agg/finished_part): the input as
// it is, and with every section's CRC made right, so that mutations reach
// the section parsers behind the checksums. Whatever the bytes, decoding
// returns a part or an error with a message; a part it returns encodes to
// bytes that decode and encode the same, and joins (as the one partition
// of its job) or is refused with a message, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agg/finished_part.h"
#include "fuzz_common.h"

namespace {

void check(std::string_view bytes) {
  using namespace zeekgraph;
  auto part = agg::decode_part(bytes, "fuzz.part");
  if (!part) {
    if (part.err().message.empty() || part.err().kind != error_kind::corrupt) std::abort();
    return;
  }
  const pooled_string canonical = agg::encode_part(*part);
  auto again = agg::decode_part(canonical, "fuzz.part");
  if (!again) std::abort();
  if (agg::encode_part(*again) != canonical) std::abort();
  std::vector<agg::finished_part> one;
  const bool table = !part->keys_only;
  one.push_back(std::move(*part));
  (void)agg::recount_columns(one);
  auto joined = agg::join_parts(std::move(one), table);
  if (!joined && joined.err().message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  check(raw);
  check(zeekgraph::fuzz::with_fixed_crcs(std::string(raw)));
  return 0;
}
