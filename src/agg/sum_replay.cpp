#include "agg/sum_replay.h"

#include <algorithm>

namespace zeekgraph::agg {
namespace {

constexpr uint32_t NONE = UINT32_MAX;
constexpr size_t READ_BACK = size_t{1} << 16;  // values read back from the file at a time

}  // namespace

bool sum_replay::needed(const aggregate_plan& plan) {
  return std::any_of(plan.columns.begin(), plan.columns.end(), [](const column_plan& cp) { return cp.kahan_sum(); });
}

sum_replay::sum_replay(const aggregate_plan& plan, size_t items, size_t memory, bool keep_values)
    : plan_(plan), items_(items), memory_(memory), slot_(plan.columns.size(), -1), slices_(items, 0),
      keep_(keep_values) {
  for (size_t c = 0; c < plan.columns.size(); ++c)
    if (plan.columns[c].kahan_sum()) slot_[c] = static_cast<int>(width_++);
}

void sum_replay::key_of(const partial_aggregate& state, uint32_t gid) {
  // Each key value, length first: the same bytes in every state.
  key_.clear();
  for (size_t k = 0; k < plan_.key_columns.size(); ++k) {
    const std::string_view v = state.key_value(gid, k);
    const uint32_t n = static_cast<uint32_t>(v.size());
    key_.append(reinterpret_cast<const char*>(&n), 4);
    key_.append(v);
  }
}

sum_replay::~sum_replay() {
  if (plan_.budget) plan_.budget->release(charged_);
}

uint64_t sum_replay::memory_bytes() const {
  uint64_t b = keys_.memory_bytes() + sums_.capacity() * sizeof(ordered_state) + waiting_bytes_ +
               kept_.capacity() * sizeof(sum_entry);
  for (const auto& [state, ids] : ids_) b += ids.capacity() * sizeof(uint32_t);
  return b;
}

uint32_t sum_replay::id_of(const partial_aggregate& state, uint32_t gid) {
  key_of(state, gid);
  const uint32_t id = keys_.find_or_add(key_);
  if (static_cast<size_t>(id) * width_ >= sums_.size()) {
    sums_.resize((static_cast<size_t>(id) + 1) * width_);
    if (plan_.budget && (id & 4095) == 0) plan_.budget->charge_growing(charged_, memory_bytes());
  }
  return id;
}

void sum_replay::add(const sum_entry* e, size_t n) {
  if (keep_) {
    kept_.insert(kept_.end(), e, e + n);
    if (plan_.budget) plan_.budget->charge_growing(charged_, memory_bytes());
    return;
  }
  for (size_t i = 0; i < n; ++i)
    sums_[e[i].gid * width_ + static_cast<size_t>(slot_[e[i].column])].add(e[i].value);
}

void sum_replay::wait(waiting& w, pooled_vector<sum_entry>& log) {
  const size_t bytes = log.size() * sizeof(sum_entry);
  if (w.file.empty() && waiting_bytes_ + bytes <= memory_) {
    // The log itself waits (no copy); its state logs into a spare one.
    w.parts.emplace_back().swap(log);
    if (!spare_.empty()) {
      log.swap(spare_.back());
      spare_.pop_back();
    }
    waiting_bytes_ += bytes;
    return;
  }
  // Past the bound: this slice's values go to the file from now on, in
  // order (what it kept in memory first).
  if (!file_) file_ = std::make_unique<spill_file>("the ordered sums");
  for (auto& part : w.parts) {
    w.file.emplace_back(file_->append(part.data(), part.size() * sizeof(sum_entry)), part.size());
    waiting_bytes_ -= part.size() * sizeof(sum_entry);
  }
  w.parts.clear();
  if (!log.empty()) w.file.emplace_back(file_->append(log.data(), bytes), log.size());
}

void sum_replay::take(slice_id at, partial_aggregate& state, bool last) {
  pooled_vector<sum_entry>& log = state.sum_log();  // flushes the state: its own thread
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint32_t>& ids = ids_[&state];
  if (ids.size() < state.group_count()) ids.resize(state.group_count(), NONE);
  for (sum_entry& e : log) {
    uint32_t& id = ids[e.gid];
    if (id == NONE) id = id_of(state, e.gid);
    e.gid = id;
  }
  if (at == next_) {
    add(log.data(), log.size());  // its earlier values were summed when its turn came
    if (last) waiting_[at].done = true;
  } else {
    waiting& w = waiting_[at];
    wait(w, log);
    w.done = last;
  }
  log.clear();
  if (last) advance();
}

void sum_replay::expect_growth(double factor) {
  std::lock_guard<std::mutex> lock(mu_);
  // One piece of work only: the values kept so far are then that piece's,
  // whose rate `factor` is.
  if (!keep_ || items_ != 1) return;
  const auto want = static_cast<size_t>(static_cast<double>(kept_.size()) * factor);
  if (want > kept_.capacity()) kept_.reserve(want);
}

void sum_replay::close_item(size_t item, size_t slices) {
  std::lock_guard<std::mutex> lock(mu_);
  slices_[item] = slices;
  advance();
}

void sum_replay::advance() {
  pooled_vector<sum_entry> buf;
  while (next_.item < items_) {
    if (slices_[next_.item] && next_.part >= slices_[next_.item]) {
      next_ = {next_.item + 1, 0};
      continue;
    }
    auto it = waiting_.find(next_);
    if (it == waiting_.end()) break;
    waiting& w = it->second;
    for (auto& part : w.parts) {
      add(part.data(), part.size());
      waiting_bytes_ -= part.size() * sizeof(sum_entry);
      part.clear();
      spare_.push_back(std::move(part));
    }
    w.parts.clear();
    for (auto [offset, count] : w.file)
      for (size_t done = 0; done < count;) {
        const size_t n = std::min(READ_BACK, count - done);
        buf.resize(n);
        file_->read(offset + done * sizeof(sum_entry), buf.data(), n * sizeof(sum_entry));
        add(buf.data(), n);
        done += n;
      }
    w.file.clear();
    if (!w.done) break;  // its thread will hand on more
    waiting_.erase(it);
    ++next_.part;
  }
}

bool sum_replay::complete() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_.item == items_;
}

std::vector<uint32_t> sum_replay::ids_of(const partial_aggregate& state) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t known = sums_.size() / std::max<size_t>(width_, 1);
  std::vector<uint32_t> ids(state.group_count(), NONE);
  for (uint32_t gid = 0; gid < state.group_count(); ++gid) {
    key_of(state, gid);
    const uint32_t id = keys_.find_or_add(key_);
    if (id < known) ids[gid] = id;
  }
  return ids;
}

void sum_replay::apply(partial_aggregate& total) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t known = sums_.size() / std::max<size_t>(width_, 1);
  for (uint32_t gid = 0; gid < total.group_count(); ++gid) {
    key_of(total, gid);
    const uint32_t id = keys_.find_or_add(key_);
    if (id >= known) continue;  // no value in any Kahan column: nothing to set
    for (size_t c = 0; c < slot_.size(); ++c)
      if (slot_[c] >= 0) total.set_ordered(c, gid, sums_[id * width_ + static_cast<size_t>(slot_[c])]);
  }
}

}  // namespace zeekgraph::agg
