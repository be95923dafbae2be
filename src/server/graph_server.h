// `zeekgraph serve`: an HTTP server for the UI and one graph, on
// libmicrohttpd's epoll event loops. Idle and slow clients cost a socket
// and a small buffer, not a thread, so thousands of them (2,000 that each
// send a byte every 2 s, tests/server/slow_clients_test.py) leave fresh
// requests answered in milliseconds; the thread-per-connection server it
// replaced stopped answering at 260.
//
// It answers GET and HEAD only, serves a fixed set of in-memory routes
// (there is no file system behind it, so no path can reach outside), caps
// request sizes, times out idle clients, sends a strict Content-Security-
// Policy on every answer, and binds 127.0.0.1 unless told otherwise. It
// answers only requests whose Host names this machine (localhost, a
// loopback address, the bind address) or a name in allow_hosts, so a web
// page whose name was re-bound to 127.0.0.1 cannot read the graph (DNS
// rebinding).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/graph_payload.h"
#include "server/http_route.h"
#include "util/result.h"

namespace zeekgraph::server {

struct serve_options {
  std::string bind = "127.0.0.1";  // an address or a name that resolves to one
  int port = 8080;                 // 0: any free port
  int read_timeout_s = 5;          // a connection idle this long (nothing received or sent) is closed
  int threads = 0;                 // event-loop threads; 0: one per core, at most 8
  int workers = 2;                 // threads for route_thread::worker routes
  // Most connections open at once; 0: as many as the open-file limit
  // allows (less 64 for the process's own files), at most 10,000.
  int max_connections = 0;
  // Host names (or addresses) admitted besides localhost, loopback
  // addresses and the bind address, compared case-insensitively and
  // without a :port suffix; `--allow-host NAME` on the command line.
  std::vector<std::string> allow_hosts;
};

// Raises this process's soft limit on open files to its hard limit (capped
// at 1,048,576 when the hard limit is unlimited), so that thousands of
// clients can be open at once (the usual soft limit is 1,024). Returns the
// soft limit now in force. Errors: error_kind::io when the limit cannot be
// read; a limit that cannot be raised is not an error (the current one is
// returned, and run() sizes its connection limit to it).
result<std::uint64_t> raise_fd_limit();

class graph_server {
 public:
  // Serves the UI and `payload`: /, /index.html, /app.js, /style.css,
  // /api/graph.bin, /api/meta.json (gzip when accepted), /api/health,
  // /favicon.ico (204).
  explicit graph_server(graph_payload payload);
  ~graph_server();
  graph_server(const graph_server&) = delete;
  graph_server& operator=(const graph_server&) = delete;

  // Adds (or replaces) the handler for exactly `path` (no patterns; the
  // query string is not part of it). Call before run(). Every request
  // reaching a handler is a GET or HEAD with an admitted Host and at most
  // 1 KiB of body (ignored); for HEAD the server drops the body it returns.
  void add_route(std::string path, route_handler handler, route_thread where = route_thread::event_loop);

  // Listens and serves until stop(). `on_ready` receives the URL once the
  // socket listens (with the real port when o.port is 0). Errors:
  // error_kind::io when the address cannot be resolved or bound;
  // error_kind::resource when the server cannot start (threads, memory,
  // file descriptors).
  status run(const serve_options& o, const std::function<void(const std::string& url)>& on_ready);

  // Makes run() return soon: it lets worker jobs in flight finish, then
  // closes every connection (answers not yet sent are lost). Async-signal-safe: it only writes to an
  // eventfd, so a SIGINT handler may call it. A stop() before run() makes
  // the next run() return right after on_ready.
  void stop();

  // True for addresses only this machine can reach.
  static bool is_loopback(const std::string& address);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace zeekgraph::server
