#include "gen/conn_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace zeekgraph::gen {
namespace {

// xoshiro256** seeded by splitmix64: fast, and the same on every platform.
class rng {
 public:
  explicit rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    uint64_t r = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Weighted choice over a fixed table, by binary search of the running sum.
template <typename T>
struct weighted {
  std::vector<T> items;
  std::vector<double> cum;
  void add(T item, double w) {
    items.push_back(item);
    cum.push_back((cum.empty() ? 0 : cum.back()) + w);
  }
  const T& pick(rng& r) const {
    double x = r.unit() * cum.back();
    size_t i = static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), x) - cum.begin());
    return items[std::min(i, items.size() - 1)];
  }
};

enum class state : uint8_t { S0, REJ, SF, OTH, RSTR, RSTO, SH, RSTOS0, SHR, S1, S2, S3, RSTRH, RSTOS0_, N };
constexpr std::array<const char*, 14> STATE_NAMES = {"S0",  "REJ", "SF", "OTH", "RSTR", "RSTO", "SH",
                                                     "RSTOS0", "SHR", "S1", "S2", "S3", "RSTRH", "RSTOS0"};

struct pair_spec {
  uint32_t orig, resp;
  uint8_t kind;        // 0 scan, 1 service, 2 ipv6 multicast
  uint16_t port;       // service port (kind 1)
  uint8_t proto;       // 0 tcp, 1 udp, 2 icmp
  uint8_t service;     // index into SERVICES, 0 = unset
  state states[3];
  uint8_t nstates;
};

constexpr std::array<const char*, 9> SERVICES = {"-", "http", "ssl", "dns", "ssh", "smb", "ftp", "dhcp", "snmp"};
constexpr std::array<const char*, 3> PROTOS = {"tcp", "udp", "icmp"};

struct universe {
  std::vector<std::string> ips;
  std::vector<pair_spec> pairs;
  weighted<uint32_t> pair_pick;
};

std::string v4(int a, int b, int c, int d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

// The IPs and (orig, resp) pairs are fixed by the seed alone, not by the
// row count, so small and large files share a shape.
universe build_universe(uint64_t seed) {
  universe u;
  rng r(seed * 7919 + 17);
  // Scanners: 192.168.202.0/24.
  std::vector<uint32_t> scanners, clients, targets, v6src, v6dst;
  for (int i = 0; i < 64; ++i) {
    scanners.push_back(static_cast<uint32_t>(u.ips.size()));
    u.ips.push_back(v4(192, 168, 202, 65 + i * 2));
  }
  // Targets: the competition's server subnets, 5,148 addresses, so that
  // with scanners, clients and IPv6 hosts the graph has 5,556 IPs.
  for (int c = 21; c <= 29; ++c)
    for (int d = 1; d <= 254; ++d) {
      targets.push_back(static_cast<uint32_t>(u.ips.size()));
      u.ips.push_back(v4(192, 168, c, d));
    }
  for (int c = 221; c <= 231; ++c)
    for (int d = 1; d <= 254; ++d) {
      targets.push_back(static_cast<uint32_t>(u.ips.size()));
      u.ips.push_back(v4(192, 168, c, d));
    }
  for (int d = 1; d <= 68; ++d) {
    targets.push_back(static_cast<uint32_t>(u.ips.size()));
    u.ips.push_back(v4(172, 16, 2, d));
  }
  // Ordinary clients.
  for (int i = 0; i < 318; ++i) {
    clients.push_back(static_cast<uint32_t>(u.ips.size()));
    u.ips.push_back(v4(192, 168, 1 + i / 100, 10 + i % 100));
  }
  // IPv6 link-local senders and multicast groups.
  for (int i = 0; i < 20; ++i) {
    v6src.push_back(static_cast<uint32_t>(u.ips.size()));
    char buf[64];
    std::snprintf(buf, sizeof buf, "fe80::%x:%x:%x:%x", 0x200 + i * 17, 0xff + i, 0xfe00 + i * 3, 0x1000 + i * 101);
    u.ips.push_back(buf);
  }
  for (const char* m : {"ff02::1", "ff02::2", "ff02::fb", "ff02::1:2", "ff02::c", "ff02::16"}) {
    v6dst.push_back(static_cast<uint32_t>(u.ips.size()));
    u.ips.push_back(m);
  }

  auto add_pair = [&](pair_spec p, double w) {
    u.pair_pick.add(static_cast<uint32_t>(u.pairs.size()), w);
    u.pairs.push_back(p);
  };
  auto scan_states = [&](pair_spec& p) {
    static const state primary[] = {state::S0, state::S0, state::S0, state::REJ, state::REJ,
                                    state::RSTR, state::OTH, state::SF, state::SH, state::RSTOS0};
    p.states[0] = primary[r.below(10)];
    p.nstates = 1;
    double x = r.unit();
    if (x < 0.45) p.states[p.nstates++] = p.states[0] == state::S0 ? state::REJ : state::S0;
    if (x < 0.06) p.states[p.nstates++] = state::OTH;
  };
  // Heavy hitters first: a few scanners sweep thousands of targets.
  for (size_t s = 0; s < scanners.size(); ++s) {
    size_t reach = s < 6 ? 5000 - s * 400 : s < 20 ? 1250 - s * 20 : 100 + r.below(300);
    reach = std::min(reach, targets.size());
    size_t off = r.below(targets.size());
    double scanner_weight = 30.0 / static_cast<double>(s + 1);
    for (size_t k = 0; k < reach; ++k) {
      pair_spec p{};
      p.orig = scanners[s];
      p.resp = targets[(off + k * 7) % targets.size()];
      p.kind = 0;
      p.proto = r.below(20) == 0 ? 1 : 0;
      scan_states(p);
      add_pair(p, scanner_weight / std::sqrt(1.0 + static_cast<double>(k % 500)));
    }
  }
  // Ordinary service traffic.
  static const uint16_t ports[] = {80, 443, 53, 22, 445, 21, 67, 161};
  static const uint8_t svc[] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (size_t c = 0; c < clients.size(); ++c) {
    size_t n = 8 + r.below(16);
    for (size_t k = 0; k < n; ++k) {
      pair_spec p{};
      p.orig = clients[c];
      p.resp = targets[r.below(targets.size())];
      p.kind = 1;
      size_t which = r.below(8);
      p.port = ports[which];
      p.proto = (p.port == 53 || p.port == 67 || p.port == 161) ? 1 : 0;
      p.service = r.below(4) == 0 ? 0 : svc[which];
      p.states[0] = p.proto == 1 ? state::SF : (r.below(3) ? state::SF : state::RSTO);
      p.nstates = 1;
      if (r.below(3) == 0) p.states[p.nstates++] = p.proto == 1 ? state::S0 : state::RSTR;
      if (r.below(8) == 0) p.states[p.nstates++] = state::SH;
      add_pair(p, 0.8 / (1.0 + static_cast<double>(k)));
    }
  }
  // IPv6 neighbour discovery and mDNS.
  for (size_t i = 0; i < v6src.size(); ++i)
    for (size_t j = 0; j < 3; ++j) {
      pair_spec p{};
      p.orig = v6src[i];
      p.resp = v6dst[(i + j) % v6dst.size()];
      p.kind = 2;
      p.proto = j == 0 ? 2 : 1;
      p.port = j == 0 ? 135 : (j == 1 ? 5353 : 547);
      p.service = j == 1 ? 3 : 0;
      p.states[0] = state::S0;
      p.nstates = 1;
      add_pair(p, 0.05);
    }
  return u;
}

struct line_writer {
  std::string buf;
  void s(std::string_view v) { buf.append(v); }
  void tab() { buf.push_back('\t'); }
  void u(uint64_t v) {
    char b[24];
    auto res = std::to_chars(b, b + 24, v);
    buf.append(b, res.ptr);
  }
  // seconds.microseconds with 6 decimals, as Zeek writes time and interval.
  void micros(uint64_t us) {
    u(us / 1000000);
    buf.push_back('.');
    char b[6];
    uint64_t f = us % 1000000;
    for (int i = 5; i >= 0; --i) {
      b[i] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    buf.append(b, 6);
  }
};

constexpr char BASE62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

status generate_conn_log(const gen_options& opts, text_sink& out) {
  universe u = build_universe(opts.seed);
  rng r(opts.seed);
  line_writer w;
  w.buf.reserve(size_t{4} << 20);
  if (opts.header) {
    w.s("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
        "#open\t2012-03-16-12-30-00\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
        "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tmissed_bytes\thistory\torig_pkts\t"
        "orig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n");
  }
  const uint64_t start_us = 1331901000ull * 1000000;
  const uint64_t span_us = 117000ull * 1000000;  // MACCDC 2012 spans about 32.5 hours
  for (uint64_t i = 0; i < opts.rows; ++i) {
    const pair_spec& p = u.pairs[u.pair_pick.pick(r)];
    state st = p.states[r.below(p.nstates)];
    uint64_t ts = start_us + (opts.rows > 1 ? static_cast<uint64_t>(static_cast<__uint128_t>(span_us) * i / opts.rows) : 0);
    if (i % 4 == 0) ts = ts / 10000 * 10000;  // many MACCDC times are round
    w.micros(ts);
    w.tab();
    w.buf.push_back('C');
    uint64_t a = r.next(), b = r.next();
    for (int k = 0; k < 17; ++k) {
      uint64_t& src = k < 9 ? a : b;
      w.buf.push_back(BASE62[src % 62]);
      src /= 62;
    }
    w.tab();
    w.s(u.ips[p.orig]);
    w.tab();
    w.u(p.kind == 2 && p.proto == 2 ? 143 : 1024 + r.below(64000));
    w.tab();
    w.s(u.ips[p.resp]);
    w.tab();
    uint64_t port = p.port;
    if (p.kind == 0) {
      static const uint16_t common[] = {80, 443, 22, 21, 23, 25, 53, 139, 445, 3389, 8080, 1433};
      port = r.below(2) == 0 ? common[r.below(12)] : 1 + r.below(10000);
    }
    w.u(port);
    w.tab();
    w.s(PROTOS[p.proto]);
    w.tab();
    bool established = st == state::SF || st == state::RSTO || st == state::RSTR || st == state::S1 ||
                       st == state::OTH;
    w.s(SERVICES[established ? p.service : 0]);
    w.tab();
    // duration and byte counts: unset for attempts, set once data flowed.
    bool has_dur = established || (st == state::REJ && r.below(4) == 0) || (st == state::SH && r.below(2));
    uint64_t ob = 0, rb = 0;
    if (has_dur) {
      uint64_t dur = st == state::REJ ? 10000 : static_cast<uint64_t>(-std::log(1 - r.unit()) * 800000);
      w.micros(dur);
      w.tab();
      if (established) {
        ob = p.kind == 1 ? 40 + r.below(2000) : r.below(3) ? 0 : r.below(400);
        rb = p.kind == 1 ? r.below(30000) : r.below(4) ? 0 : r.below(1500);
        if (r.below(200) == 0) rb = 1000000 + r.below(90000000);
      }
      w.u(ob);
      w.tab();
      w.u(rb);
    } else {
      w.s("-\t-\t-");
    }
    w.tab();
    w.s(STATE_NAMES[static_cast<size_t>(st)]);
    w.tab();
    w.s("-\t0\t");
    switch (st) {
      case state::S0: w.s("S"); break;
      case state::REJ: w.s("Sr"); break;
      case state::SF: w.s(p.proto == 1 ? "Dd" : "ShADadfF"); break;
      case state::SH: w.s("Fa"); break;
      case state::RSTR: w.s("ShADadr"); break;
      case state::RSTO: w.s("ShADadR"); break;
      case state::OTH: w.s("CC"); break;
      default: w.s("S"); break;
    }
    w.tab();
    uint64_t opk = 1 + (established ? r.below(12) : 0), rpk = established ? r.below(12) : (st == state::REJ);
    w.u(opk);
    w.tab();
    w.u(opk * 40 + ob);
    w.tab();
    w.u(rpk);
    w.tab();
    w.u(rpk * 40 + rb);
    w.s("\t(empty)\n");
    if (w.buf.size() > (size_t{4} << 20) - 512) {
      if (auto s = out.write(w.buf); !s) return s;
      w.buf.clear();
    }
  }
  if (opts.header) w.s("#close\t2012-03-17-21-00-00\n");
  if (!w.buf.empty())
    if (auto s = out.write(w.buf); !s) return s;
  return ok_status();
}

}  // namespace zeekgraph::gen
