// A library error as the answer to a request: a 400 for a usage error (a
// bad expression, an unknown column), else a 500; the body is the message,
// the expression with a caret under the fault, and the hint.
#pragma once

#include <string>

#include "server/http_route.h"
#include "util/result.h"

namespace zeekgraph::server {

inline http_reply error_reply(const error& e) {
  std::string body = e.message + "\n";
  if (!e.source.empty()) {
    body += "  " + e.source + "\n";
    if (e.at != std::string::npos) body += "  " + std::string(e.at, ' ') + "^\n";
  }
  if (!e.hint.empty()) body += "hint: " + e.hint + "\n";
  return http_reply::text(e.kind == error_kind::usage ? 400 : 500, body);
}

}  // namespace zeekgraph::server
