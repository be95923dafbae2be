#include "io/gzip_decoder.h"
#include "io/gzip_encoder.h"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace zeekgraph::io {
namespace {

std::string gz(const std::string& s) { return gzip_compress(s); }

// Decodes all of `in` fed in `step`-byte pieces.
gzip_status decode_all(const std::string& in, std::string& out, size_t step) {
  gzip_decoder d;
  size_t pos = 0;
  unsigned char buf[777];
  while (true) {
    size_t n = std::min(step, in.size() - pos);
    bool eof = pos + n == in.size();
    size_t used, produced;
    auto st = d.decode(reinterpret_cast<const unsigned char*>(in.data() + pos), n, eof, buf, sizeof buf, used, produced);
    out.append(reinterpret_cast<char*>(buf), produced);
    pos += used;
    if (st != gzip_status::ok) return st;
  }
}

std::string sample() {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "line " + std::to_string(i) + "\n";
  return s;
}

}  // namespace

TEST(gzip_decoder, whole_stream_in_any_pieces) {
  std::string s = sample(), z = gz(s);
  for (size_t step : {size_t{1} << 20, size_t{4096}, size_t{7}}) {
    std::string out;
    EXPECT_EQ(decode_all(z, out, step), gzip_status::end);
    EXPECT_EQ(out, s);
  }
}

TEST(gzip_decoder, concatenated_members) {
  std::string a = sample(), b = "second member\n";
  std::string out;
  EXPECT_EQ(decode_all(gz(a) + gz(b), out, 1000), gzip_status::end);
  EXPECT_EQ(out, a + b);
}

TEST(gzip_decoder, truncated_stream) {
  std::string z = gz(sample());
  std::string out;
  EXPECT_EQ(decode_all(z.substr(0, z.size() / 2), out, 1 << 20), gzip_status::truncated);
  EXPECT_GT(out.size(), 0u);
}

TEST(gzip_decoder, trailing_garbage) {
  std::string out;
  EXPECT_EQ(decode_all(gz("abc\n") + "GARBAGE", out, 1 << 20), gzip_status::trailing_garbage);
  EXPECT_EQ(out, "abc\n");
}

TEST(gzip_decoder, fuzzer_regression_never_reports_more_input_than_given) {
  // isa-l raised avail_in past the input on this damaged stream.
  std::ifstream in(std::string(ZEEKGRAPH_SOURCE_DIR) + "/fuzz/corpus/gzip_decoder/regress-avail-in-overflow", std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(s.size(), 1u);
  std::string out;
  gzip_status st = decode_all(s.substr(1), out, 1 + static_cast<unsigned char>(s[0]) * 37);
  EXPECT_NE(st, gzip_status::ok);
}

TEST(gzip_decoder, corrupt_data) {
  std::string z = gz(sample());
  for (size_t i = 20; i < 60; ++i) z[i] = static_cast<char>(z[i] ^ 0x5a);
  std::string out;
  EXPECT_EQ(decode_all(z, out, 1 << 20), gzip_status::corrupt);
}

}  // namespace zeekgraph::io
