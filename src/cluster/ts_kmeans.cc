// TimeSeries K-Means: tslearn's run structure (assign, update, stop on the inertia change, assign
// once more) with deterministic empty-cluster re-seeding and thread-independent results.
#include "segcast/ts_kmeans.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "cluster/assign.h"
#include "cluster/centroid_init.h"
#include "cluster/dba_cache.h"
#include "cluster/random.h"
#include "internal/parallel.h"
#include "segcast/dba.h"
#include "segcast/error.h"

namespace segcast {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The last pruned assignment's output and the centroids it used (internal::AssignmentMemory).
struct Remembered {
  std::vector<int> labels;
  std::vector<double> squared;
  std::vector<double> centroids;  // empty: nothing remembered
  std::vector<char> unchanged;
};

void Assign(const TimeSeriesSet& series, const internal::CentroidView& view,
            const TsKMeansOptions& options, int threads, const std::vector<int>* previous,
            std::vector<int>& labels, std::vector<double>& squared,
            internal::AssignmentStats& stats, Remembered& remembered) {
  if (options.assignment == AssignmentStrategy::kNaive) {
    internal::AssignNaive(series, view, options.metric, options.band, threads, labels, squared,
                          stats);
    return;
  }
  const int64_t cells = static_cast<int64_t>(view.length) * view.dims;
  internal::AssignmentMemory memory;
  if (!remembered.centroids.empty()) {
    remembered.unchanged.assign(view.k, 0);
    for (int cluster = 0; cluster < view.k; ++cluster) {
      remembered.unchanged[cluster] =
          std::memcmp(remembered.centroids.data() + cluster * cells, view.Centroid(cluster),
                      cells * sizeof(double)) == 0;
    }
    memory = {&remembered.labels, &remembered.squared, &remembered.unchanged};
  }
  internal::AssignPruned(series, view, options.metric, options.band, threads, previous, labels,
                         squared, stats, remembered.centroids.empty() ? nullptr : &memory);
  remembered.labels = labels;
  remembered.squared = squared;
  remembered.centroids.assign(view.data, view.data + view.k * cells);
}

// An empty cluster takes the series farthest from its centroid among clusters that keep at least
// one other member (ties: the lowest index), and that series becomes its centroid.
int ReseedEmpty(const TimeSeriesSet& series, const TsKMeansOptions& options, int length,
                std::vector<double>& centroids, std::vector<int>& labels,
                std::vector<double>& squared) {
  const int k = options.k;
  std::vector<int> sizes(k, 0);
  for (int label : labels) ++sizes[label];
  int reseeds = 0;
  DtwWorkspace workspace;
  for (int cluster = 0; cluster < k; ++cluster) {
    if (sizes[cluster] > 0) continue;
    int farthest = -1;
    for (int index = 0; index < series.size(); ++index) {
      if (sizes[labels[index]] < 2) continue;
      if (farthest < 0 || squared[index] > squared[farthest]) farthest = index;
    }
    if (farthest < 0) break;  // cannot happen while k <= number of series
    --sizes[labels[farthest]];
    ++sizes[cluster];
    labels[farthest] = cluster;
    double* centroid = centroids.data() + static_cast<int64_t>(cluster) * length * series.dims;
    internal::CopyPadded(series, farthest, length, centroid);
    squared[farthest] = internal::SquaredDistance(series.Data(farthest), series.Length(farthest),
                                                  centroid, length, series.dims, options.metric,
                                                  options.band, workspace);
    ++reseeds;
  }
  return reseeds;
}

void UpdateMeans(const TimeSeriesSet& series, const std::vector<std::vector<int>>& members,
                 int length, int threads, std::vector<double>& centroids) {
  const int64_t cells = static_cast<int64_t>(length) * series.dims;
  const int64_t total = static_cast<int64_t>(members.size()) * cells;
  // One parallel region over every (cluster, cell): each sum runs over the members in index
  // order, so the means do not depend on the thread count.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t task = 0; task < total; ++task) {
    const auto& list = members[task / cells];
    if (list.empty()) continue;
    const int64_t cell = task % cells;
    double sum = 0.0;
    for (int member : list) sum += series.Data(member)[cell];
    centroids[task] = sum / static_cast<double>(list.size());
  }
}

double MeanSquare(const std::vector<double>& squared) {
  double sum = 0.0;
  // tslearn squares the distances it computed as square roots; follow it.
  for (double value : squared) {
    const double distance = std::sqrt(value);
    sum += distance * distance;
  }
  return sum / static_cast<double>(squared.size());
}

}  // namespace

const char* MetricName(Metric metric) { return metric == Metric::kDtw ? "dtw" : "euclidean"; }

Metric ParseMetric(const std::string& text) {
  if (text == "dtw") return Metric::kDtw;
  if (text == "euclidean") return Metric::kEuclidean;
  throw InvalidArgument("unknown metric '" + text + "'", {"", 0, "metric", "dtw or euclidean"});
}

void TsKMeansOptions::Validate() const {
  auto fail = [](const std::string& field, const std::string& message,
                 const std::string& expected) {
    throw InvalidArgument(message, {"", 0, field, expected});
  };
  if (k < 1) fail("k", "k must be at least 1, got " + std::to_string(k), "an integer >= 1");
  if (max_iter < 1) fail("max_iter", "max_iter must be at least 1", "an integer >= 1");
  if (!(tol >= 0.0)) fail("tol", "tol must be >= 0", "a number >= 0");
  if (n_init < 1) fail("n_init", "n_init must be at least 1", "an integer >= 1");
  if (dba_max_iter < 1) fail("dba_max_iter", "dba_max_iter must be at least 1", "an integer >= 1");
  if (!(dba_tol >= 0.0)) fail("dba_tol", "dba_tol must be >= 0", "a number >= 0");
  band.Validate();
  if (init == KMeansInit::kGiven) {
    if (initial_length < 1) fail("initial_length", "given centroids need a length", ">= 1");
    if (initial_centroids.empty() ||
        initial_centroids.size() % (static_cast<size_t>(k) * initial_length) != 0) {
      fail("initial_centroids", "given centroids must hold k x initial_length x dims values",
           "k * initial_length * dims doubles");
    }
  }
}

double TsKMeansResult::PrunedShare() const {
  return pairs == 0 ? 0.0
                    : static_cast<double>(pruned_lb_kim + pruned_lb_keogh + abandoned + pairs_unchanged) /
                          static_cast<double>(pairs);
}

std::string TsKMeansResult::BriefReport() const {
  std::ostringstream out;
  out << "k=" << k << " inertia=" << inertia << " iterations=" << iterations
      << (converged ? " converged" : " max_iter reached") << " dtw_calls=" << dtw_calls
      << " pruned_share=" << PrunedShare() << " seconds=" << seconds_total;
  return out.str();
}

void AssignToCentroids(const TimeSeriesSet& series, const std::vector<double>& centroids, int k,
                       int length, Metric metric, const DtwBand& band, int threads,
                       std::vector<int>& labels, std::vector<double>& distances) {
  internal::CentroidView view{centroids.data(), k, length, series.dims};
  internal::AssignmentStats stats;
  std::vector<double> squared;
  internal::AssignPruned(series, view, metric, band, internal::ResolveThreads(threads), nullptr,
                         labels, squared, stats);
  distances.resize(squared.size());
  for (size_t index = 0; index < squared.size(); ++index) distances[index] = std::sqrt(squared[index]);
}

TsKMeansResult FitTsKMeans(const TimeSeriesSet& series, const TsKMeansOptions& options) {
  options.Validate();
  const auto start = Clock::now();
  const int count = series.size();
  const int dims = series.dims;
  const int k = options.k;
  if (k > count) {
    throw InvalidArgument("k = " + std::to_string(k) + " exceeds the number of series (" +
                              std::to_string(count) + ")",
                          {"", 0, "k", "at most the number of series"});
  }
  if (options.metric == Metric::kEuclidean && !series.EqualLength()) {
    throw InvalidArgument("the Euclidean metric needs series of equal length",
                          {"", 0, "metric", "dtw for series of different lengths"});
  }
  const int length =
      options.init == KMeansInit::kGiven ? options.initial_length : series.MaxLength();
  const int64_t cells = static_cast<int64_t>(length) * dims;
  if (options.init == KMeansInit::kGiven &&
      options.initial_centroids.size() != static_cast<size_t>(k * cells)) {
    throw InvalidArgument("given centroids must hold k x initial_length x dims values",
                          {"", 0, "initial_centroids", std::to_string(k * cells) + " doubles"});
  }
  if (options.metric == Metric::kEuclidean && length != series.MaxLength()) {
    throw InvalidArgument("Euclidean centroids must have the series' length",
                          {"", 0, "initial_length", std::to_string(series.MaxLength())});
  }
  const int threads = internal::ResolveThreads(options.threads);

  TsKMeansResult result;
  result.k = k;
  result.length = length;
  result.dims = dims;
  internal::AssignmentStats stats;
  DbaOptions dba;
  dba.max_iter = options.dba_max_iter;
  dba.tol = options.dba_tol;
  dba.band = options.band;
  dba.threads = threads;

  double best_inertia = std::numeric_limits<double>::infinity();
  std::vector<double> centroids(k * cells);
  std::vector<int> labels;
  std::vector<int> previous;
  Remembered remembered;  // valid across runs: it compares centroid bits, not run numbers
  internal::DbaAlignmentCache alignments;  // likewise
  alignments.Reset(k, count, length);
  std::vector<double> squared;
  std::vector<std::vector<int>> members(k);
  for (int run = 0; run < options.n_init; ++run) {
    auto phase = Clock::now();
    internal::MersenneRandom random(options.seed + static_cast<uint64_t>(run));
    if (options.init == KMeansInit::kGiven) {
      centroids = options.initial_centroids;
    } else {
      const std::vector<int> seeds =
          options.init == KMeansInit::kRandom
              ? internal::RandomSeeds(count, k, random)
              : internal::KMeansPlusPlusSeeds(series, k, options.metric, options.band, threads,
                                              random);
      for (int cluster = 0; cluster < k; ++cluster) {
        internal::CopyPadded(series, seeds[cluster], length, centroids.data() + cluster * cells);
      }
    }
    result.seconds_init += SecondsSince(phase);

    std::vector<double> history;
    std::vector<std::vector<int>> label_history;
    // DBA skipping (exact): a cluster whose last DBA ended on a fixed point (DbaResult::
    // fixed_point) and whose members and centroid are still those of that DBA run would get the
    // same centroid back, so it is not re-run. `updated` holds each cluster's members as of its
    // last DBA and `settled` its centroid right after it (empty: no skipping).
    std::vector<std::vector<int>> updated(k);
    std::vector<std::vector<double>> settled(k);
    std::vector<std::vector<int>> to_update(k);
    double old_inertia = std::numeric_limits<double>::infinity();
    double inertia = old_inertia;
    bool converged = false;
    int iteration = 0;
    previous.clear();
    while (iteration < options.max_iter) {
      ++iteration;
      phase = Clock::now();
      internal::CentroidView view{centroids.data(), k, length, dims};
      Assign(series, view, options, threads, previous.empty() ? nullptr : &previous, labels,
             squared, stats, remembered);
      result.empty_reseeds += ReseedEmpty(series, options, length, centroids, labels, squared);
      inertia = MeanSquare(squared);
      history.push_back(inertia);
      if (options.record_label_history) label_history.push_back(labels);
      previous = labels;
      result.seconds_assign += SecondsSince(phase);

      phase = Clock::now();
      for (auto& list : members) list.clear();
      for (int index = 0; index < count; ++index) members[labels[index]].push_back(index);
      if (options.metric == Metric::kDtw) {
        for (int cluster = 0; cluster < k; ++cluster) {
          const double* centroid = centroids.data() + cluster * cells;
          const bool skip =
              !settled[cluster].empty() && members[cluster] == updated[cluster] &&
              std::memcmp(settled[cluster].data(), centroid, cells * sizeof(double)) == 0;
          to_update[cluster].clear();
          if (skip) {
            ++result.dba_skipped;
          } else {
            to_update[cluster] = members[cluster];
          }
        }
        const std::vector<DbaResult> updates = internal::DbaUpdateManyCached(
            series, to_update, dba, centroids.data(), length, &alignments);
        for (int cluster = 0; cluster < k; ++cluster) {
          if (to_update[cluster].empty()) continue;
          updated[cluster].swap(to_update[cluster]);
          const double* centroid = centroids.data() + cluster * cells;
          if (updates[cluster].fixed_point) {
            settled[cluster].assign(centroid, centroid + cells);
          } else {
            settled[cluster].clear();
          }
        }
      } else {
        UpdateMeans(series, members, length, threads, centroids);
      }
      result.seconds_update += SecondsSince(phase);
      if (std::abs(old_inertia - inertia) < options.tol) {
        converged = true;
        break;
      }
      old_inertia = inertia;
    }
    if (inertia < best_inertia) {
      best_inertia = inertia;
      result.best_init = run;
      result.centroids = centroids;
      result.inertia = inertia;
      result.iterations = iteration;
      result.converged = converged;
      result.inertia_history = std::move(history);
      result.label_history = std::move(label_history);
    }
  }

  // tslearn's _post_fit: labels from one more assignment to the kept centroids.
  auto phase = Clock::now();
  internal::CentroidView view{result.centroids.data(), k, length, dims};
  Assign(series, view, options, threads, previous.empty() ? nullptr : &previous, result.labels,
         squared, stats, remembered);
  result.final_inertia = MeanSquare(squared);
  result.distances.resize(count);
  for (int index = 0; index < count; ++index) result.distances[index] = std::sqrt(squared[index]);
  result.seconds_assign += SecondsSince(phase);

  result.pairs = stats.pairs;
  result.pruned_lb_kim = stats.pruned_lb_kim;
  result.pruned_lb_keogh = stats.pruned_lb_keogh;
  result.abandoned = stats.abandoned;
  result.dtw_calls = stats.dtw_calls;
  result.pairs_unchanged = stats.unchanged;
  result.dba_replayed = alignments.replayed;
  result.seconds_total = SecondsSince(start);
  return result;
}

}  // namespace segcast
