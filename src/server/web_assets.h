// The web UI, bundled by esbuild at build time and compiled into the binary
// (cmake/embed_assets.cmake writes the definitions).
#pragma once

#include <string_view>

namespace zeekgraph::server {

// "index.html" (template), "style.css", "app.js"; empty when unknown.
std::string_view web_asset(std::string_view name);

}  // namespace zeekgraph::server
