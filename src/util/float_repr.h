// Python's repr() of a double, which is also how pandas writes float64
// cells: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16
// (always with a '.0' when integral), otherwise 'd.ddde+XX'.
#pragma once

#include <string>

namespace zeekgraph {

// Appends repr(v) to out. NaN is written "nan", infinities "inf"/"-inf".
void append_float_repr(std::string& out, double v);
std::string float_repr(double v);

}  // namespace zeekgraph
