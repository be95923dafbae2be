// The web UI, bundled by esbuild at build time and compiled into the binary
// (cmake/embed_assets.cmake writes the definitions). The .js and .css are
// already made safe to inline in HTML ("</script" and "<!--" in the script,
// "</style" in the style, rewritten to mean the same).
#pragma once

#include <string_view>

namespace zeekgraph::server {

// "index.html" (template), "style.css", "app.js"; empty when unknown.
std::string_view web_asset(std::string_view name);

// The SHA-256 of web_asset(name), 32 bytes, computed at build time (the
// standalone page's Content-Security-Policy names its inline script and
// style by it); empty when unknown.
std::string_view web_asset_sha256(std::string_view name);

}  // namespace zeekgraph::server
