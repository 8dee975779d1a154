// Davies-Bouldin under the clustering's own metric.
#include <omp.h>

#include <cmath>
#include <limits>

#include "cluster/assign.h"
#include "internal/parallel.h"
#include "segcast/quality.h"

namespace segcast {

double DaviesBouldin(const TimeSeriesSet& series, const std::vector<int>& labels,
                     const std::vector<double>& centroids, int k, int length, Metric metric,
                     const DtwBand& band, int threads) {
  if (k < 2) return std::numeric_limits<double>::quiet_NaN();
  threads = internal::ResolveThreads(threads);
  const int count = series.size();
  const int dims = series.dims;
  const int64_t cells = static_cast<int64_t>(length) * dims;
  std::vector<double> to_centroid(count);
  std::vector<DtwWorkspace> workspaces(threads);
  const int region_threads = internal::ThreadsForWork(
      threads, internal::DtwCells(count, 1, series.MaxLength(), length, dims));
#pragma omp parallel for num_threads(region_threads) schedule(dynamic, 64)
  for (int index = 0; index < count; ++index) {
    to_centroid[index] = std::sqrt(internal::SquaredDistance(
        series.Data(index), series.Length(index), centroids.data() + labels[index] * cells, length,
        dims, metric, band, workspaces[omp_get_thread_num()]));
  }
  std::vector<double> spread(k, 0.0);
  std::vector<int> sizes(k, 0);
  for (int index = 0; index < count; ++index) {
    spread[labels[index]] += to_centroid[index];
    ++sizes[labels[index]];
  }
  for (int cluster = 0; cluster < k; ++cluster) {
    if (sizes[cluster] > 0) spread[cluster] /= sizes[cluster];
  }
  double total = 0.0;
  int clusters = 0;
  DtwWorkspace& workspace = workspaces[0];
  for (int first = 0; first < k; ++first) {
    if (sizes[first] == 0) continue;
    double worst = 0.0;
    for (int second = 0; second < k; ++second) {
      if (second == first || sizes[second] == 0) continue;
      const double separation = std::sqrt(internal::SquaredDistance(
          centroids.data() + first * cells, length, centroids.data() + second * cells, length,
          dims, metric, band, workspace));
      if (separation > 0.0) worst = std::max(worst, (spread[first] + spread[second]) / separation);
    }
    total += worst;
    ++clusters;
  }
  return clusters < 2 ? std::numeric_limits<double>::quiet_NaN() : total / clusters;
}

}  // namespace segcast
