#include "io/input_paths.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace zeekgraph::io {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool looks_like_log(const std::string& name, const expand_options& opts) {
  if (!opts.log_path.empty() && name.find(opts.log_path) == std::string::npos) return false;
  return ends_with(name, ".log") || ends_with(name, ".log.gz") || ends_with(name, ".json") ||
         ends_with(name, ".json.gz") || name.find(".log.") != std::string::npos;
}

result<std::vector<std::string>> walk(const std::string& dir, const expand_options& opts) {
  std::vector<std::string> out;
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(
      dir, fs::directory_options::follow_directory_symlink | fs::directory_options::skip_permission_denied,
      ec);
  if (ec) return error{error_kind::io, dir + ": cannot read directory: " + ec.message(), ""};
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      return error{error_kind::io, dir + ": " + ec.message(),
                   ec == std::errc::too_many_symbolic_link_levels ? "a symlink loop?" : ""};
    }
    if (it.depth() > 64)
      return error{error_kind::io, dir + ": directories nest more than 64 deep",
                   "a symlink loop? remove it or name the files"};
    std::error_code fe;
    if (!it->is_regular_file(fe)) continue;
    std::string name = it->path().filename().string();
    if (looks_like_log(name, opts)) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.empty())
    return error{error_kind::io,
                 dir + ": no " + (opts.log_path.empty() ? "" : opts.log_path + " ") +
                     "logs in this directory",
                 "looked for names containing '" + opts.log_path +
                     "' ending in .log, .log.gz, .json; name files directly to read others"};
  return out;
}

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

}  // namespace

result<std::vector<std::string>> expand_inputs(const std::vector<std::string>& args,
                                               const expand_options& opts) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    if (a == "-") {
      out.push_back(a);
      continue;
    }
    std::error_code ec;
    auto st = fs::status(a, ec);
    if (!ec && fs::is_directory(st)) {
      auto files = walk(a, opts);
      if (!files) return files.err();
      out.insert(out.end(), files->begin(), files->end());
      continue;
    }
    if (!ec && fs::exists(st)) {
      out.push_back(a);
      continue;
    }
    if (has_glob_chars(a)) {
      glob_t g{};
      int r = ::glob(a.c_str(), 0, nullptr, &g);
      if (r == 0) {
        std::vector<std::string> matched(g.gl_pathv, g.gl_pathv + g.gl_pathc);
        ::globfree(&g);
        for (const auto& m : matched) {
          auto sub = expand_inputs({m}, opts);
          if (!sub) return sub.err();
          out.insert(out.end(), sub->begin(), sub->end());
        }
        continue;
      }
      ::globfree(&g);
      return error{error_kind::io, a + ": no file matches this pattern", ""};
    }
    if (fs::is_symlink(fs::symlink_status(a, ec)))
      return error{error_kind::io, a + ": broken symlink or symlink loop", ""};
    return error{error_kind::io, a + ": no such file or directory", ""};
  }
  return out;
}

}  // namespace zeekgraph::io
