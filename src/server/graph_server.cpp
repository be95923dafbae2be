#include "server/graph_server.h"

// libmicrohttpd (Debian's 0.9.75) runs the connections: epoll event loops
// on internal threads, ERROR_LOG off so it never prints. Everything HTTP
// that a route might care about is translated here, in both directions,
// so routes (server/http_route.h) never see the library. The protocol
// errors MHD answers itself (a malformed request line, headers past the
// connection's buffer: 431, an HTTP version it lacks: 505) go out with its
// fixed bodies and without the security headers: they echo nothing of the
// request, and the connection closes after them.
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "io/gzip_encoder.h"
#include "server/web_assets.h"

namespace zeekgraph::server {

namespace {

constexpr std::uint64_t MAX_BODY_BYTES = 1024;  // the API takes no input
// Per-connection memory for the request line, headers and response
// headers: a request whose headers don't fit (about 8 KiB, as with the
// server before) is refused with 431. 2,000 connections hold 32 MB at most.
constexpr std::size_t CONNECTION_MEMORY = 16 * 1024;
constexpr int RESERVED_FDS = 64;           // the process's own files, pipes, epoll sets
constexpr int MAX_AUTO_CONNECTIONS = 10000;
constexpr std::size_t MAX_QUEUED_JOBS = 64;  // worker routes beyond this get 503
constexpr std::size_t STREAM_BLOCK = 64 * 1024;

constexpr const char* SECURITY_HEADERS[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
     "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cache-Control", "no-store"},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20) || x == y;
         });
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The name part of a Host value, lowercased, without its :port
// ("[::1]:8080" -> "[::1]"); empty when malformed.
std::string host_name(std::string_view host) {
  std::string_view name = host;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return {};
    name = host.substr(0, close + 1);
    if (close + 1 < host.size() && host[close + 1] != ':') return {};
  } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
  }
  return lowercase(name);
}

bool is_loopback_name(const std::string& name) {
  if (name == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    in6_addr v6{};
    std::string inner = name.substr(1, name.size() - 2);
    return ::inet_pton(AF_INET6, inner.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

// How a `Range` header applies to a body of `size` bytes (RFC 9110 14.2).
// Only one range is honoured; several, another unit, or a malformed spec
// are ignored (the whole body is sent, as the RFC allows).
struct range_answer {
  enum class kind { whole, part, unsatisfiable } what = kind::whole;
  std::uint64_t first = 0, last = 0;  // inclusive, for part
};

bool parse_u64(std::string_view s, std::uint64_t& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    v = UINT64_MAX;  // all digits, just huge: past any body
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  return ec == std::errc() && p == s.data() + s.size();
}

range_answer apply_range(std::string_view header, std::uint64_t size) {
  using kind = range_answer::kind;
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size() || !iequals(header.substr(0, unit.size()), unit)) return {};
  std::string_view spec = header.substr(unit.size());
  while (!spec.empty() && (spec.front() == ' ' || spec.front() == '\t')) spec.remove_prefix(1);
  while (!spec.empty() && (spec.back() == ' ' || spec.back() == '\t')) spec.remove_suffix(1);
  auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return {};
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {  // "-n": the last n bytes
    if (!parse_u64(b, last)) return {};
    if (last == 0 || size == 0) return {kind::unsatisfiable};
    return {kind::part, size - std::min(last, size), size - 1};
  }
  if (!parse_u64(a, first)) return {};
  if (b.empty()) {
    last = UINT64_MAX;
  } else if (!parse_u64(b, last) || last < first) {
    return {};
  }
  if (first >= size) return {kind::unsatisfiable};
  return {kind::part, first, std::min(last, size - 1)};
}

// The state of one request on a connection (MHD's con_cls), from its
// headers to its answer.
struct request_state {
  bool started = false;     // the first call (headers only) has passed
  bool dispatched = false;  // handed to a worker; the connection is suspended
  std::uint64_t body_bytes = 0;
  std::optional<http_reply> ready;  // a worker's answer, queued when MHD calls back after resume
};

}  // namespace

std::optional<std::string_view> http_request::query_value(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string_view> http_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

result<std::uint64_t> raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0)
    return error{error_kind::io, std::string("cannot read the open-file limit: ") + std::strerror(errno), ""};
  rlim_t want = r.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : r.rlim_max;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < want) {
    rlimit raised{want, r.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) r.rlim_cur = want;
  }
  return static_cast<std::uint64_t>(r.rlim_cur);
}

// A streamed response whose producer may wait for another thread. The
// event loop suspends the connection when the producer has nothing; the
// producer's thread resumes it. `pending` covers a wake that comes between
// the producer's answer and the suspension.
struct stream_wait {
  std::mutex mu;
  MHD_Connection* connection = nullptr;
  bool suspended = false;
  bool pending = false;
  bool alive = true;      // false once MHD freed the response
  bool stopping = false;  // the server is stopping: end the body
};

// What MHD's content reader sees.
struct stream_context {
  streamed_body body;
  std::shared_ptr<stream_wait> wait;  // null for producers that never wait
};

struct graph_server::impl {
  struct route {
    route_handler handler;
    route_thread where;
  };
  struct job {
    MHD_Connection* connection;
    request_state* state;
    const route* target;
    http_request request;
  };

  graph_payload payload;
  std::string page;
  std::string meta_gz;
  std::unordered_map<std::string, route> routes;
  int stop_fd = -1;  // an eventfd: stop() writes it, run() waits on it

  // Set by run() before the daemon starts, read by its threads.
  std::vector<std::string> allowed_hosts;  // lowercased, besides localhost and loopback addresses

  std::mutex jobs_mutex;
  std::condition_variable jobs_ready;
  std::deque<job> jobs;
  bool jobs_stopping = false;
  std::vector<std::thread> workers;

  // Streams that may wait, so that stopping can wake them: MHD_stop_daemon
  // must not meet a suspended connection.
  std::mutex waits_mutex;
  std::vector<std::weak_ptr<stream_wait>> waits;

  bool waits_stopping = false;

  void add_wait(const std::shared_ptr<stream_wait>& w) {
    std::lock_guard lock(waits_mutex);
    if (waits_stopping) w->stopping = true;  // not yet shared: no lock needed
    std::erase_if(waits, [](const std::weak_ptr<stream_wait>& x) { return x.expired(); });
    waits.push_back(w);
  }
  void stop_waits() {
    std::lock_guard lock(waits_mutex);
    for (auto& weak : waits)
      if (auto w = weak.lock()) {
        std::lock_guard l(w->mu);
        w->stopping = true;
        if (w->suspended && w->alive) {
          w->suspended = false;
          MHD_resume_connection(w->connection);
        }
      }
    waits.clear();
    waits_stopping = true;
  }

  bool host_admitted(std::string_view host) const {
    std::string name = host_name(host);
    if (name.empty()) return false;
    if (is_loopback_name(name)) return true;
    return std::find(allowed_hosts.begin(), allowed_hosts.end(), name) != allowed_hosts.end();
  }

  void start_workers(int n) {
    jobs_stopping = false;
    for (int i = 0; i < n; ++i) workers.emplace_back([this] { work(); });
  }

  // Jobs in flight finish and resume their connections; queued ones are
  // answered 503 and resumed here, as MHD_stop_daemon may not meet a
  // suspended connection (0.9.75 aborts).
  void stop_workers() {
    std::deque<job> dropped;
    {
      std::lock_guard lock(jobs_mutex);
      jobs_stopping = true;
      dropped.swap(jobs);
    }
    jobs_ready.notify_all();
    for (job& j : dropped) {
      j.state->ready = http_reply::text(503, "the server is stopping\n");
      MHD_resume_connection(j.connection);
    }
    for (auto& t : workers) t.join();
    workers.clear();
  }

  void work() {
    for (;;) {
      std::unique_lock lock(jobs_mutex);
      jobs_ready.wait(lock, [this] { return jobs_stopping || !jobs.empty(); });
      if (jobs_stopping) return;
      job j = std::move(jobs.front());
      jobs.pop_front();
      lock.unlock();
      j.state->ready = call(*j.target, j.request);
      MHD_resume_connection(j.connection);  // MHD calls on_request again, which queues the answer
    }
  }

  static std::optional<http_reply> answer(impl& s, MHD_Connection* c, request_state& st, const char* url,
                                          const char* method, const char* version);
  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                               const char* version, const char*, std::size_t* upload_size, void** con_cls);

  static http_reply call(const route& r, const http_request& req) {
    try {
      return r.handler(req);
    } catch (...) {
      return http_reply::text(500, "internal error\n");
    }
  }
};

namespace {

MHD_Result collect(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<field_list*>(cls)->emplace_back(key ? key : "", value ? value : "");
  return MHD_YES;
}

ssize_t read_stream(void* cls, std::uint64_t pos, char* buf, std::size_t max) {
  auto& ctx = *static_cast<stream_context*>(cls);
  try {
    for (;;) {
      if (ctx.wait) {
        std::lock_guard lock(ctx.wait->mu);
        if (ctx.wait->stopping) return MHD_CONTENT_READER_END_WITH_ERROR;
        ctx.wait->pending = false;
      }
      std::int64_t n = ctx.body.produce(pos, buf, max);
      if (n == BODY_END) return MHD_CONTENT_READER_END_OF_STREAM;
      if (n == BODY_WAIT && ctx.wait) {
        // Sleep until woken, unless a wake came meanwhile: then try again.
        std::lock_guard lock(ctx.wait->mu);
        if (ctx.wait->pending || ctx.wait->stopping) continue;
        ctx.wait->suspended = true;
        MHD_suspend_connection(ctx.wait->connection);
        return 0;
      }
      // Zero would make the event loop call again at once: an error by contract.
      if (n <= 0 || static_cast<std::uint64_t>(n) > max) return MHD_CONTENT_READER_END_WITH_ERROR;
      return static_cast<ssize_t>(n);
    }
  } catch (...) {
    return MHD_CONTENT_READER_END_WITH_ERROR;
  }
}

void free_stream(void* cls) {
  auto* ctx = static_cast<stream_context*>(cls);
  if (ctx->wait) {
    std::lock_guard lock(ctx->wait->mu);
    ctx->wait->alive = false;  // later wakes do nothing
  }
  delete ctx;  // the producer, and what it holds, after the wake is off
}
void free_string(void* cls) { delete static_cast<std::string*>(cls); }

// Narrows a 200 with an in-memory body to the request's Range: 206 with
// the slice, or 416. Sends Accept-Ranges either way.
void narrow_to_range(http_reply& rep, std::string_view range_header) {
  std::string_view whole = std::holds_alternative<std::string>(rep.body)
                               ? std::string_view(std::get<std::string>(rep.body))
                               : std::get<std::string_view>(rep.body);
  range_answer a = apply_range(range_header, whole.size());
  const std::string size = std::to_string(whole.size());
  if (a.what == range_answer::kind::whole) return;
  if (a.what == range_answer::kind::unsatisfiable) {
    rep = http_reply::text(416, "range not satisfiable\n");
    rep.headers.emplace_back("Content-Range", "bytes */" + size);
    return;
  }
  rep.status = 206;
  rep.headers.emplace_back("Content-Range",
                           "bytes " + std::to_string(a.first) + "-" + std::to_string(a.last) + "/" + size);
  std::string_view part = whole.substr(a.first, a.last - a.first + 1);
  if (std::holds_alternative<std::string>(rep.body))
    rep.body = std::string(part);
  else
    rep.body = part;
}

// Hands `rep` to MHD for the connection. MHD_NO (the connection closes)
// when the library cannot take it.
MHD_Result queue(MHD_Connection* c, http_reply&& rep, const std::function<void(const std::shared_ptr<stream_wait>&)>& track = {}) {
  MHD_Response* r = nullptr;
  bool has_body = true;
  if (auto* view = std::get_if<std::string_view>(&rep.body)) {
    has_body = !view->empty();
    r = MHD_create_response_from_buffer(view->size(), const_cast<char*>(view->data()), MHD_RESPMEM_PERSISTENT);
  } else if (auto* text = std::get_if<std::string>(&rep.body)) {
    has_body = !text->empty();
    auto* owned = new std::string(std::move(*text));
    r = MHD_create_response_from_buffer_with_free_callback_cls(owned->size(), owned->data(), &free_string, owned);
    if (!r) delete owned;
  } else {
    auto* stream = new stream_context{std::move(std::get<streamed_body>(rep.body)), nullptr};
    if (stream->body.wait_for) {
      auto w = std::make_shared<stream_wait>();
      w->connection = c;
      if (track) track(w);
      stream->body.wait_for([w] {
        std::lock_guard lock(w->mu);
        if (!w->alive) return;
        if (w->suspended) {
          w->suspended = false;
          MHD_resume_connection(w->connection);
        } else {
          w->pending = true;
        }
      });
      stream->wait = std::move(w);
    }
    std::uint64_t size = stream->body.size.value_or(MHD_SIZE_UNKNOWN);
    r = MHD_create_response_from_callback(size, STREAM_BLOCK, &read_stream, stream, &free_stream);
    if (!r) delete stream;
  }
  if (!r) return MHD_NO;
  bool added = true;
  for (const auto& [name, value] : SECURITY_HEADERS) added &= MHD_add_response_header(r, name, value) == MHD_YES;
  if (has_body && !rep.content_type.empty())
    added &= MHD_add_response_header(r, "Content-Type", rep.content_type.c_str()) == MHD_YES;
  for (const auto& [name, value] : rep.headers)
    added &= MHD_add_response_header(r, name.c_str(), value.c_str()) == MHD_YES;
  MHD_Result ok = added ? MHD_queue_response(c, static_cast<unsigned>(rep.status), r) : MHD_NO;
  MHD_destroy_response(r);
  return ok;
}

// The answer to a request MHD has read whole, or nullopt when it went to
// a worker (the connection is then suspended).
}  // namespace

std::optional<http_reply> graph_server::impl::answer(impl& s, MHD_Connection* c, request_state& st, const char* url,
                                                     const char* method, const char* version) {
  const char* host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  if (!host) {
    if (std::strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
      return http_reply::text(400, "HTTP/1.1 requests need a Host header\n");
  } else if (!s.host_admitted(host)) {
    std::string shown(host, std::min<std::size_t>(std::strlen(host), 200));
    for (char& ch : shown)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return http_reply::text(403, "zeekgraph refused Host '" + shown +
                                     "': it serves only this machine's names (DNS-rebinding defence); start it "
                                     "with --allow-host " +
                                     host_name(shown) + " to admit that name\n");
  }
  const bool head = std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (!head && std::strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
    http_reply r = http_reply::text(405, "only GET and HEAD\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  auto it = s.routes.find(url);
  if (it == s.routes.end()) return http_reply::text(404, "404 not found\n");

  http_request req;
  req.method = method;
  req.path = url;
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, &collect, &req.query);
  MHD_get_connection_values(c, MHD_HEADER_KIND, &collect, &req.headers);

  if (it->second.where == route_thread::worker) {
    {
      std::lock_guard lock(s.jobs_mutex);
      if (s.jobs.size() < MAX_QUEUED_JOBS && !s.jobs_stopping) {
        st.dispatched = true;
        MHD_suspend_connection(c);
        s.jobs.push_back({c, &st, &it->second, std::move(req)});
      }
    }
    if (!st.dispatched) {
      http_reply r = http_reply::text(503, "busy, try again\n");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    s.jobs_ready.notify_one();
    return std::nullopt;
  }
  return call(it->second, req);
}

namespace {

// Range applies to a 200 whose body is in memory, unless If-Range asks for
// a version check: this server has no validators, so no If-Range matches.
void finish(MHD_Connection* c, http_reply& rep) {
  if (rep.status != 200 || std::holds_alternative<streamed_body>(rep.body)) return;
  rep.headers.emplace_back("Accept-Ranges", "bytes");
  const char* range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
  if (range && !MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE))
    narrow_to_range(rep, range);
}

// MHD's access handler. It calls this once when a request's headers are
// in, again for each piece of body, and once more when the request is
// whole (and again after a resume); the answer is queued on the last call,
// which keeps the connection open for the next (pipelined) request.
}  // namespace

MHD_Result graph_server::impl::on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                                          const char* version, const char*, std::size_t* upload_size,
                                          void** con_cls) {
  auto& s = *static_cast<impl*>(cls);
  try {
    auto* st = static_cast<request_state*>(*con_cls);
    if (!st) {
      st = new request_state;
      *con_cls = st;
      // A declared body over the cap is refused before it is read; the
      // connection then closes, as its body would follow.
      if (const char* len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        std::uint64_t n = 0;
        if (parse_u64(len, n) && n > MAX_BODY_BYTES)
          return queue(c, http_reply::text(413, "request bodies are limited to 1 KiB\n"));
      }
      st->started = true;
      return MHD_YES;
    }
    if (*upload_size != 0) {  // bodies are read and dropped; a chunked one past the cap closes the connection
      st->body_bytes += *upload_size;
      *upload_size = 0;
      return st->body_bytes > MAX_BODY_BYTES ? MHD_NO : MHD_YES;
    }
    if (st->dispatched) {
      if (!st->ready) return MHD_NO;  // resumed without an answer: the server is stopping
      http_reply rep = std::move(*st->ready);
      st->ready.reset();
      finish(c, rep);
      return queue(c, std::move(rep), [&s](const std::shared_ptr<stream_wait>& w) { s.add_wait(w); });
    }
    std::optional<http_reply> rep = answer(s, c, *st, url, method, version);
    if (!rep) return MHD_YES;  // a worker answers
    finish(c, *rep);
    return queue(c, std::move(*rep), [&s](const std::shared_ptr<stream_wait>& w) { s.add_wait(w); });
  } catch (...) {  // out of memory: drop this connection, keep serving
    return MHD_NO;
  }
}

namespace {

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
  delete static_cast<request_state*>(*con_cls);
  *con_cls = nullptr;
}

// A listening socket for `bind`:`port` (the first address it resolves to).
result<int> listen_on(const std::string& bind, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(bind.c_str(), service.c_str(), &hints, &found); rc != 0 || !found)
    return error{error_kind::io, "cannot resolve " + bind + ": " + ::gai_strerror(rc),
                 "pass an address of this machine, e.g. 127.0.0.1"};
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, found->ai_protocol);
  if (fd < 0) return error{error_kind::resource, std::string("cannot open a socket: ") + std::strerror(errno), ""};
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const std::string where = bind + ":" + service;
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
    int e = errno;
    ::close(fd);
    return error{error_kind::io, "cannot bind " + where + ": " + std::strerror(e),
                 e == EADDRINUSE ? "is the port in use? pass --port 0 for any free port"
                                 : "is the address local to this machine?"};
  }
  // A burst of clients (200 at once in the load test) must not overflow
  // the accept queue and wait out SYN retransmits (1 s, 3 s).
  if (::listen(fd, 1024) != 0) {
    int e = errno;
    ::close(fd);
    return error{error_kind::io, "cannot listen on " + where + ": " + std::strerror(e), ""};
  }
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

}  // namespace

graph_server::graph_server(graph_payload payload) : impl_(std::make_unique<impl>()) {
  impl& s = *impl_;
  s.payload = std::move(payload);
  s.page = served_page();
  s.meta_gz = io::gzip_compress(s.payload.meta_json, 1);  // 17.5 MB in ~0.1 s, once
  s.stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  auto fixed = [](std::string_view body, const char* type) {
    return [body, type](const http_request&) { return http_reply::borrowed(body, type); };
  };
  add_route("/", fixed(s.page, "text/html; charset=utf-8"));
  add_route("/index.html", fixed(s.page, "text/html; charset=utf-8"));
  add_route("/app.js", fixed(web_asset("app.js"), "text/javascript; charset=utf-8"));
  add_route("/style.css", fixed(web_asset("style.css"), "text/css; charset=utf-8"));
  add_route("/api/graph.bin", fixed(s.payload.bin, "application/octet-stream"));
  add_route("/api/meta.json", [&s](const http_request& req) {
    auto enc = req.header("Accept-Encoding");
    const bool gz = enc && enc->find("gzip") != std::string_view::npos;
    http_reply r = http_reply::borrowed(gz ? s.meta_gz : s.payload.meta_json, "application/json");
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (gz) r.headers.emplace_back("Content-Encoding", "gzip");
    return r;
  });
  add_route("/api/health", fixed("ok\n", "text/plain"));
  add_route("/favicon.ico", [](const http_request&) { return http_reply::empty(204); });
}

graph_server::~graph_server() {
  if (impl_->stop_fd >= 0) ::close(impl_->stop_fd);
}

void graph_server::add_route(std::string path, route_handler handler, route_thread where) {
  impl_->routes.insert_or_assign(std::move(path), impl::route{std::move(handler), where});
}

bool graph_server::is_loopback(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

status graph_server::run(const serve_options& o, const std::function<void(const std::string&)>& on_ready) {
  impl& s = *impl_;
  if (s.stop_fd < 0) return error{error_kind::resource, "cannot create the server's stop signal (eventfd)", ""};

  s.allowed_hosts.clear();
  {
    std::lock_guard lock(s.waits_mutex);
    s.waits_stopping = false;
  }
  for (const std::string& name : o.allow_hosts) {
    std::string n = host_name(name);
    if (n.find(':') != std::string::npos && n.front() != '[') n = "[" + n + "]";  // a bare IPv6 address
    s.allowed_hosts.push_back(n);
  }
  std::string bind_name = lowercase(o.bind);
  if (bind_name.find(':') != std::string::npos) bind_name = "[" + bind_name + "]";
  s.allowed_hosts.push_back(bind_name);

  auto fd = listen_on(o.bind, o.port);
  if (!fd) return fd.err();
  const int port = bound_port(*fd);

  int limit = o.max_connections;
  if (limit <= 0) {
    rlimit r{};
    std::uint64_t files = ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY ? r.rlim_cur : 1u << 20;
    limit = static_cast<int>(std::clamp<std::uint64_t>(files > RESERVED_FDS ? files - RESERVED_FDS : 16, 16,
                                                       MAX_AUTO_CONNECTIONS));
  }
  unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads)
                                   : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);

  s.start_workers(std::max(o.workers, 1));
  // MHD_USE_ERROR_LOG is not among the flags: the library prints nothing.
  MHD_Daemon* d = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, nullptr, nullptr, &impl::on_request, &s,
      MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(*fd),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(limit),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(std::max(o.read_timeout_s, 1)),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
      MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr,
      MHD_OPTION_END);
  if (!d) {
    s.stop_workers();
    ::close(*fd);
    return error{error_kind::resource, "cannot start the HTTP server (threads, memory or file descriptors)", ""};
  }

  std::string host = o.bind.find(':') != std::string::npos ? "[" + o.bind + "]" : o.bind;
  if (on_ready) on_ready("http://" + host + ":" + std::to_string(port) + "/");

  pollfd p{s.stop_fd, POLLIN, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
  std::uint64_t count = 0;
  (void)!::read(s.stop_fd, &count, sizeof count);  // rearm for another run()

  s.stop_workers();
  s.stop_waits();
  MHD_stop_daemon(d);  // closes the listening socket and every connection
  return ok_status();
}

void graph_server::stop() {
  const std::uint64_t one = 1;
  if (impl_->stop_fd >= 0) (void)!::write(impl_->stop_fd, &one, sizeof one);
}

}  // namespace zeekgraph::server
