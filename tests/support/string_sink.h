// Test support: a gen::text_sink that keeps what the generator writes in
// memory, for tests that want a generated log as a string.
#pragma once

#include <string>
#include <string_view>

#include "gen/conn_generator.h"

namespace zeekgraph::test {

struct string_sink final : gen::text_sink {
  std::string data;
  status write(std::string_view b) override {
    data.append(b);
    return ok_status();
  }
};

}  // namespace zeekgraph::test
