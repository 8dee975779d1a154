// A 128-bit hash of a row's canonical text, the key of the exact-duplicate rule.
//
// Two 64-bit multiply-xorshift lanes with different constants, each finished with the
// splitmix64 finaliser (Steele, Lea and Flood 2014). Distinct rows collide with probability
// about n^2 / 2^129: below 1e-24 for ten million rows, so the rule is exact in practice without
// keeping every row's text in memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace segcast::internal {

struct RowKey {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const RowKey& other) const { return high == other.high && low == other.low; }
};

inline uint64_t FinishMix(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}

inline RowKey HashRow(std::string_view text) {
  uint64_t first = 0x243f6a8885a308d3ULL ^ text.size();
  uint64_t second = 0x13198a2e03707344ULL + text.size() * 0x9e3779b97f4a7c15ULL;
  const char* data = text.data();
  size_t remaining = text.size();
  while (remaining >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    first = (first ^ word) * 0x9e3779b97f4a7c15ULL;
    first ^= first >> 32;
    second = (second + word) * 0xc2b2ae3d27d4eb4fULL;
    second = (second << 31) | (second >> 33);
    data += 8;
    remaining -= 8;
  }
  uint64_t tail = 0;
  if (remaining > 0) std::memcpy(&tail, data, remaining);  // data may be null for an empty view
  first = (first ^ tail) * 0x9e3779b97f4a7c15ULL;
  second = (second + tail) * 0xc2b2ae3d27d4eb4fULL;
  return {FinishMix(first ^ (second >> 17)), FinishMix(second + first)};
}

}  // namespace segcast::internal
