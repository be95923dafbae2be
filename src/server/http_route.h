// What a route of `graph_server` sees and answers, free of the HTTP
// library: a request copied out of the connection (so it may move to a
// worker thread) and a reply whose body is borrowed memory, an owned
// string, or a producer that streams it without building it in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace zeekgraph::server {

using field_list = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method;   // "GET" or "HEAD": the server answers every other method itself (405)
  std::string path;     // percent-decoded, without the query string
  field_list query;     // the decoded ?name=value pairs in order; a name may repeat
  field_list headers;   // as received

  // The first value of the query parameter `name` (case-sensitive), or
  // nullopt when absent.
  std::optional<std::string_view> query_value(std::string_view name) const;
  // The first value of the header `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Writes the streamed body's bytes from `offset` (the count already sent)
// into `buf`, at most `max` of them, and returns how many (> 0), BODY_END
// once the body is complete, BODY_ERROR to cut the connection (the client
// sees a truncated answer), or BODY_WAIT when nothing is ready yet (only a
// body with a `wait_for` hook: the connection then sleeps until the hook's
// wake function is called, and the producer is called again). Called on an event-loop thread, once at
// a time per response, only as fast as the client reads, so a body of any
// size never sits in memory; it must return quickly (no waiting on locks
// or slow I/O), as the other clients of that thread wait meanwhile. A
// producer is destroyed when its response is done or abandoned; whatever
// it captures must live until then.
using body_producer = std::function<std::int64_t(std::uint64_t offset, char* buf, std::size_t max)>;
inline constexpr std::int64_t BODY_END = -1;
inline constexpr std::int64_t BODY_ERROR = -2;
inline constexpr std::int64_t BODY_WAIT = 0;

struct streamed_body {
  body_producer produce;
  std::optional<std::uint64_t> size;  // sent as Content-Length; unknown: chunked (HTTP/1.1) or until close
  // For a producer fed by another thread: the server calls this once,
  // before the first produce(), with the function that wakes a response
  // whose producer returned BODY_WAIT. The wake function may be called
  // from any thread, any number of times, also before a wait or after the
  // response is gone (it then does nothing); it never blocks for long.
  std::function<void(std::function<void()> wake)> wait_for;
};

// A route's answer. The server adds the security headers to every answer,
// and answers a single `Range: bytes=` on a 200 with an in-memory body
// itself (206 or 416), so routes never see ranges.
struct http_reply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";  // not sent when the body is empty
  field_list headers;  // extra headers, sent after the server's own
  // Borrowed memory (it must outlive the server: the payload, embedded
  // assets, literals), an owned string, or a stream.
  std::variant<std::string_view, std::string, streamed_body> body;

  static http_reply text(int status, std::string body) {
    http_reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static http_reply borrowed(std::string_view body, std::string type) {
    http_reply r;
    r.content_type = std::move(type);
    r.body = body;
    return r;
  }
  static http_reply stream(body_producer produce, std::string type, std::optional<std::uint64_t> size = {}) {
    http_reply r;
    r.content_type = std::move(type);
    r.body = streamed_body{std::move(produce), size};
    return r;
  }
  static http_reply empty(int status) {
    http_reply r;
    r.status = status;
    return r;
  }
};

// Handlers may throw; the client then gets a 500 and the server goes on.
using route_handler = std::function<http_reply(const http_request&)>;

// Where a handler runs. event_loop: inline, for answers from memory (the
// thread's other clients wait while it runs). worker: on one of
// serve_options::workers threads while the connection is suspended, for
// work that takes long (a re-query of ~1.5 s); the event loops keep
// serving everyone else meanwhile.
enum class route_thread { event_loop, worker };

}  // namespace zeekgraph::server
