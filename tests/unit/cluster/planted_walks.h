// A planted test set shared by the cluster tests: four levels (series % 4) of random walks of
// 4..13 steps in 2 dimensions, so a good clustering has four clear groups of unequal lengths.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "segcast/series.h"

namespace segcast::testing {

inline TimeSeriesSet PlantedWalks(uint64_t seed, int count) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> length_of(4, 13);
  TimeSeriesSet set;
  set.dims = 2;
  std::vector<double> steps;
  for (int series = 0; series < count; ++series) {
    const int length = length_of(engine);
    steps.resize(static_cast<size_t>(length) * 2);
    double value = 4.0 * (series % 4);
    for (double& step : steps) step = (value += 0.3 * normal(engine));
    set.Add(std::to_string(series), steps.data(), length);
  }
  return set;
}

}  // namespace segcast::testing
