// Test support: sets an environment variable for one scope and puts back
// what was there (or its absence) however the scope is left, an early
// ASSERT_* return included.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace zeekgraph::test {

class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace zeekgraph::test
