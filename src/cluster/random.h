// Seeded randomness that depends on nothing but the seed (not the standard library's
// distributions, whose algorithms differ between implementations).
#pragma once

#include <cstdint>
#include <random>

namespace segcast::internal {

//! SplitMix64 (Steele, Lea & Flood 2014): decorrelates derived seeds such as seed + run.
inline uint64_t MixSeed(uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

class MersenneRandom {
 public:
  explicit MersenneRandom(uint64_t seed) : engine_(MixSeed(seed)) {}
  //! Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  //! Uniform integer in [0, bound), bound >= 1 (rejection sampling: no modulo bias).
  int64_t Below(int64_t bound) {
    const uint64_t range = static_cast<uint64_t>(bound);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    uint64_t value;
    do {
      value = engine_();
    } while (value >= limit);
    return static_cast<int64_t>(value % range);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace segcast::internal
