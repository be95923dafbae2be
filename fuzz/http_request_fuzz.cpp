// Fuzzes the HTTP request handling of `serve`: each input is sent as raw
// bytes to a live server on loopback, which must answer or close, and keep
// serving. A server that stops answering aborts the run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/graph_server.h"

namespace {

int port = 0;

// The server lives for the whole process (never destroyed, its thread
// detached), as in a fuzzing run.
void start_server() {
  auto* server = new zeekgraph::server::graph_server(zeekgraph::server::graph_payload{"ZGG1", "{}"});
  std::thread([server] {
    zeekgraph::server::serve_options o;
    o.port = 0;
    o.read_timeout_s = 1;
    (void)server->run(o, [](const std::string& url) { port = std::atoi(url.substr(url.rfind(':') + 1).c_str()); });
  }).detach();
  while (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// Sends `data`, reads whatever comes back (at most 4 KiB kept in `head`)
// until the server closes or `wait_ms` pass without a byte; false when
// connecting fails.
bool exchange(const uint8_t* data, size_t size, int wait_ms, std::string* head = nullptr) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{wait_ms / 1000, (wait_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return false;
  }
  (void)!::send(fd, data, size, MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    if (head && head->size() < 4096) head->append(buf, static_cast<size_t>(n));
  ::close(fd);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (port == 0) start_server();
  // A fuzzed input's connection is not waited out: after a whole request
  // and part of another, the server holds a half-closed connection until
  // its read timeout (8 inputs a second when each waited 2 s). The probe
  // below checks that the server still answers.
  if (!exchange(data, size, 100)) std::abort();
  static const uint8_t probe[] = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::string answer;
  if (!exchange(probe, sizeof probe - 1, 2000, &answer) || answer.rfind("HTTP/1.1 200 ", 0) != 0) std::abort();  // still serving
  return 0;
}
