#include "util/float_repr.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace zeekgraph {

// Expected strings are Python's repr() of the same doubles.
TEST(float_repr, matches_python_repr) {
  EXPECT_EQ(float_repr(1331901000.0), "1331901000.0");
  EXPECT_EQ(float_repr(6.2e-05), "6.2e-05");
  EXPECT_EQ(float_repr(0.0001), "0.0001");
  EXPECT_EQ(float_repr(1e-05), "1e-05");
  EXPECT_EQ(float_repr(1e16), "1e+16");
  EXPECT_EQ(float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(float_repr(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(float_repr(1.5), "1.5");
  EXPECT_EQ(float_repr(-2.0), "-2.0");
  EXPECT_EQ(float_repr(0.0), "0.0");
  EXPECT_EQ(float_repr(-0.0), "-0.0");
  EXPECT_EQ(float_repr(1e100), "1e+100");
  EXPECT_EQ(float_repr(2.5e-300), "2.5e-300");
  EXPECT_EQ(float_repr(1331901000.123456), "1331901000.123456");
  EXPECT_EQ(float_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(float_repr(std::nan("")), "nan");
}

}  // namespace zeekgraph
