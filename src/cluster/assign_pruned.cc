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
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// LB_Keogh envelopes depend on the query length: one per (distinct series length, centroid).
struct EnvelopeTable {
  int k = 0;
  std::vector<int> slot_of_length;  // -1: no series of that length
  std::vector<int> lengths;
  std::vector<Envelope> envelopes;  // lengths.size() x k
  const Envelope& For(int length, int cluster) const {
    return envelopes[slot_of_length[length] * k + cluster];
  }
};

EnvelopeTable BuildEnvelopes(const TimeSeriesSet& series, const CentroidView& centroids,
                             Metric metric, const DtwBand& band, int threads) {
  EnvelopeTable table;
  table.k = centroids.k;
  table.slot_of_length.assign(series.MaxLength() + 1, -1);
  if (metric == Metric::kDtw) {
    for (int index = 0; index < series.size(); ++index) {
      const int length = series.Length(index);
      if (table.slot_of_length[length] < 0) {
        table.slot_of_length[length] = static_cast<int>(table.lengths.size());
        table.lengths.push_back(length);
      }
    }
  }
  const std::vector<int>& lengths = table.lengths;
  const int k = centroids.k;
  table.envelopes.resize(lengths.size() * k);
  // An envelope costs at most length x length x dims steps; usually far below a region's worth.
  const int envelope_threads = ThreadsForWork(
      threads, DtwCells(static_cast<int64_t>(lengths.size()), k, centroids.length,
                        centroids.length, series.dims));
#pragma omp parallel for num_threads(envelope_threads) schedule(dynamic, 1) collapse(2)
  for (size_t slot = 0; slot < lengths.size(); ++slot) {
    for (int cluster = 0; cluster < k; ++cluster) {
      ComputeEnvelope(centroids.Centroid(cluster), centroids.length, series.dims, lengths[slot],
                      band.RadiusFor(lengths[slot], centroids.length),
                      table.envelopes[slot * k + cluster]);
    }
  }
  return table;
}

// The memory is used only when it describes these series and these centroids.
const AssignmentMemory* UsableMemory(const AssignmentMemory* memory, int count, int k) {
  const bool usable = memory != nullptr && memory->labels != nullptr &&
                      memory->squared != nullptr && memory->unchanged != nullptr &&
                      static_cast<int>(memory->labels->size()) == count &&
                      static_cast<int>(memory->squared->size()) == count &&
                      static_cast<int>(memory->unchanged->size()) == k;
  return usable ? memory : nullptr;
}

// Work avoided, summed over the series (integers: the sum does not depend on the threads).
#pragma omp declare reduction(+ : AssignmentStats : omp_out += omp_in) \
    initializer(omp_priv = AssignmentStats())

// What every series' scan shares.
struct Scan {
  const TimeSeriesSet& series;
  const CentroidView& centroids;
  Metric metric;
  const DtwBand& band;
  const EnvelopeTable& envelopes;
  const std::vector<int>* previous;  // may be null
  const AssignmentMemory* memory;    // null unless usable
};

// Where one series' scan starts: the cluster visited first and the best distance known before
// any is computed.
struct ScanStart {
  int first = 0;
  double best = kInfinity;
  int best_cluster = -1;
  bool known = false;  // best is the remembered distance to `first` (see AssignmentMemory)
};

ScanStart StartOfScan(const Scan& scan, int index) {
  const int k = scan.centroids.k;
  ScanStart start;
  if (scan.previous != nullptr && (*scan.previous)[index] >= 0 && (*scan.previous)[index] < k) {
    start.first = (*scan.previous)[index];
  }
  if (scan.memory == nullptr) return start;
  // See AssignmentMemory: the remembered label's distance is known, and centroids that did not
  // change cannot beat it.
  const int label = (*scan.memory->labels)[index];
  start.known = label >= 0 && label < k && (*scan.memory->unchanged)[label] != 0;
  if (start.known) {
    start.first = label;
    start.best = (*scan.memory->squared)[index];
    start.best_cluster = label;
  }
  return start;
}

// Squared distance of series x to `cluster`, or +inf when a bound or the abandoned recurrence
// shows that it cannot beat `best`.
double DistanceUnlessPruned(const Scan& scan, const double* x, int nx, int cluster, double best,
                            bool have_best, DtwWorkspace& workspace, AssignmentStats& counts) {
  const CentroidView& centroids = scan.centroids;
  const int dims = scan.series.dims;
  const double* y = centroids.Centroid(cluster);
  double value;
  if (scan.metric == Metric::kEuclidean) {
    value = EuclideanSquared(x, y, nx, dims, best);
  } else {
    if (have_best) {
      if (LbKimSquared(x, nx, y, centroids.length, dims) * kBoundShrink > best) {
        ++counts.pruned_lb_kim;
        return kInfinity;
      }
      if (LbKeoghSquared(x, scan.envelopes.For(nx, cluster), best) * kBoundShrink > best) {
        ++counts.pruned_lb_keogh;
        return kInfinity;
      }
    }
    ++counts.dtw_calls;
    value = DtwSquared(x, nx, y, centroids.length, dims, scan.band.RadiusFor(nx, centroids.length),
                       best, workspace);
  }
  if (value == kInfinity) ++counts.abandoned;
  return value;
}

struct Nearest {
  int cluster;
  double squared;
};

Nearest NearestCentroid(const Scan& scan, int index, DtwWorkspace& workspace,
                        AssignmentStats& counts) {
  const double* x = scan.series.Data(index);
  const int nx = scan.series.Length(index);
  const ScanStart start = StartOfScan(scan, index);
  double best = start.best;
  int best_cluster = start.best_cluster;
  for (int step = 0; step < scan.centroids.k; ++step) {
    // Visit the previous cluster first: it usually gives a tight bound at once.
    const int cluster = step == 0 ? start.first : (step <= start.first ? step - 1 : step);
    if (start.known && (cluster == start.first || (*scan.memory->unchanged)[cluster] != 0)) {
      ++counts.unchanged;
      continue;
    }
    const double value =
        DistanceUnlessPruned(scan, x, nx, cluster, best, best_cluster >= 0, workspace, counts);
    if (value == kInfinity) continue;
    if (value < best || (value == best && cluster < best_cluster)) {
      best = value;
      best_cluster = cluster;
    }
  }
  return {best_cluster, best};
}

}  // namespace

void AssignPruned(const TimeSeriesSet& series, const CentroidView& centroids, Metric metric,
                  const DtwBand& band, int threads, const std::vector<int>* previous,
                  std::vector<int>& labels, std::vector<double>& squared,
                  AssignmentStats& stats, const AssignmentMemory* memory) {
  const int count = series.size();
  const int k = centroids.k;
  labels.assign(count, 0);
  squared.assign(count, 0.0);
  const EnvelopeTable envelopes = BuildEnvelopes(series, centroids, metric, band, threads);
  const Scan scan{series,    centroids, metric, band, envelopes, previous,
                  UsableMemory(memory, count, k)};
  AssignmentStats counts;
  std::vector<DtwWorkspace> workspaces(threads);
  const int scan_threads = ThreadsForWork(
      threads, DtwCells(count, k, series.MaxLength(), centroids.length, series.dims));
#pragma omp parallel for num_threads(scan_threads) schedule(dynamic, 64) reduction(+ : counts)
  for (int index = 0; index < count; ++index) {
    const Nearest nearest =
        NearestCentroid(scan, index, workspaces[omp_get_thread_num()], counts);
    labels[index] = nearest.cluster;
    squared[index] = nearest.squared;
  }
  counts.pairs = static_cast<int64_t>(count) * k;
  stats += counts;
}

}  // namespace segcast::internal
