#include "layout/forceatlas2.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace zeekgraph::layout {
namespace {

// k clusters of m nodes: dense inside (p_in), sparse between (p_out).
void clusters(uint32_t k, uint32_t m, double p_in, double p_out, std::vector<uint32_t>& src,
              std::vector<uint32_t>& dst) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (uint32_t a = 0; a < k * m; ++a)
    for (uint32_t b = a + 1; b < k * m; ++b)
      if (u(rng) < (a / m == b / m ? p_in : p_out)) {
        src.push_back(a);
        dst.push_back(b);
      }
}

double dist(const fa2_result& r, uint32_t a, uint32_t b) {
  return std::hypot(r.x[a] - r.x[b], r.y[a] - r.y[b]);
}

}  // namespace

// Layout quality as a number: linked nodes must end up much closer than
// random pairs, and nodes closer to their own cluster than to others.
TEST(forceatlas2, clusters_separate_and_edges_are_short) {
  std::vector<uint32_t> src, dst;
  const uint32_t k = 5, m = 60;
  clusters(k, m, 0.15, 0.002, src, dst);
  fa2_settings s;
  s.threads = 2;
  auto r = forceatlas2(k * m, src, dst, {}, s);
  ASSERT_EQ(r.x.size(), k * m);
  double linked = 0;
  for (size_t e = 0; e < src.size(); ++e) linked += dist(r, src[e], dst[e]);
  linked /= static_cast<double>(src.size());
  std::mt19937 rng(3);
  double random = 0;
  for (int i = 0; i < 5000; ++i) random += dist(r, rng() % (k * m), rng() % (k * m));
  random /= 5000;
  EXPECT_LT(linked / random, 0.35) << "linked " << linked << " random " << random;
  // Nearest cluster centroid is the node's own for nearly every node.
  std::vector<double> cx(k, 0), cy(k, 0);
  for (uint32_t i = 0; i < k * m; ++i) {
    cx[i / m] += r.x[i] / m;
    cy[i / m] += r.y[i] / m;
  }
  int right = 0;
  for (uint32_t i = 0; i < k * m; ++i) {
    uint32_t best = 0;
    for (uint32_t c = 1; c < k; ++c)
      if (std::hypot(r.x[i] - cx[c], r.y[i] - cy[c]) < std::hypot(r.x[i] - cx[best], r.y[i] - cy[best])) best = c;
    right += best == i / m;
  }
  EXPECT_GT(right, static_cast<int>(k * m * 95 / 100));
  EXPECT_TRUE(r.converged) << r.iterations << " iterations";
}

TEST(forceatlas2, deterministic_for_a_seed_and_any_thread_count) {
  std::vector<uint32_t> src, dst;
  clusters(3, 200, 0.05, 0.001, src, dst);
  fa2_settings a;
  a.threads = 1;
  a.max_iterations = 150;
  fa2_settings b = a;
  b.threads = 3;
  auto r1 = forceatlas2(600, src, dst, {}, a), r2 = forceatlas2(600, src, dst, {}, b);
  EXPECT_EQ(r1.x, r2.x);
  EXPECT_EQ(r1.y, r2.y);
  fa2_settings c = a;
  c.seed = 2;
  EXPECT_NE(forceatlas2(600, src, dst, {}, c).x, r1.x);
}

TEST(forceatlas2, settings_and_edge_cases) {
  EXPECT_TRUE(forceatlas2(0, {}, {}, {}, {}).x.empty());
  auto one = forceatlas2(1, {0}, {0}, {}, {});
  ASSERT_EQ(one.x.size(), 1u);
  EXPECT_TRUE(std::isfinite(one.x[0]));
  std::vector<uint32_t> src, dst;
  clusters(2, 50, 0.2, 0.01, src, dst);
  for (int v = 0; v < 8; ++v) {
    fa2_settings s;
    s.lin_log = v & 1;
    s.strong_gravity = v & 2;
    s.dissuade_hubs = v & 4;
    s.max_iterations = 200;
    auto r = forceatlas2(100, src, dst, std::vector<float>(src.size(), 2.0f), s);
    for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(std::isfinite(r.x[i]) && std::isfinite(r.y[i])) << v;
  }
}

}  // namespace zeekgraph::layout
