#include "agg/key_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace zeekgraph::agg {
namespace {

key_cache::key make_key(const std::string& text) {
  key_cache::key k;
  std::memset(k.bytes, 0, key_cache::MAX_KEY);
  std::memcpy(k.bytes, text.data(), text.size());
  k.len = static_cast<uint32_t>(text.size());
  return k;
}

// A key's text: length-prefixed fields, as partial_aggregate builds them.
std::string seed_like(uint32_t i) {
  std::string t = "\x0b" "192.168.0.";
  t.append(std::to_string(i % 256)).append("\x02S").append(std::to_string(i / 256));
  return t;
}

std::string numbered(uint32_t i) {
  std::string t = "k";
  return t.append(std::to_string(i));
}

}  // namespace

TEST(key_cache, finds_what_it_stored_through_growth) {
  key_cache c(1 << 20);
  for (uint32_t i = 0; i < 50000; ++i) {
    auto k = make_key(seed_like(i));
    uint64_t h = key_cache::hash(k);
    ASSERT_EQ(c.find(k, h), key_cache::MISS);
    c.insert(k, h, i);
  }
  EXPECT_EQ(c.size(), 50000u);
  for (uint32_t i = 0; i < 50000; ++i) {
    auto k = make_key(seed_like(i));
    EXPECT_EQ(c.find(k, key_cache::hash(k)), i);
  }
}

TEST(key_cache, tells_keys_apart_by_their_bytes_and_length) {
  key_cache c;
  auto a = make_key("\x01" "a"), b = make_key("\x01" "b"), a0 = make_key(std::string("\x01" "a\0", 3));
  c.insert(a, key_cache::hash(a), 7);
  EXPECT_EQ(c.find(a, key_cache::hash(a)), 7u);
  EXPECT_EQ(c.find(b, key_cache::hash(b)), key_cache::MISS);
  // Same padded bytes, another length: another key, even under the same hash.
  EXPECT_EQ(c.find(a0, key_cache::hash(a)), key_cache::MISS);
  // The longest key compares all of its bytes.
  auto full = make_key(std::string(key_cache::MAX_KEY, 'x'));
  auto other = full;
  other.bytes[key_cache::MAX_KEY - 1] = 'y';
  c.insert(full, key_cache::hash(full), 9);
  EXPECT_EQ(c.find(full, key_cache::hash(full)), 9u);
  EXPECT_EQ(c.find(other, key_cache::hash(full)), key_cache::MISS);
}

TEST(key_cache, stops_taking_keys_at_its_capacity) {
  key_cache c(100);
  for (uint32_t i = 0; i < 300; ++i) {
    auto k = make_key(numbered(i));
    c.insert(k, key_cache::hash(k), i);
  }
  EXPECT_EQ(c.size(), 100u);
  auto first = make_key("k0"), late = make_key("k250");
  EXPECT_EQ(c.find(first, key_cache::hash(first)), 0u);
  EXPECT_EQ(c.find(late, key_cache::hash(late)), key_cache::MISS);
}

}  // namespace zeekgraph::agg
