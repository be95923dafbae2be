#include "layout/forceatlas2.h"

#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace zeekgraph::layout {
namespace {

// A quadtree over the nodes, rebuilt each step, stored in flat arrays.
class quadtree {
 public:
  void build(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& mass) {
    x_ = &x;
    y_ = &y;
    m_ = &mass;
    cells_.clear();
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (size_t i = 0; i < x.size(); ++i) {
      minx = std::min(minx, x[i]);
      maxx = std::max(maxx, x[i]);
      miny = std::min(miny, y[i]);
      maxy = std::max(maxy, y[i]);
    }
    cells_.push_back(cell{minx, miny, std::max(maxx - minx, maxy - miny) + 1e-9});
    for (uint32_t i = 0; i < x.size(); ++i) insert(i);
  }

  // Repulsion on node `self` at (px, py) of mass m from every other node:
  // F = kr m1 m2 / d along the line between them.
  void force(double px, double py, double m, uint32_t self, double theta2, double kr, double& fx,
             double& fy) const {
    uint32_t stack[256];
    int top = 0;
    stack[top++] = 0;
    while (top) {
      const cell& c = cells_[stack[--top]];
      if (c.count == 0) continue;
      bool leaf = c.child[0] < 0 && c.child[1] < 0 && c.child[2] < 0 && c.child[3] < 0;
      if (leaf && c.count == 1 && static_cast<uint32_t>(c.body) == self) continue;
      double dx = px - c.cx, dy = py - c.cy;
      double d2 = dx * dx + dy * dy;
      if (leaf || c.size * c.size < theta2 * d2) {
        if (d2 < 1e-18) continue;
        double f = kr * m * c.mass / d2;
        fx += dx * f;
        fy += dy * f;
      } else {
        for (int q = 0; q < 4; ++q)
          if (c.child[q] >= 0) stack[top++] = static_cast<uint32_t>(c.child[q]);
      }
    }
  }

 private:
  struct cell {
    double x0, y0, size;
    double cx = 0, cy = 0, mass = 0;
    int body = -1;  // the body, while the cell holds exactly one
    uint32_t count = 0;
    int child[4] = {-1, -1, -1, -1};
  };
  static constexpr int MAX_DEPTH = 48;  // deeper: coincident points stay lumped

  void add(uint32_t ci, uint32_t b) {
    cell& c = cells_[ci];
    double m = (*m_)[b], total = c.mass + m;
    c.cx = (c.cx * c.mass + (*x_)[b] * m) / total;
    c.cy = (c.cy * c.mass + (*y_)[b] * m) / total;
    c.mass = total;
    ++c.count;
  }

  uint32_t child_for(uint32_t ci, uint32_t b) {
    const cell& c = cells_[ci];
    double h = c.size / 2;
    int q = ((*x_)[b] >= c.x0 + h ? 1 : 0) + ((*y_)[b] >= c.y0 + h ? 2 : 0);
    if (c.child[q] < 0) {
      cell n{c.x0 + ((q & 1) ? h : 0), c.y0 + ((q & 2) ? h : 0), h};
      cells_.push_back(n);
      cells_[ci].child[q] = static_cast<int>(cells_.size() - 1);
    }
    return static_cast<uint32_t>(cells_[ci].child[q]);
  }

  void insert(uint32_t b) {
    uint32_t ci = 0;
    for (int depth = 0;; ++depth) {
      if (cells_[ci].count == 0) {
        cells_[ci].body = static_cast<int>(b);
        add(ci, b);
        return;
      }
      if (depth >= MAX_DEPTH) {
        cells_[ci].body = -1;
        add(ci, b);
        return;
      }
      if (cells_[ci].count == 1 && cells_[ci].body >= 0) {
        // Move the resident body one level down first.
        uint32_t old = static_cast<uint32_t>(cells_[ci].body);
        cells_[ci].body = -1;
        uint32_t oc = child_for(ci, old);
        cells_[oc].body = static_cast<int>(old);
        add(oc, old);
      }
      add(ci, b);
      ci = child_for(ci, b);
    }
  }

  const std::vector<double>* x_ = nullptr;
  const std::vector<double>* y_ = nullptr;
  const std::vector<double>* m_ = nullptr;
  std::vector<cell> cells_;
};

// Moves every component but the largest so that its bounding circle sits
// just outside the largest one's, in the direction it drifted to.
void pack(uint32_t n, const std::vector<uint32_t>& src, const std::vector<uint32_t>& dst, std::vector<double>& x,
          std::vector<double>& y) {
  std::vector<uint32_t> parent(n);
  for (uint32_t i = 0; i < n; ++i) parent[i] = i;
  auto root = [&](uint32_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (size_t e = 0; e < src.size(); ++e) parent[root(src[e])] = root(dst[e]);
  std::vector<uint32_t> comp(n), size(n, 0);
  for (uint32_t i = 0; i < n; ++i) ++size[comp[i] = root(i)];
  uint32_t main = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (size[i] > size[main]) main = i;
  std::vector<double> cx(n, 0), cy(n, 0), rad(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    cx[comp[i]] += x[i] / size[comp[i]];
    cy[comp[i]] += y[i] / size[comp[i]];
  }
  for (uint32_t i = 0; i < n; ++i)
    rad[comp[i]] = std::max(rad[comp[i]], std::hypot(x[i] - cx[comp[i]], y[i] - cy[comp[i]]));
  double ring = rad[main];
  std::vector<double> dx(n, 0), dy(n, 0);
  for (uint32_t c = 0; c < n; ++c) {
    if (size[c] == 0 || c == main) continue;
    double vx = cx[c] - cx[main], vy = cy[c] - cy[main];
    double d = std::hypot(vx, vy);
    if (d == 0) {
      vx = 1;
      d = 1;
    }
    double want = ring + rad[c] + 0.05 * ring + 1;
    if (d <= want) continue;
    dx[c] = vx / d * want - vx;
    dy[c] = vy / d * want - vy;
  }
  for (uint32_t i = 0; i < n; ++i) {
    x[i] += dx[comp[i]];
    y[i] += dy[comp[i]];
  }
}

}  // namespace

fa2_result forceatlas2(uint32_t n, const std::vector<uint32_t>& src, const std::vector<uint32_t>& dst,
                       const std::vector<float>& weight, const fa2_settings& s) {
  fa2_result r;
  if (n == 0) return r;
  std::vector<double> x(n), y(n), mass(n, 1.0), fx(n), fy(n), ofx(n, 0), ofy(n, 0);
  for (size_t e = 0; e < src.size(); ++e) {
    if (src[e] == dst[e]) continue;
    mass[src[e]] += 1;
    mass[dst[e]] += 1;
  }
  // Deterministic start: splitmix64 from the seed, spread with the size.
  uint64_t st = s.seed * 0x9e3779b97f4a7c15ull + 1;
  auto rnd = [&] {
    uint64_t z = (st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  double spread = std::sqrt(static_cast<double>(n)) * 10;
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (rnd() - 0.5) * spread;
    y[i] = (rnd() - 0.5) * spread;
  }
  unsigned threads = thread_count(s.threads);
  threads = std::min<unsigned>(threads, std::max<uint32_t>(1, n / 256));
  quadtree tree;
  double speed = 1.0, speed_efficiency = 1.0;
  int calm = 0;
  const double theta2 = 1.0 / (s.theta * s.theta);
  const double kr = s.scaling_ratio;
  double attraction_norm = 1.0;
  if (s.dissuade_hubs) {
    double sum = 0;
    for (uint32_t i = 0; i < n; ++i) sum += mass[i];
    attraction_norm = sum / n;
  }

  for (int it = 0; it < s.max_iterations; ++it) {
    tree.build(x, y, mass);
    // Repulsion and gravity, whole nodes per thread: the same sums in the
    // same order whatever the thread count.
    auto repel = [&](uint32_t begin, uint32_t end) {
      for (uint32_t i = begin; i < end; ++i) {
        double ax = 0, ay = 0;
        tree.force(x[i], y[i], mass[i], i, theta2, kr, ax, ay);
        double d = std::sqrt(x[i] * x[i] + y[i] * y[i]);
        if (d > 0) {
          double g = s.strong_gravity ? kr * s.gravity * mass[i] : s.gravity * mass[i] / d;
          ax -= x[i] * g;
          ay -= y[i] * g;
        }
        fx[i] = ax;
        fy[i] = ay;
      }
    };
    const uint32_t step = (n + threads - 1) / threads;
    run_on_threads(threads, [&](unsigned t) { repel(std::min(n, t * step), std::min(n, (t + 1) * step)); });
    // Attraction along edges, in edge order.
    for (size_t e = 0; e < src.size(); ++e) {
      uint32_t a = src[e], b = dst[e];
      if (a == b) continue;
      double dx = x[a] - x[b], dy = y[a] - y[b];
      double d = std::sqrt(dx * dx + dy * dy);
      if (d == 0) continue;
      double w = weight.empty() ? 1.0 : std::pow(static_cast<double>(weight[e]), s.edge_influence);
      double f = s.lin_log ? w * std::log1p(d) / d : w;
      if (s.dissuade_hubs) f *= attraction_norm / mass[a];
      fx[a] -= dx * f;
      fy[a] -= dy * f;
      fx[b] += dx * f;
      fy[b] += dy * f;
    }
    // Adaptive speed (the paper's swinging / traction).
    double swinging = 0, traction = 0;
    for (uint32_t i = 0; i < n; ++i) {
      double sx = fx[i] - ofx[i], sy = fy[i] - ofy[i];
      double tx = fx[i] + ofx[i], ty = fy[i] + ofy[i];
      swinging += mass[i] * std::sqrt(sx * sx + sy * sy);
      traction += mass[i] * std::sqrt(tx * tx + ty * ty) / 2;
    }
    double estimated = 0.05 * std::sqrt(static_cast<double>(n));
    double min_jt = std::sqrt(estimated), max_jt = 10;
    double jt = s.jitter_tolerance *
                std::max(min_jt, std::min(max_jt, estimated * traction / (static_cast<double>(n) * n)));
    const double min_speed_efficiency = 0.05;
    if (traction > 0 && swinging / traction > 2.0) {
      if (speed_efficiency > min_speed_efficiency) speed_efficiency *= 0.5;
      jt = std::max(jt, s.jitter_tolerance);
    }
    double target = swinging > 0 ? jt * speed_efficiency * traction / swinging : speed;
    if (swinging > jt * traction) {
      if (speed_efficiency > min_speed_efficiency) speed_efficiency *= 0.7;
    } else if (speed < 1000) {
      speed_efficiency *= 1.3;
    }
    speed = speed + std::min(target - speed, 0.5 * speed);
    // Move.
    double moved = 0, minx = 1e300, maxx = -1e300, miny = 1e300, maxy = -1e300;
    for (uint32_t i = 0; i < n; ++i) {
      double sx = fx[i] - ofx[i], sy = fy[i] - ofy[i];
      double sw = mass[i] * std::sqrt(sx * sx + sy * sy);
      double factor = speed / (1.0 + std::sqrt(speed * sw));
      double fl = std::sqrt(fx[i] * fx[i] + fy[i] * fy[i]);
      factor = std::min(factor * fl, 10.0) / (fl > 0 ? fl : 1);  // cap a step at 10 units
      double dx = fx[i] * factor, dy = fy[i] * factor;
      x[i] += dx;
      y[i] += dy;
      moved += std::sqrt(dx * dx + dy * dy);
      ofx[i] = fx[i];
      ofy[i] = fy[i];
      minx = std::min(minx, x[i]);
      maxx = std::max(maxx, x[i]);
      miny = std::min(miny, y[i]);
      maxy = std::max(maxy, y[i]);
    }
    r.iterations = it + 1;
    double extent = std::max(maxx - minx, maxy - miny) + 1e-9;
    if (moved / n / extent < s.convergence) {
      if (++calm >= 10) {
        r.converged = true;
        break;
      }
    } else {
      calm = 0;
    }
  }
  if (s.pack_components) pack(n, src, dst, x, y);
  r.x.assign(x.begin(), x.end());
  r.y.assign(y.begin(), y.end());
  return r;
}

}  // namespace zeekgraph::layout
