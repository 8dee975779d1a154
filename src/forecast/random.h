// A small, fast, platform-independent random source for interval simulation.
//
// std::normal_distribution is implementation-defined, so results could differ between standard
// libraries; this generator gives the same draws everywhere. xoshiro256++ (Blackman & Vigna 2018,
// "Scrambled linear pseudorandom number generators") seeded through SplitMix64; normals by the
// Marsaglia polar method; Laplace by inverse CDF; Poisson by Knuth's product method (small means).
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace segcast::internal {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

//! FNV-1a of a string mixed with a seed: per-series streams independent of thread scheduling.
inline uint64_t SeedFor(uint64_t seed, std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
  uint64_t state = seed ^ hash;
  return SplitMix64(state);
}

class XoshiroRandom {
 public:
  explicit XoshiroRandom(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(state_[0] + state_[3], 23) + state_[0];
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }
  //! Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return u * factor;
  }
  //! Laplace(0, scale).
  double Laplace(double scale) {
    const double u = Uniform() - 0.5;
    return -scale * (u < 0 ? -1.0 : 1.0) * std::log1p(-2.0 * std::fabs(u));
  }
  //! Poisson(mean) for mean below ~30 (the expected number of future changepoints).
  int Poisson(double mean) { return mean <= 0 ? 0 : PoissonBelow(std::exp(-mean)); }
  //! Poisson with mean -log(limit), for callers drawing many counts of one mean; limit in (0, 1].
  int PoissonBelow(double limit) {
    if (limit >= 1.0) return 0;
    int count = 0;
    double product = Uniform();
    while (product > limit) {
      ++count;
      product *= Uniform();
    }
    return count;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace segcast::internal
