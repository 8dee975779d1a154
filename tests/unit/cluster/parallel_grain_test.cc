// Regions too small to pay for a second thread run on one; results never depend on it.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "internal/parallel.h"
#include "segcast/ts_kmeans.h"

TEST_CASE("Small regions run on one thread, large ones on the threads asked for",
          "[cluster][parallel]") {
  using segcast::internal::DtwCells;
  using segcast::internal::kMinParallelCells;
  using segcast::internal::ThreadsForWork;
  CHECK(ThreadsForWork(2, kMinParallelCells - 1) == 1);
  CHECK(ThreadsForWork(2, kMinParallelCells) == 2);
  CHECK(ThreadsForWork(1, kMinParallelCells * 4) == 1);
  // 4,338 Online Retail customers x 4 centroids x 13 months^2 x 4 features: worth two threads.
  CHECK(DtwCells(4338, 4, 13, 13, 4) == int64_t{4338} * 4 * 13 * 13 * 4);
  CHECK(ThreadsForWork(2, DtwCells(4338, 4, 13, 13, 4)) == 2);
  // One DBA pass over 40 members of 13 steps: one thread.
  CHECK(ThreadsForWork(2, DtwCells(40, 1, 13, 13, 4)) == 1);
}

TEST_CASE("A fit whose regions straddle the grain gives the same result on 1 and 2 threads",
          "[cluster][parallel]") {
  // 3,000 series of 4..13 steps: the assignment scans are above the grain, the late DBA passes
  // over small clusters below it.
  std::mt19937_64 engine(4);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> length_of(4, 13);
  segcast::TimeSeriesSet set;
  set.dims = 2;
  std::vector<double> steps;
  for (int series = 0; series < 3000; ++series) {
    const int length = length_of(engine);
    steps.resize(static_cast<size_t>(length) * 2);
    double value = 3.0 * (series % 5);
    for (double& step : steps) step = (value += 0.4 * normal(engine));
    set.Add(std::to_string(series), steps.data(), length);
  }
  segcast::TsKMeansOptions options;
  options.k = 5;
  options.seed = 9;
  options.max_iter = 10;
  options.threads = 1;
  const auto one = segcast::FitTsKMeans(set, options);
  options.threads = 2;
  const auto two = segcast::FitTsKMeans(set, options);
  CHECK(one.labels == two.labels);
  CHECK(one.centroids == two.centroids);
  CHECK(one.inertia == two.inertia);
  CHECK(one.iterations == two.iterations);
}
