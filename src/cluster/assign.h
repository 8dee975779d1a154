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
  int64_t unchanged = 0;  //!< pairs skipped because neither centroid changed (AssignmentMemory)

  AssignmentStats& operator+=(const AssignmentStats& other) {
    pairs += other.pairs;
    pruned_lb_kim += other.pruned_lb_kim;
    pruned_lb_keogh += other.pruned_lb_keogh;
    abandoned += other.abandoned;
    dtw_calls += other.dtw_calls;
    unchanged += other.unchanged;
    return *this;
  }
};

//! What an earlier exact assignment of the same series established, so that a pair whose centroid
//! has not changed since need not be recomputed. If series s was given label p with squared
//! distance q, then every other centroid c was strictly farther (c < p) or not nearer (c > p);
//! while p and c keep their exact bits, that still holds and c cannot win, and q is still the
//! distance to p. Only centroids that changed are scanned, starting from best = q. Exact: the
//! labels and distances equal a scan from scratch.
struct AssignmentMemory {
  const std::vector<int>* labels = nullptr;      //!< labels that assignment wrote
  const std::vector<double>* squared = nullptr;  //!< the squared distances it wrote
  //! Per cluster: 1 if the centroid is bit-identical to the one that assignment used.
  const std::vector<char>* unchanged = nullptr;
};

//! Writes labels[s] (lowest cluster index among equal distances) and squared[s], the squared
//! distance to it. `previous` (may be null) only orders the search of the pruned strategy.
void AssignNaive(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                 const DtwBand& band, int threads, std::vector<int>& labels,
                 std::vector<double>& squared, AssignmentStats& stats);
void AssignPruned(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                  const DtwBand& band, int threads, const std::vector<int>* previous,
                  std::vector<int>& labels, std::vector<double>& squared,
                  AssignmentStats& stats, const AssignmentMemory* memory = nullptr);

//! Squared distance under a metric (Euclidean needs equal lengths), never abandoned.
double SquaredDistance(const double* x, int nx, const double* y, int ny, int dims, Metric metric,
                       const DtwBand& band, DtwWorkspace& workspace);

}  // namespace segcast::internal
