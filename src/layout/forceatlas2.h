// ForceAtlas2 (Jacomy et al. 2014), the layout Graphistry and Gephi use,
// with Barnes-Hut repulsion. Settings follow Graphistry's names. Repulsion
// runs on several threads, each computing whole nodes from a shared tree,
// so the result is the same for any thread count and a given seed.
#pragma once

#include <cstdint>
#include <vector>

namespace zeekgraph::layout {

struct fa2_settings {
  double gravity = 1.0;
  double scaling_ratio = 2.0;    // repulsion strength
  double edge_influence = 1.0;   // edge weight ^ edge_influence
  bool lin_log = false;          // attraction log(1 + d): tighter clusters
  bool strong_gravity = false;   // gravity grows with distance
  bool dissuade_hubs = false;    // divide attraction by the source's mass
  double jitter_tolerance = 1.0;
  double theta = 1.2;            // Barnes-Hut opening criterion
  int max_iterations = 2000;     // the iteration budget
  // Stop once the mean node displacement per step, relative to the layout's
  // spread, stays below this for 10 steps.
  double convergence = 1e-3;
  // Afterwards, bring disconnected components next to the largest one
  // (repulsion pushes them far out, which wastes the picture).
  bool pack_components = true;
  unsigned threads = 0;          // 0: every core
  uint64_t seed = 1;
};

struct fa2_result {
  std::vector<float> x, y;
  int iterations = 0;
  bool converged = false;
};

// Lays out `nodes` nodes with edges src[i] -> dst[i] (weights optional:
// empty = 1). Edges to themselves are ignored by the forces.
fa2_result forceatlas2(uint32_t nodes, const std::vector<uint32_t>& src, const std::vector<uint32_t>& dst,
                       const std::vector<float>& weight, const fa2_settings& s);

}  // namespace zeekgraph::layout
