#include "cluster/centroid_init.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "cluster/assign.h"
#include "internal/parallel.h"

namespace segcast::internal {

std::vector<int> KMeansPlusPlusSeeds(const TimeSeriesSet& series, int k, Metric metric,
                                     const DtwBand& band, int threads, MersenneRandom& random) {
  const int count = series.size();
  std::vector<DtwWorkspace> workspaces(threads);
  // One candidate centre against every series: DTW cells of count x 1 comparisons.
  const int region_threads = ThreadsForWork(
      threads, DtwCells(count, 1, series.MaxLength(), series.MaxLength(), series.dims));
  auto distances_to = [&](int center, std::vector<double>& out) {
    out.resize(count);
#pragma omp parallel for num_threads(region_threads) schedule(dynamic, 64)
    for (int index = 0; index < count; ++index) {
      out[index] = SquaredDistance(series.Data(center), series.Length(center), series.Data(index),
                                   series.Length(index), series.dims, metric, band,
                                   workspaces[omp_get_thread_num()]);
    }
  };
  // A candidate's distance only matters through min(distance, closest): DTW abandoned once it
  // provably exceeds closest[index] (+inf) gives the same minimum, bit for bit.
  auto closer_to = [&](int center, const std::vector<double>& closest, std::vector<double>& out) {
    out.resize(count);
#pragma omp parallel for num_threads(region_threads) schedule(dynamic, 64)
    for (int index = 0; index < count; ++index) {
      const double bound = closest[index];
      double value;
      if (metric == Metric::kEuclidean) {
        value = EuclideanSquared(series.Data(center), series.Data(index), series.Length(center),
                                 series.dims, bound);
      } else {
        value = DtwSquared(series.Data(center), series.Length(center), series.Data(index),
                           series.Length(index), series.dims,
                           band.RadiusFor(series.Length(center), series.Length(index)), bound,
                           workspaces[omp_get_thread_num()]);
      }
      out[index] = std::min(value, bound);
    }
  };
  std::vector<int> seeds;
  seeds.push_back(static_cast<int>(random.Below(count)));
  std::vector<double> closest;
  distances_to(seeds[0], closest);
  double potential = std::accumulate(closest.begin(), closest.end(), 0.0);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<double> cumulative(count);
  std::vector<double> candidate_distances;
  std::vector<double> best_distances;
  for (int center = 1; center < k; ++center) {
    std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
    double best_potential = std::numeric_limits<double>::infinity();
    int best_candidate = -1;
    for (int trial = 0; trial < trials; ++trial) {
      const double target = random.Uniform() * potential;
      int candidate = static_cast<int>(
          std::lower_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
      candidate = std::min(candidate, count - 1);
      closer_to(candidate, closest, candidate_distances);
      double candidate_potential = 0.0;
      for (int index = 0; index < count; ++index) candidate_potential += candidate_distances[index];
      if (candidate_potential < best_potential) {
        best_potential = candidate_potential;
        best_candidate = candidate;
        best_distances.swap(candidate_distances);
      }
    }
    seeds.push_back(best_candidate);
    closest.swap(best_distances);
    potential = best_potential;
  }
  return seeds;
}

std::vector<int> RandomSeeds(int count, int k, MersenneRandom& random) {
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  for (int position = 0; position < k; ++position) {
    const int64_t pick = position + random.Below(count - position);
    std::swap(order[position], order[pick]);
  }
  order.resize(k);
  return order;
}

void CopyPadded(const TimeSeriesSet& series, int index, int length, double* target) {
  const int dims = series.dims;
  const int available = std::min(length, series.Length(index));
  const double* data = series.Data(index);
  std::copy(data, data + static_cast<int64_t>(available) * dims, target);
  for (int step = available; step < length; ++step) {
    std::copy(data + static_cast<int64_t>(available - 1) * dims,
              data + static_cast<int64_t>(available) * dims,
              target + static_cast<int64_t>(step) * dims);
  }
}

}  // namespace segcast::internal
