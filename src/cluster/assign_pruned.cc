// The pruned assignment scan: LB_Kim, LB_Keogh, then DTW abandoned early against the best so far.
// Exactness: a centroid is skipped only when a lower bound is strictly above the best squared
// distance found (shrunk by a relative 1e-12 so that rounding in the bound's own sum can never
// hide a tie), and the abandoned recurrence only stops once every cell of a row is strictly above
// it; ties are resolved towards the lower cluster index exactly as the naive scan does.
#include <omp.h>

#include <limits>

#include "cluster/assign.h"
#include "internal/parallel.h"
#include "segcast/lower_bounds.h"

namespace segcast::internal {
namespace {

constexpr double kBoundShrink = 1.0 - 1e-12;

}  // namespace

void AssignPruned(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                  const DtwBand& band, int threads, const std::vector<int>* previous,
                  std::vector<int>& labels, std::vector<double>& squared,
                  AssignmentStats& stats, const AssignmentMemory* memory) {
  const int count = series.size();
  const int dims = series.dims;
  const int k = centroids.k;
  labels.assign(count, 0);
  squared.assign(count, 0.0);

  // LB_Keogh envelopes depend on the query length: build them once per distinct length.
  std::vector<int> length_slot(series.MaxLength() + 1, -1);
  std::vector<int> lengths;
  if (metric == Metric::kDtw) {
    for (int index = 0; index < count; ++index) {
      const int length = series.Length(index);
      if (length_slot[length] < 0) {
        length_slot[length] = static_cast<int>(lengths.size());
        lengths.push_back(length);
      }
    }
  }
  std::vector<Envelope> envelopes(lengths.size() * k);
  // An envelope costs at most length x length x dims steps; usually far below a region's worth.
  const int envelope_threads = ThreadsForWork(
      threads, DtwCells(static_cast<int64_t>(lengths.size()), k, centroids.length,
                        centroids.length, dims));
#pragma omp parallel for num_threads(envelope_threads) schedule(dynamic, 1) collapse(2)
  for (size_t slot = 0; slot < lengths.size(); ++slot) {
    for (int cluster = 0; cluster < k; ++cluster) {
      ComputeEnvelope(centroids.Centroid(cluster), centroids.length, dims, lengths[slot],
                      band.RadiusFor(lengths[slot], centroids.length),
                      envelopes[slot * k + cluster]);
    }
  }

  const bool remember = memory != nullptr && memory->labels != nullptr &&
                        memory->squared != nullptr && memory->unchanged != nullptr &&
                        static_cast<int>(memory->labels->size()) == count &&
                        static_cast<int>(memory->squared->size()) == count &&
                        static_cast<int>(memory->unchanged->size()) == k;
  int64_t pruned_kim = 0, pruned_keogh = 0, abandoned = 0, dtw_calls = 0, unchanged = 0;
  std::vector<DtwWorkspace> workspaces(threads);
  const int scan_threads =
      ThreadsForWork(threads, DtwCells(count, k, series.MaxLength(), centroids.length, dims));
#pragma omp parallel for num_threads(scan_threads) schedule(dynamic, 64) \
    reduction(+ : pruned_kim, pruned_keogh, abandoned, dtw_calls, unchanged)
  for (int index = 0; index < count; ++index) {
    DtwWorkspace& workspace = workspaces[omp_get_thread_num()];
    const double* x = series.Data(index);
    const int nx = series.Length(index);
    int first = (previous != nullptr && (*previous)[index] >= 0 && (*previous)[index] < k)
                    ? (*previous)[index]
                    : 0;
    double best = std::numeric_limits<double>::infinity();
    int best_cluster = -1;
    // See AssignmentMemory: the remembered label's distance is known, and centroids that did not
    // change cannot beat it.
    const bool known = remember && (*memory->labels)[index] >= 0 &&
                       (*memory->labels)[index] < k &&
                       (*memory->unchanged)[(*memory->labels)[index]] != 0;
    if (known) {
      first = (*memory->labels)[index];
      best = (*memory->squared)[index];
      best_cluster = first;
    }
    for (int step = 0; step < k; ++step) {
      // Visit the previous cluster first: it usually gives a tight bound at once.
      const int cluster = step == 0 ? first : (step <= first ? step - 1 : step);
      if (known && (cluster == first || (*memory->unchanged)[cluster] != 0)) {
        ++unchanged;
        continue;
      }
      const double* y = centroids.Centroid(cluster);
      double value;
      if (metric == Metric::kEuclidean) {
        value = EuclideanSquared(x, y, nx, dims, best);
        if (value == std::numeric_limits<double>::infinity()) {
          ++abandoned;
          continue;
        }
      } else {
        if (best_cluster >= 0) {
          if (LbKimSquared(x, nx, y, centroids.length, dims) * kBoundShrink > best) {
            ++pruned_kim;
            continue;
          }
          const Envelope& envelope = envelopes[length_slot[nx] * k + cluster];
          if (LbKeoghSquared(x, envelope, best) * kBoundShrink > best) {
            ++pruned_keogh;
            continue;
          }
        }
        ++dtw_calls;
        value = DtwSquared(x, nx, y, centroids.length, dims, band.RadiusFor(nx, centroids.length),
                           best, workspace);
        if (value == std::numeric_limits<double>::infinity()) {
          ++abandoned;
          continue;
        }
      }
      if (value < best || (value == best && cluster < best_cluster)) {
        best = value;
        best_cluster = cluster;
      }
    }
    labels[index] = best_cluster;
    squared[index] = best;
  }
  stats.pairs += static_cast<int64_t>(count) * k;
  stats.pruned_lb_kim += pruned_kim;
  stats.pruned_lb_keogh += pruned_keogh;
  stats.abandoned += abandoned;
  stats.dtw_calls += dtw_calls;
  stats.unchanged += unchanged;
}

}  // namespace segcast::internal
