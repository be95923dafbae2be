// `zeekgraph serve`: an HTTP server for the UI and one graph. It answers
// GET and HEAD only, serves a fixed set of in-memory routes (there is no
// file system behind it, so no path can reach outside), caps request
// sizes, times out slow clients, and sends a strict Content-Security-
// Policy. It binds 127.0.0.1 unless told otherwise.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/graph_payload.h"
#include "util/result.h"

namespace zeekgraph::server {

struct serve_options {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port
  int read_timeout_s = 5;  // a client that sends nothing is dropped after this
  int threads = 256;  // worker threads: each serves one connection at a time, so more than clients
};

class graph_server {
 public:
  explicit graph_server(graph_payload payload);
  ~graph_server();

  // Listens and serves until stop(). `on_ready` receives the URL once the
  // socket is bound. Errors: error_kind::io when the address cannot be bound.
  status run(const serve_options& o, const std::function<void(const std::string& url)>& on_ready);
  void stop();

  // True for addresses only this machine can reach.
  static bool is_loopback(const std::string& address);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace zeekgraph::server
