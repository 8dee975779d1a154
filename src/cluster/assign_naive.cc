// The plain assignment scan: every series against every centroid.
#include <omp.h>

#include <limits>

#include "cluster/assign.h"
#include "internal/parallel.h"

namespace segcast::internal {

double SquaredDistance(const double* x, int nx, const double* y, int ny, int dims, Metric metric,
                       const DtwBand& band, DtwWorkspace& workspace) {
  if (metric == Metric::kEuclidean) {
    return EuclideanSquared(x, y, nx, dims, std::numeric_limits<double>::infinity());
  }
  return DtwSquared(x, nx, y, ny, dims, band.RadiusFor(nx, ny),
                    std::numeric_limits<double>::infinity(), workspace);
}

void AssignNaive(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                 const DtwBand& band, int threads, std::vector<int>& labels,
                 std::vector<double>& squared, AssignmentStats& stats) {
  const int count = series.size();
  labels.assign(count, 0);
  squared.assign(count, 0.0);
  std::vector<DtwWorkspace> workspaces(threads);
  const int scan_threads = ThreadsForWork(
      threads, DtwCells(count, centroids.k, series.MaxLength(), centroids.length, series.dims));
#pragma omp parallel for num_threads(scan_threads) schedule(dynamic, 64)
  for (int index = 0; index < count; ++index) {
    DtwWorkspace& workspace = workspaces[omp_get_thread_num()];
    double best = std::numeric_limits<double>::infinity();
    int best_cluster = 0;
    for (int cluster = 0; cluster < centroids.k; ++cluster) {
      const double value =
          SquaredDistance(series.Data(index), series.Length(index), centroids.Centroid(cluster),
                          centroids.length, series.dims, metric, band, workspace);
      if (value < best) {
        best = value;
        best_cluster = cluster;
      }
    }
    labels[index] = best_cluster;
    squared[index] = best;
  }
  const int64_t pairs = static_cast<int64_t>(count) * centroids.k;
  stats.pairs += pairs;
  if (metric == Metric::kDtw) stats.dtw_calls += pairs;
}

}  // namespace segcast::internal
