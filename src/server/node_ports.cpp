#include "server/node_ports.h"

#include <algorithm>
#include <bit>
#include <string_view>

#include "server/error_reply.h"
#include "table/table_writer.h"
#include "util/json_string.h"
#include "zeek/file_report.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::server {
namespace {

// A port cell as a number 0..65535; -1 for anything else.
int port_of(std::string_view t) {
  if (t.empty() || t.size() > 5) return -1;
  int v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v <= 65535 ? v : -1;
}

}  // namespace

void port_set::add(uint16_t port) {
  if (!bits_.empty()) {
    bits_[port >> 6] |= uint64_t{1} << (port & 63);
    return;
  }
  for (uint16_t q : small_)
    if (q == port) return;
  if (small_.size() < SMALL) {
    small_.push_back(port);
    return;
  }
  bits_.assign(65536 / 64, 0);
  for (uint16_t q : small_) bits_[q >> 6] |= uint64_t{1} << (q & 63);
  small_.clear();
  small_.shrink_to_fit();
  bits_[port >> 6] |= uint64_t{1} << (port & 63);
}

void port_set::merge(const port_set& other) {
  if (!other.bits_.empty() && bits_.empty()) {
    std::vector<uint16_t> mine = std::move(small_);
    small_.clear();
    bits_ = other.bits_;
    for (uint16_t q : mine) bits_[q >> 6] |= uint64_t{1} << (q & 63);
    return;
  }
  if (!other.bits_.empty()) {
    for (size_t w = 0; w < bits_.size(); ++w) bits_[w] |= other.bits_[w];
    return;
  }
  for (uint16_t q : other.small_) add(q);
}

size_t port_set::size() const {
  if (bits_.empty()) return small_.size();
  size_t n = 0;
  for (uint64_t w : bits_) n += static_cast<size_t>(std::popcount(w));
  return n;
}


std::optional<std::string> node_ports_cache::find(const std::string& where) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = recent_.begin(); it != recent_.end(); ++it)
    if (it->first == where) {
      recent_.splice(recent_.begin(), recent_, it);
      return it->second;
    }
  return std::nullopt;
}

void node_ports_cache::put(const std::string& where, std::string json) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = recent_.begin(); it != recent_.end(); ++it)
    if (it->first == where) {
      recent_.erase(it);
      break;
    }
  recent_.emplace_front(where, std::move(json));
  if (recent_.size() > KEPT) recent_.pop_back();
}

// One piece's pairs, handed to the counter when the piece is done.
class port_counter::piece_sink final : public engine::observed_sink {
 public:
  piece_sink(port_counter& counter, std::string path, int host, int port, std::unique_ptr<engine::observed_sink> inner,
             zeek::row_sink& next)
      : counter_(counter), path_(std::move(path)), host_(host), port_(port), inner_(std::move(inner)),
        next_(inner_ ? static_cast<zeek::row_sink&>(*inner_) : next) {}
  ~piece_sink() override { counter_.merge(path_, exact_, hosts_, sets_); }
  zeek::row_verdict add_row(const zeek::cell* cells) override {
    // The inner observer (the row index) learns line offsets from the
    // reader, which summarize gives only to the outer sink.
    if (inner_ && !inner_attached_) {
      inner_->attach(*reader_);
      inner_attached_ = true;
    }
    const zeek::row_verdict v = next_.add_row(cells);
    if (v.outcome != zeek::row_outcome::used && v.outcome != zeek::row_outcome::null_key) return v;
    const zeek::cell& h = cells[host_];
    const zeek::cell& p = cells[port_];
    if (h.kind == zeek::cell_kind::null || p.kind == zeek::cell_kind::null) return v;
    const int port = h.kind == zeek::cell_kind::other || p.kind == zeek::cell_kind::other ? -1 : port_of(p.text);
    if (port < 0) {
      exact_ = false;
      return v;
    }
    if (!have_last_ || h.text != last_text_) {
      auto it = hosts_.find(h.text);
      if (it == hosts_.end()) {
        it = hosts_.emplace(std::string(h.text), static_cast<uint32_t>(sets_.size())).first;
        sets_.emplace_back();
      }
      last_ = it->second;
      last_text_ = it->first;  // the key's bytes stay put while the map lives
      have_last_ = true;
    }
    sets_[last_].add(static_cast<uint16_t>(port));
    return v;
  }

 private:
  port_counter& counter_;
  std::string path_;
  int host_, port_;
  std::unique_ptr<engine::observed_sink> inner_;
  zeek::row_sink& next_;
  bool inner_attached_ = false;
  bool exact_ = true;
  host_numbers hosts_;
  std::vector<port_set> sets_;  // by host number
  bool have_last_ = false;
  uint32_t last_ = 0;
  std::string_view last_text_;
};

port_counter::~port_counter() = default;

std::unique_ptr<engine::observed_sink> port_counter::piece(const std::string& path,
                                                           const std::vector<std::string>& reader_columns,
                                                           zeek::row_sink& next) {
  int host = -1, port = -1;
  for (size_t i = 0; i < reader_columns.size(); ++i) {
    if (host < 0 && zeek::same_column(reader_columns[i], "id.orig_h")) host = static_cast<int>(i);
    if (port < 0 && zeek::same_column(reader_columns[i], "id.resp_p")) port = static_cast<int>(i);
  }
  std::unique_ptr<engine::observed_sink> inner;
  if (host < 0 || port < 0) return inner_ ? inner_->piece(path, reader_columns, next) : nullptr;
  // The inner sink forwards to `next`; this one forwards to it.
  if (inner_) inner = inner_->piece(path, reader_columns, next);
  return std::make_unique<piece_sink>(*this, path, host, port, std::move(inner), next);
}

void port_counter::merge(const std::string& path, bool exact, const host_numbers& hosts, std::vector<port_set>& sets) {
  std::lock_guard<std::mutex> lock(mu_);
  observed_.insert(path);
  exact_ = exact_ && exact;
  for (const auto& [h, k] : hosts) {
    auto [it, fresh] = ports_.try_emplace(h);
    if (fresh) it->second = std::move(sets[k]);
    else it->second.merge(sets[k]);
  }
}

std::optional<std::string> port_counter::json(const std::vector<zeek::file_report>& files) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!exact_) return std::nullopt;
  for (const auto& f : files)
    if (!observed_.count(f.path)) return std::nullopt;
  std::vector<const std::pair<const std::string, port_set>*> order;
  order.reserve(ports_.size());
  for (const auto& e : ports_) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string j = "{\"host\":[";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) j += ',';
    append_json_string(j, order[i]->first);
  }
  j += "],\"ports\":[";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) j += ',';
    j += std::to_string(order[i]->second.size());
  }
  return j + "]}";
}

std::string node_ports_json(const table::summary_table& t) {
  std::string j = "{\"host\":[";
  if (t.columns.size() >= 2) {
    for (size_t r = 0; r < t.rows(); ++r) {
      if (r) j += ',';
      table::append_cell(j, t.columns[0], r, table::table_format::ndjson);
    }
    j += "],\"ports\":[";
    for (size_t r = 0; r < t.rows(); ++r) {
      if (r) j += ',';
      table::append_cell(j, t.columns[1], r, table::table_format::ndjson);
    }
  } else {
    j += "],\"ports\":[";
  }
  return j + "]}";
}

void add_node_ports_route(graph_server& server, summarize_fn summarize, std::shared_ptr<node_ports_cache> cache) {
  server.add_route(
      "/api/node-ports",
      [summarize = std::move(summarize), cache = std::move(cache)](const http_request& req) {
        const std::string where(req.query_value("where").value_or(""));
        auto json = cache->find(where);
        const bool kept = json.has_value();
        if (!json) {
          auto t = summarize(where, "id.orig_h", "id.resp_p:nunique");
          if (!t) return error_reply(t.err());
          json = node_ports_json(*t);
          cache->put(where, *json);
        }
        http_reply r = http_reply::text(200, std::move(*json));
        r.content_type = "application/json";
        r.headers.push_back({"X-Ports", kept ? "kept" : "summarized"});
        return r;
      },
      route_thread::worker);
}

}  // namespace zeekgraph::server
