// graph_server's routing API from a client's side: query parameters and
// headers reach a handler, a streamed body arrives whole without being
// built in memory, a slow worker route leaves the event loop serving
// others, and stop() ends run().
#include "server/graph_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace zs = zeekgraph::server;
using namespace std::chrono_literals;

namespace {

// Sends `request` to 127.0.0.1:`port` and returns everything until close.
std::string send_request(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::string get(int port, const std::string& target) {
  return send_request(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

std::string body_of(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// A server on a free loopback port, run on its own thread.
class running_server {
 public:
  explicit running_server(zs::graph_server& s, zs::serve_options o = {}) : server_(s) {
    o.port = 0;
    std::promise<int> ready;
    auto port = ready.get_future();
    thread_ = std::thread([this, o, &ready] {
      result_ = server_.run(o, [&ready](const std::string& url) {
        ready.set_value(std::stoi(url.substr(url.rfind(':') + 1)));
      });
      done_ = true;
    });
    port_ = port.get();
  }
  ~running_server() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  bool done() const { return done_; }

 private:
  zs::graph_server& server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> done_{false};
  zeekgraph::status result_ = zeekgraph::ok_status();
};

TEST(graph_server, handler_sees_query_and_headers) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/echo", [](const zs::http_request& r) {
    return zs::http_reply::text(200, std::string(r.query_value("node").value_or("-")) + "|" +
                                         std::string(r.query_value("offset").value_or("-")) + "|" +
                                         std::string(r.header("x-probe").value_or("-")));
  });
  running_server run(s);
  std::string res = send_request(run.port(),
                             "GET /api/echo?node=10.0.0.1&offset=20 HTTP/1.1\r\nHost: localhost\r\n"
                             "X-Probe: yes\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(res.rfind("HTTP/1.1 200 ", 0), 0u) << res;
  EXPECT_EQ(body_of(res), "10.0.0.1|20|yes");
  EXPECT_NE(res.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
}

TEST(graph_server, streams_a_body_it_never_holds) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  constexpr uint64_t total = 50'000'000;
  s.add_route("/api/rows", [](const zs::http_request&) {
    return zs::http_reply::stream(
        [](uint64_t offset, char* buf, size_t max) -> int64_t {
          if (offset >= total) return zs::BODY_END;
          size_t n = static_cast<size_t>(std::min<uint64_t>(max, total - offset));
          for (size_t i = 0; i < n; ++i) buf[i] = static_cast<char>('a' + (offset + i) % 26);
          return static_cast<int64_t>(n);
        },
        "text/plain");
  });
  running_server run(s);
  std::string res = get(run.port(), "/api/rows");
  EXPECT_NE(res.find("Transfer-Encoding: chunked"), std::string::npos);
  // The chunked body, unframed, is the 50 MB sequence.
  std::string body = body_of(res), plain;
  for (size_t at = 0;;) {
    size_t eol = body.find("\r\n", at);
    ASSERT_NE(eol, std::string::npos);
    size_t n = std::stoul(body.substr(at, eol - at), nullptr, 16);
    if (n == 0) break;
    plain.append(body, eol + 2, n);
    at = eol + 2 + n + 2;
  }
  ASSERT_EQ(plain.size(), total);
  EXPECT_EQ(plain[total - 1], static_cast<char>('a' + (total - 1) % 26));
}

// The unframed body of a chunked response.
std::string unchunked(const std::string& body) {
  std::string plain;
  for (size_t at = 0;;) {
    size_t eol = body.find("\r\n", at);
    if (eol == std::string::npos) return plain + "<cut>";
    size_t n = std::stoul(body.substr(at, eol - at), nullptr, 16);
    if (n == 0) return plain;
    plain.append(body, eol + 2, n);
    at = eol + 2 + n + 2;
  }
}

// A body fed by another thread: the producer says BODY_WAIT, the
// connection sleeps (the event loop serves others), and the feeder's wake
// brings it back. Pieces come slowly and in bursts, and wakes also come
// when nothing waits, so every order of wake and wait is met.
TEST(graph_server, a_waiting_body_sleeps_until_woken) {
  struct feed {
    std::mutex mu;
    std::string ready;  // produced, not yet taken
    bool done = false;
    std::function<void()> wake;
    std::thread thread;
    ~feed() {
      if (thread.joinable()) thread.join();
    }
  };
  std::atomic<int> waits{0};
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/fed", [&waits](const zs::http_request&) {
    auto f = std::make_shared<feed>();
    zs::http_reply r = zs::http_reply::stream(
        [f, &waits](uint64_t, char* buf, size_t max) -> int64_t {
          std::lock_guard lock(f->mu);
          if (f->ready.empty()) {
            if (f->done) return zs::BODY_END;
            ++waits;
            return zs::BODY_WAIT;
          }
          const size_t n = std::min(max, f->ready.size());
          std::copy_n(f->ready.data(), n, buf);
          f->ready.erase(0, n);
          return static_cast<int64_t>(n);
        },
        "text/plain");
    std::get<zs::streamed_body>(r.body).wait_for = [f](std::function<void()> wake) {
      std::lock_guard lock(f->mu);
      f->wake = std::move(wake);
      // The feeder starts once the server can be woken.
      f->thread = std::thread([f = f.get()] {
        for (int i = 0; i < 200; ++i) {
          std::function<void()> w;
          {
            std::lock_guard lock(f->mu);
            f->ready += "piece " + std::to_string(i) + "\n";
            if (i == 199) f->done = true;
            w = f->wake;
          }
          w();
          if (i % 3 == 0) w();  // a spare wake
          if (i % 7 == 0) std::this_thread::sleep_for(2ms);
        }
      });
    };
    return r;
  });
  zs::serve_options o;
  o.threads = 1;  // one event loop: a busy wait would starve /api/health
  running_server run(s, o);
  auto fed = std::async(std::launch::async, [&] { return get(run.port(), "/api/fed"); });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(body_of(get(run.port(), "/api/health")), "ok\n");
  std::string expected;
  for (int i = 0; i < 200; ++i) expected += "piece " + std::to_string(i) + "\n";
  EXPECT_EQ(unchunked(body_of(fed.get())), expected);
  EXPECT_GT(waits.load(), 0);
}

// Stopping while a waiting body sleeps: the server wakes it, ends it (the
// client sees a cut answer), and stops; MHD would abort on a suspended one.
TEST(graph_server, stop_while_a_body_waits) {
  std::atomic<bool> asked{false};
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/never", [&asked](const zs::http_request&) {
    zs::http_reply r = zs::http_reply::stream(
        [&asked](uint64_t offset, char* buf, size_t) -> int64_t {
          if (offset == 0) {
            buf[0] = 'x';
            return 1;
          }
          asked = true;
          return zs::BODY_WAIT;  // and no one ever wakes it
        },
        "text/plain");
    std::get<zs::streamed_body>(r.body).wait_for = [](std::function<void()>) {};
    return r;
  });
  std::future<std::string> client;
  auto start = std::chrono::steady_clock::now();
  {
    running_server run(s);
    client = std::async(std::launch::async, [&] { return get(run.port(), "/api/never"); });
    for (int i = 0; i < 200 && !asked; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(asked.load());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_EQ(client.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(unchunked(body_of(client.get())), "x<cut>");
}

TEST(graph_server, worker_route_does_not_block_others) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/slow", [](const zs::http_request&) {
    std::this_thread::sleep_for(1500ms);
    return zs::http_reply::text(200, "slow\n");
  }, zs::route_thread::worker);
  zs::serve_options o;
  o.threads = 1;  // one event loop: an inline 1.5 s handler would stall it
  running_server run(s, o);
  auto slow = std::async(std::launch::async, [&] { return get(run.port(), "/api/slow"); });
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  std::string health = get(run.port(), "/api/health");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(body_of(health), "ok\n");
  EXPECT_LT(took, 500ms);
  EXPECT_EQ(body_of(slow.get()), "slow\n");
}

// MHD 0.9.75 aborts when it stops with a suspended connection: stop()
// must resume the one a worker runs and the one still queued.
TEST(graph_server, stop_with_worker_jobs_running_and_queued) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/slow", [](const zs::http_request&) {
    std::this_thread::sleep_for(300ms);
    return zs::http_reply::text(200, "slow\n");
  }, zs::route_thread::worker);
  zs::serve_options o;
  o.workers = 1;
  std::future<std::string> first, second;
  auto start = std::chrono::steady_clock::now();
  {
    running_server run(s, o);
    first = std::async(std::launch::async, [&] { return get(run.port(), "/api/slow"); });
    second = std::async(std::launch::async, [&] { return get(run.port(), "/api/slow"); });
    std::this_thread::sleep_for(100ms);
  }  // stop(): one job runs, the other waits in the queue
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // Both clients see their connection end (an answer or a close), none hangs.
  EXPECT_EQ(first.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(second.wait_for(5s), std::future_status::ready);
}

TEST(graph_server, handler_exception_is_a_500) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.add_route("/api/throws", [](const zs::http_request&) -> zs::http_reply { throw std::runtime_error("x"); });
  running_server run(s);
  EXPECT_EQ(get(run.port(), "/api/throws").rfind("HTTP/1.1 500 ", 0), 0u);
  EXPECT_EQ(body_of(get(run.port(), "/api/health")), "ok\n");
}

TEST(graph_server, allow_hosts_admits_a_name) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  zs::serve_options o;
  o.allow_hosts = {"Graph.Example"};
  running_server run(s, o);
  auto ask = [&](const std::string& host) {
    return send_request(run.port(), "GET /api/health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
        .substr(0, 12);
  };
  EXPECT_EQ(ask("graph.example:8080"), "HTTP/1.1 200");
  EXPECT_EQ(ask("GRAPH.EXAMPLE"), "HTTP/1.1 200");
  EXPECT_EQ(ask("other.example"), "HTTP/1.1 403");
  EXPECT_EQ(ask("127.0.0.2"), "HTTP/1.1 200");
}

TEST(graph_server, stop_before_run_returns_at_once) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  s.stop();
  zs::serve_options o;
  o.port = 0;
  bool ready = false;
  EXPECT_TRUE(s.run(o, [&](const std::string&) { ready = true; }).ok());
  EXPECT_TRUE(ready);
}

TEST(graph_server, bind_errors_are_values) {
  zs::graph_server s(zs::graph_payload{"ZGG1", "{}"});
  zs::serve_options o;
  o.bind = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  o.port = 0;
  auto st = s.run(o, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.err().kind, zeekgraph::error_kind::io);
  EXPECT_NE(st.err().message.find("cannot bind 192.0.2.1"), std::string::npos) << st.err().message;
}

TEST(graph_server, raise_fd_limit_reports_the_soft_limit) {
  auto n = zs::raise_fd_limit();
  ASSERT_TRUE(n.ok());
  EXPECT_GE(*n, 64u);
}

}  // namespace
