#include "server/graph_server.h"

// Debian's cpp-httplib is a compiled library: its limits on header and URI
// length are its defaults (8 KiB each); bodies are capped below at 1 KiB,
// since the API takes no input.
#include <httplib.h>
#include <sys/socket.h>

#include "io/gzip_encoder.h"
#include "server/web_assets.h"

namespace zeekgraph::server {

struct graph_server::impl {
  graph_payload payload;
  std::string page;
  std::string meta_gz;
  httplib::Server http;
};

graph_server::graph_server(graph_payload payload) : impl_(std::make_unique<impl>()) {
  impl_->payload = std::move(payload);
  impl_->page = served_page();
  impl_->meta_gz = io::gzip_compress(impl_->payload.meta_json, 1);  // 17.5 MB in ~0.1 s, once
}

graph_server::~graph_server() = default;

bool graph_server::is_loopback(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

status graph_server::run(const serve_options& o, const std::function<void(const std::string&)>& on_ready) {
  httplib::Server& s = impl_->http;
  const int threads = o.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(1024);
  s.set_tcp_nodelay(true);  // headers and body go out in two writes: without this, Nagle + delayed ACK add 40 ms
  s.set_read_timeout(o.read_timeout_s, 0);
  s.set_write_timeout(10, 0);
  s.set_idle_interval(0, 100000);
  // A worker serves one keep-alive connection at a time: recycle them so
  // hundreds of clients share the pool fairly.
  s.set_keep_alive_max_count(100);
  s.set_keep_alive_timeout(5);
  s.set_default_headers({
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cache-Control", "no-store"},
  });
  auto serve = [](std::string_view body, const char* type) {
    return [body, type](const httplib::Request&, httplib::Response& res) {
      res.set_content(body.data(), body.size(), type);
    };
  };
  const graph_payload& p = impl_->payload;
  s.Get("/", serve(impl_->page, "text/html; charset=utf-8"));
  s.Get("/index.html", serve(impl_->page, "text/html; charset=utf-8"));
  // The library compresses text types itself, with Brotli at quality 11:
  // 21 s for the 17.5 MB meta JSON of the MACCDC-scale graph. So the big
  // bodies go out with types it leaves alone ("application/x-javascript"
  // is a JavaScript MIME type to browsers), the JSON gzipped once, here.
  s.Get("/app.js", serve(web_asset("app.js"), "application/x-javascript; charset=utf-8"));
  s.Get("/style.css", serve(web_asset("style.css"), "text/css; charset=utf-8"));
  s.Get("/api/graph.bin", serve(p.bin, "application/octet-stream"));
  s.Get("/api/meta.json", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Vary", "Accept-Encoding");
    if (req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(impl_->meta_gz.data(), impl_->meta_gz.size(), "application/octet-stream");
    } else {
      res.set_content(impl_->payload.meta_json.data(), impl_->payload.meta_json.size(), "application/octet-stream");
    }
  });
  s.Get("/api/health", serve("ok\n", "text/plain"));
  s.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  auto refuse = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("only GET and HEAD\n", "text/plain");
  };
  s.Post(".*", refuse);
  s.Put(".*", refuse);
  s.Patch(".*", refuse);
  s.Delete(".*", refuse);
  s.Options(".*", refuse);
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(std::to_string(res.status) + "\n", "text/plain");
  });

  // The library listens with a backlog of 5, so a burst of clients (200 at
  // once in the load test) overflowed the accept queue and waited out SYN
  // retransmits (1 s, 3 s). Keep the socket and raise the backlog after
  // bind: listen() on a listening socket updates it.
  int listen_fd = -1;
  s.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  int port = o.port;
  if (port == 0) {
    port = s.bind_to_any_port(o.bind);
    if (port < 0) return error{error_kind::io, "cannot bind " + o.bind, "is the address local to this machine?"};
  } else if (!s.bind_to_port(o.bind, port)) {
    return error{error_kind::io, "cannot bind " + o.bind + ":" + std::to_string(port),
                 "is the port in use? pass --port 0 for any free port"};
  }
  if (listen_fd >= 0) ::listen(listen_fd, 1024);
  std::string host = o.bind.find(':') != std::string::npos ? "[" + o.bind + "]" : o.bind;
  if (on_ready) on_ready("http://" + host + ":" + std::to_string(port) + "/");
  if (!s.listen_after_bind()) return error{error_kind::io, "the server stopped with an error", ""};
  return ok_status();
}

void graph_server::stop() { impl_->http.stop(); }

}  // namespace zeekgraph::server
