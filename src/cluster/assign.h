// The k-means assignment step, two strategies side by side (assign_naive.cc, assign_pruned.cc) so
// that the tests can check that pruning never changes a label or a distance.
#pragma once

#include <cstdint>
#include <vector>

#include "segcast/dtw.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast::internal {

struct CentroidView {
  const double* data = nullptr;  //!< k x length x dims
  int k = 0;
  int length = 0;
  int dims = 0;
  const double* Centroid(int cluster) const {
    return data + static_cast<int64_t>(cluster) * length * dims;
  }
};

struct AssignmentStats {
  int64_t pairs = 0;
  int64_t pruned_lb_kim = 0;
  int64_t pruned_lb_keogh = 0;
  int64_t abandoned = 0;
  int64_t dtw_calls = 0;
};

//! Writes labels[s] (lowest cluster index among equal distances) and squared[s], the squared
//! distance to it. `previous` (may be null) only orders the search of the pruned strategy.
void AssignNaive(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                 const DtwBand& band, int threads, std::vector<int>& labels,
                 std::vector<double>& squared, AssignmentStats& stats);
void AssignPruned(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                  const DtwBand& band, int threads, const std::vector<int>* previous,
                  std::vector<int>& labels, std::vector<double>& squared,
                  AssignmentStats& stats);

//! Squared distance under a metric (Euclidean needs equal lengths), never abandoned.
double SquaredDistance(const double* x, int nx, const double* y, int ny, int dims, Metric metric,
                       const DtwBand& band, DtwWorkspace& workspace);

}  // namespace segcast::internal
