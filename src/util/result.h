// result<T>: a value or an error, for failures a caller is expected to handle.
// The library never throws for expected failures (bad input, missing files);
// it returns result<T>. Only the CLI turns errors into messages and exit codes.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace zeekgraph {

enum class error_kind {
  io,           // a file could not be opened, read or mapped
  format,       // input is not any log format we know
  corrupt,      // the input stream itself is damaged (bad gzip)
  usage,        // a query or option is malformed
  resource,     // a memory or size budget was exceeded
  strict,       // a data problem under --strict
};

struct error {
  error_kind kind = error_kind::io;
  std::string message;  // one line, no trailing newline
  std::string hint;     // optional "what to try", may be empty
  // Optional: the text the error is about (one line, such as a --where
  // expression) and the byte offset in it where the fault is, which the
  // tool shows under the message with a caret.
  std::string source;
  size_t at = std::string::npos;
};

template <typename T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  result(error e) : v_(std::move(e)) {}              // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

struct ok_t {};
using status = result<ok_t>;
inline status ok_status() { return ok_t{}; }

}  // namespace zeekgraph
