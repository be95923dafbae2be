#include "server/query_routes.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <list>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/row_stream.h"
#include "query/ip_address.h"
#include "server/error_reply.h"
#include "table/table_writer.h"

namespace zeekgraph::server {
namespace {

constexpr uint64_t MAX_ROWS = 100000;
constexpr int MAX_STREAMS = 4;  // limit=all streams at once

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A value as the filter language writes it: an address bare, text quoted.
std::string literal(std::string_view v) {
  query::ip_address ip;
  if (query::parse_ip(v, ip)) return std::string(v);
  return quoted(v);
}

uint64_t number_param(const http_request& req, std::string_view name, uint64_t fallback) {
  auto v = req.query_value(name);
  uint64_t out = fallback;
  if (v) std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}

}  // namespace

std::string edge_expression(const table::summary_table& summary, size_t key_columns, size_t row) {
  std::string expr;
  for (size_t k = 0; k < key_columns && k < summary.columns.size(); ++k) {
    const table::column& c = summary.columns[k];
    std::string cell;
    table::append_cell(cell, c, row, table::table_format::csv);
    if (!expr.empty()) expr += " and ";
    expr += "`" + c.name + "` == ";
    expr += c.type == table::column_type::string ? literal(c.strings[row]) : cell;
  }
  return expr;
}

namespace {

// Every match, read on several threads and sent as it comes (limit=all).
http_reply stream_rows(const engine::rows_options& o, const query_sources& sources,
                       const std::shared_ptr<std::atomic<int>>& running) {
  if (running->fetch_add(1) >= MAX_STREAMS) {
    running->fetch_sub(1);
    http_reply r = http_reply::text(503, "too many row streams at once, try again\n");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  // The wake function arrives after the stream starts: it is kept here.
  struct wake_slot {
    std::mutex mu;
    std::function<void()> wake;
    void operator()() {
      std::lock_guard lock(mu);
      if (wake) wake();
    }
  };
  auto slot = std::make_shared<wake_slot>();
  const unsigned threads = sources.stream_threads ? sources.stream_threads
                                                  : std::max(1u, std::thread::hardware_concurrency());
  auto started = engine::row_stream::start(o, threads, [slot] { (*slot)(); });
  if (!started) {
    running->fetch_sub(1);
    return error_reply(started.err());
  }
  // Counted off when MHD lets go of the response.
  struct held {
    held(std::unique_ptr<engine::row_stream> s, std::shared_ptr<std::atomic<int>> r)
        : stream(std::move(s)), running(std::move(r)) {}
    held(const held&) = delete;
    held& operator=(const held&) = delete;
    std::unique_ptr<engine::row_stream> stream;
    std::shared_ptr<std::atomic<int>> running;
    ~held() {
      stream.reset();
      running->fetch_sub(1);
    }
  };
  auto h = std::make_shared<held>(std::move(*started), running);
  http_reply r = http_reply::stream(
      [h](std::uint64_t, char* buf, std::size_t max) -> std::int64_t {
        const std::int64_t n = h->stream->take(buf, max);
        if (n == engine::row_stream::END) return BODY_END;
        if (n == engine::row_stream::FAILED) return BODY_ERROR;  // the client sees a cut answer
        return n == engine::row_stream::WAIT ? BODY_WAIT : n;
      },
      "");
  std::get<streamed_body>(r.body).wait_for = [slot](std::function<void()> wake) {
    std::lock_guard lock(slot->mu);
    slot->wake = std::move(wake);
  };
  return r;
}

}  // namespace

void add_query_routes(graph_server& server, const query_sources& sources) {
  auto streams = std::make_shared<std::atomic<int>>(0);
  server.add_route(
      "/api/rows",
      [&sources, streams](const http_request& req) {
        engine::rows_options o = sources.rows;
        std::string where;
        if (auto w = req.query_value("where")) {
          where = std::string(*w);
        } else if (auto n = req.query_value("node")) {
          const std::string role(req.query_value("role").value_or("any"));
          const std::string v = literal(*n);
          if (role == "src")
            where = "id.orig_h == " + v;
          else if (role == "dst")
            where = "id.resp_h == " + v;
          else if (role == "any")
            where = "id.orig_h == " + v + " or id.resp_h == " + v;
          else
            return http_reply::text(400, "role is src, dst or any\n");
          o.index = sources.index;
          o.index_keys = {engine::value_key(*n)};
        } else if (auto e = req.query_value("edge")) {
          uint64_t row = UINT64_MAX;
          std::from_chars(e->data(), e->data() + e->size(), row);
          if (!sources.summary || row >= sources.summary->rows())
            return http_reply::text(400, "edge is a summary row number, 0 to " +
                                             std::to_string(sources.summary ? sources.summary->rows() : 0) + "\n");
          where = edge_expression(*sources.summary, sources.key_columns, row);
          // Every row behind it holds its key values in the indexed columns.
          if (sources.index) {
            std::vector<std::string_view> ends;
            for (const auto& name : sources.index->columns())
              for (size_t k = 0; k < sources.key_columns && k < sources.summary->columns.size(); ++k) {
                const table::column& c = sources.summary->columns[k];
                if (c.name == name && c.type == table::column_type::string) ends.push_back(c.strings[row]);
              }
            if (ends.size() == sources.index->columns().size()) {
              o.index = sources.index;
              o.index_keys = {engine::tuple_key(ends)};
            }
          }
        }
        if (!where.empty()) {
          auto f = query::filter::parse(where);
          if (!f) return error_reply(f.err());
          o.where = std::make_shared<const query::filter>(std::move(*f));
          // Within the --where serve was started with, as its graph is.
          if (sources.rows.where) {
            auto both = query::filter::parse("(" + sources.rows.where->text() + ") and (" + where + ")");
            if (!both) return error_reply(both.err());
            o.where = std::make_shared<const query::filter>(std::move(*both));
          }
        } else {
          o.where = sources.rows.where;
        }
        if (auto cols = req.query_value("columns")) {
          o.columns.clear();
          for (size_t start = 0; start <= cols->size();) {
            size_t comma = cols->find(',', start);
            if (comma == std::string_view::npos) comma = cols->size();
            if (comma > start) o.columns.emplace_back(cols->substr(start, comma - start));
            start = comma + 1;
          }
        }
        o.offset = number_param(req, "offset", 0);
        const bool all = req.query_value("limit") == std::optional<std::string_view>("all");
        o.limit = all ? 0 : std::min(number_param(req, "limit", 200), MAX_ROWS);
        if (o.limit == 0 && !all) o.limit = 200;
        const std::string format(req.query_value("format").value_or("ndjson"));
        o.format = format == "csv" ? table::row_format::csv
                   : format == "zeek" ? table::row_format::zeek
                                      : table::row_format::ndjson;
        const char* type = format == "csv"    ? "text/csv; charset=utf-8"
                           : format == "zeek" ? "text/tab-separated-values; charset=utf-8"
                                              : "application/x-ndjson; charset=utf-8";
        if (all) {
          http_reply r = stream_rows(o, sources, streams);
          if (r.status == 200) r.content_type = type;
          r.headers.push_back({"X-Where", where});
          return r;
        }
        o.count_all = number_param(req, "total", 0) != 0;
        std::ostringstream out;
        auto res = engine::write_rows(o, out);
        if (!res) return error_reply(res.err());
        http_reply r = http_reply::text(200, out.str());
        r.content_type = type;
        r.headers.push_back({"X-Where", where});
        if (res->indexed_bytes)
          r.headers.push_back({"X-Index-Read", std::to_string(res->index_read) + " of " + std::to_string(res->indexed_bytes) + " bytes"});
        if (o.count_all) r.headers.push_back({"X-Total-Count", std::to_string(res->matched)});
        return r;
      },
      route_thread::worker);

  // The last few re-queried graphs, by expression.
  struct cache {
    std::mutex mu;
    std::list<std::pair<std::string, std::shared_ptr<const graph_payload>>> recent;
  };
  auto kept = std::make_shared<cache>();
  server.add_route(
      "/api/requery",
      [&sources, kept](const http_request& req) {
        const std::string where(req.query_value("where").value_or(""));
        const std::string part(req.query_value("part").value_or("meta"));
        if (part != "meta" && part != "bin") return http_reply::text(400, "part is meta or bin\n");
        std::shared_ptr<const graph_payload> p;
        {
          std::lock_guard<std::mutex> lock(kept->mu);
          for (auto it = kept->recent.begin(); it != kept->recent.end(); ++it)
            if (it->first == where) {
              p = it->second;
              kept->recent.splice(kept->recent.begin(), kept->recent, it);
              break;
            }
        }
        if (!p) {
          auto made = sources.requery(where);
          if (!made) return error_reply(made.err());
          p = std::make_shared<const graph_payload>(std::move(*made));
          std::lock_guard<std::mutex> lock(kept->mu);
          kept->recent.emplace_front(where, p);
          if (kept->recent.size() > 4) kept->recent.pop_back();
        }
        http_reply r = http_reply::text(200, part == "bin" ? p->bin : p->meta_json);
        r.content_type = part == "bin" ? "application/octet-stream" : "application/json";
        return r;
      },
      route_thread::worker);
}

}  // namespace zeekgraph::server
