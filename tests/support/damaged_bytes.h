// Test support: every cut and every flipped byte of a binary file (a state
// file, a finished partition) must be refused by its decoder with a
// corrupt-input error that names the file, never a crash or a value.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "util/result.h"

namespace zeekgraph::test {

// `decode(bytes, name)` returns a result<...>.
template <typename Decode>
void expect_damage_refused(std::string_view bytes, Decode decode) {
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode(bytes.substr(0, n), "cut.file");
    ASSERT_FALSE(r.ok()) << "cut at " << n;
    EXPECT_EQ(r.err().kind, error_kind::corrupt);
    EXPECT_NE(r.err().message.find("'cut.file'"), std::string::npos) << r.err().message;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad(bytes);
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_FALSE(decode(bad, "flipped.file").ok()) << "byte " << i << " flipped";
  }
}

}  // namespace zeekgraph::test
