#include "engine/row_index.h"

#include <sys/stat.h>

#include <algorithm>

#include "query/ip_address.h"
#include "util/bits.h"
#include "zeek/log_reader.h"
#include "zeek/schema_probe.h"

namespace zeekgraph::engine {
namespace {

constexpr unsigned PROBE_BITS = 16;
static_assert(row_index::FILTER_WORDS * 64 == uint64_t{1} << PROBE_BITS);
constexpr uint64_t PROBE_MASK = (uint64_t{1} << PROBE_BITS) - 1;

// Three probes from one 64-bit hash, 16 bits each.
struct probe3 {
  uint64_t bit[3];
  explicit probe3(uint64_t h) : bit{h & PROBE_MASK, h >> 21 & PROBE_MASK, h >> 42 & PROBE_MASK} {}
};

bool file_stamp(const std::string& path, uint64_t& size, int64_t& mtime_ns) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  size = static_cast<uint64_t>(st.st_size);
  mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

}  // namespace

uint64_t value_key(std::string_view value) {
  // An IPv6 address may be spelled in many ways and compares by value; an
  // IPv4 dotted quad that --where accepts has one spelling.
  if (value.find(':') != std::string_view::npos) {
    query::ip_address a;
    if (query::parse_ip(value, a)) return mul_fold(a.hi ^ 0x9e3779b97f4a7c15ull, a.lo + 6);
  }
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, then a fold to spread it
  for (unsigned char c : value) h = (h ^ c) * 0x100000001b3ull;
  return mul_fold(h, 0x9e3779b97f4a7c15ull);
}

uint64_t tuple_key(const std::vector<std::string_view>& values) {
  uint64_t h = 0x243f6a8885a308d3ull;
  for (auto v : values) h = mul_fold(h ^ value_key(v), 0x9e3779b97f4a7c15ull);
  return h;
}

// Files the indexed columns' values of one piece's rows, per block, and
// hands the piece's filters to the index when the piece is done.
class row_index::piece_sink final : public observed_sink {
 public:
  piece_sink(row_index& index, std::string path, std::vector<int> cells, zeek::row_sink& next)
      : index_(index), path_(std::move(path)), cells_(std::move(cells)), next_(next) {}
  ~piece_sink() override {
    flush();
    index_.merge(path_, done_);
  }
  zeek::row_verdict add_row(const zeek::cell* cells) override {
    const uint64_t block = reader_->line_offset() >> BLOCK_SHIFT;
    if (block != block_ || current_.empty()) {
      flush();
      block_ = block;
      current_.assign(FILTER_WORDS, 0);
    }
    uint64_t tuple = 0x243f6a8885a308d3ull;
    bool whole = true;
    for (int c : cells_) {
      const zeek::cell& v = cells[c];
      if (v.kind == zeek::cell_kind::null) {
        whole = false;
        continue;
      }
      const uint64_t h = value_key(v.text);
      tuple = mul_fold(tuple ^ h, 0x9e3779b97f4a7c15ull);
      set(h);
    }
    if (whole) set(tuple);
    return next_.add_row(cells);
  }

 private:
  void set(uint64_t key) {
    for (uint64_t bit : probe3(key).bit) current_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  void flush() {
    if (!current_.empty()) done_.emplace_back(block_, std::move(current_));
    current_.clear();
  }
  row_index& index_;
  std::string path_;
  std::vector<int> cells_;
  zeek::row_sink& next_;
  uint64_t block_ = 0;
  filter current_;
  std::vector<std::pair<uint64_t, filter>> done_;
};

row_index::row_index(std::vector<std::string> columns) : columns_(std::move(columns)) {}

std::unique_ptr<observed_sink> row_index::piece(const std::string& path,
                                                const std::vector<std::string>& reader_columns,
                                                zeek::row_sink& next) {
  std::vector<int> cells;
  for (const auto& c : columns_)
    for (size_t i = 0; i < reader_columns.size(); ++i)
      if (zeek::same_column(reader_columns[i], c)) {
        cells.push_back(static_cast<int>(i));
        break;
      }
  if (cells.empty()) return nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, fresh] = files_.try_emplace(path);
    if (fresh && !file_stamp(path, it->second.size, it->second.mtime_ns)) it->second.usable = false;
  }
  return std::make_unique<piece_sink>(*this, path, std::move(cells), next);
}

void row_index::merge(const std::string& path, std::vector<std::pair<uint64_t, filter>>& blocks) {
  std::lock_guard<std::mutex> lock(mu_);
  file_blocks& f = files_[path];
  for (auto& [n, bits] : blocks) {
    auto [it, fresh] = f.blocks.try_emplace(n);
    if (fresh) {
      it->second = std::move(bits);
    } else {
      for (size_t w = 0; w < FILTER_WORDS; ++w) it->second[w] |= bits[w];
    }
  }
}

void row_index::forget(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second.usable = false;
    it->second.blocks.clear();
  }
}

std::optional<std::vector<std::pair<uint64_t, uint64_t>>> row_index::ranges(
    const std::string& path, const std::vector<uint64_t>& keys) const {
  uint64_t size = 0;
  int64_t mtime = 0;
  if (!file_stamp(path, size, mtime)) return std::nullopt;
  std::vector<probe3> probe;
  for (uint64_t k : keys) probe.emplace_back(k);
  std::vector<std::pair<uint64_t, uint64_t>> out;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end() || !it->second.usable || it->second.size != size || it->second.mtime_ns != mtime)
    return std::nullopt;
  auto has = [](const filter& f, uint64_t bit) { return f[bit >> 6] >> (bit & 63) & 1; };
  for (const auto& [n, bits] : it->second.blocks) {
    bool all = true;
    for (const auto& p : probe)
      for (uint64_t bit : p.bit) all = all && has(bits, bit);
    if (!all) continue;
    const uint64_t begin = n << BLOCK_SHIFT, end = (n + 1) << BLOCK_SHIFT;
    if (!out.empty() && out.back().second == begin)
      out.back().second = end;
    else
      out.emplace_back(begin, end);
  }
  return out;
}

size_t row_index::files() const {
  std::lock_guard<std::mutex> lock(mu_);
  return files_.size();
}

size_t row_index::blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [p, f] : files_) n += f.blocks.size();
  return n;
}

uint64_t row_index::bytes() const { return blocks() * FILTER_WORDS * 8; }

}  // namespace zeekgraph::engine
