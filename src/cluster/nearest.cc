// Exact k-nearest series with a per-thread pruning threshold: each thread keeps its own best n, so
// its n-th distance is never below the global n-th and pruning against it stays exact.
#include "segcast/nearest.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cluster/assign.h"
#include "internal/parallel.h"
#include "segcast/error.h"
#include "segcast/lower_bounds.h"

namespace segcast {
namespace {

constexpr double kBoundShrink = 1.0 - 1e-12;

bool Before(const NearestHit& a, const NearestHit& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
}

}  // namespace

void NearestOptions::Validate() const {
  if (count < 1) {
    throw InvalidArgument("ask for at least one neighbour", {"", 0, "n", "an integer >= 1"});
  }
  band.Validate();
}

NearestResult NearestSeries(const TimeSeriesSet& series, const double* query, int length, int exclude,
                            const NearestOptions& options) {
  options.Validate();
  const int threads = internal::ResolveThreads(options.threads);
  const int count = series.size();
  const int dims = series.dims;
  if (options.metric == Metric::kEuclidean && !series.EqualLength()) {
    throw InvalidArgument("the Euclidean metric needs series of equal length",
                          {"", 0, "metric", "dtw"});
  }
  // LB_Keogh of a candidate against the query's envelope, one envelope per candidate length.
  std::vector<int> slot(series.MaxLength() + 1, -1);
  std::vector<Envelope> envelopes;
  if (options.metric == Metric::kDtw) {
    for (int index = 0; index < count; ++index) {
      const int candidate_length = series.Length(index);
      if (slot[candidate_length] >= 0) continue;
      slot[candidate_length] = static_cast<int>(envelopes.size());
      envelopes.emplace_back();
      ComputeEnvelope(query, length, dims, candidate_length,
                      options.band.RadiusFor(candidate_length, length), envelopes.back());
    }
  }
  std::vector<std::vector<NearestHit>> local(threads);
  int64_t pruned = 0, abandoned = 0;
  std::vector<DtwWorkspace> workspaces(threads);
#pragma omp parallel num_threads(threads) reduction(+ : pruned, abandoned)
  {
    const int thread = omp_get_thread_num();
    std::vector<NearestHit>& best = local[thread];
    DtwWorkspace& workspace = workspaces[thread];
#pragma omp for schedule(dynamic, 64)
    for (int index = 0; index < count; ++index) {
      if (index == exclude) continue;
      const double threshold = static_cast<int>(best.size()) < options.count
                                   ? std::numeric_limits<double>::infinity()
                                   : best.back().distance * best.back().distance;
      const double* data = series.Data(index);
      const int candidate_length = series.Length(index);
      double squared;
      if (options.metric == Metric::kEuclidean) {
        squared = EuclideanSquared(data, query, length, dims, threshold);
      } else {
        if (threshold < std::numeric_limits<double>::infinity() &&
            (LbKimSquared(data, candidate_length, query, length, dims) * kBoundShrink > threshold ||
             LbKeoghSquared(data, envelopes[slot[candidate_length]], threshold) * kBoundShrink >
                 threshold)) {
          ++pruned;
          continue;
        }
        squared = DtwSquared(data, candidate_length, query, length, dims,
                             options.band.RadiusFor(candidate_length, length), threshold, workspace);
      }
      if (squared == std::numeric_limits<double>::infinity()) {
        ++abandoned;
        continue;
      }
      const NearestHit hit{index, std::sqrt(squared)};
      if (static_cast<int>(best.size()) < options.count || Before(hit, best.back())) {
        best.insert(std::upper_bound(best.begin(), best.end(), hit, Before), hit);
        if (static_cast<int>(best.size()) > options.count) best.pop_back();
      }
    }
  }
  NearestResult result;
  for (const auto& hits : local) result.hits.insert(result.hits.end(), hits.begin(), hits.end());
  std::sort(result.hits.begin(), result.hits.end(), Before);
  if (static_cast<int>(result.hits.size()) > options.count) result.hits.resize(options.count);
  result.candidates = count - (exclude >= 0 && exclude < count ? 1 : 0);
  result.pruned = pruned;
  result.abandoned = abandoned;
  return result;
}

}  // namespace segcast
