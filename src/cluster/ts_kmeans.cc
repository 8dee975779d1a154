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

namespace {

// Throws unless the options fit these series; returns the centroids' length in steps.
int CheckedCentroidLength(const TimeSeriesSet& series, const TsKMeansOptions& options) {
  const int count = series.size();
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
  const int64_t cells = static_cast<int64_t>(length) * series.dims;
  if (options.init == KMeansInit::kGiven &&
      options.initial_centroids.size() != static_cast<size_t>(k * cells)) {
    throw InvalidArgument("given centroids must hold k x initial_length x dims values",
                          {"", 0, "initial_centroids", std::to_string(k * cells) + " doubles"});
  }
  if (options.metric == Metric::kEuclidean && length != series.MaxLength()) {
    throw InvalidArgument("Euclidean centroids must have the series' length",
                          {"", 0, "initial_length", std::to_string(series.MaxLength())});
  }
  return length;
}

// What a fit keeps across its n_init runs. The assignment's memory and the DBA alignment cache
// stay valid from one run to the next because they compare centroid bits, not run numbers.
struct FitState {
  FitState(const TimeSeriesSet& fit_series, const TsKMeansOptions& fit_options, int fit_length)
      : series(fit_series),
        options(fit_options),
        threads(internal::ResolveThreads(fit_options.threads)),
        length(fit_length),
        cells(static_cast<int64_t>(fit_length) * fit_series.dims),
        centroids(fit_options.k * cells),
        members(fit_options.k) {
    dba.max_iter = options.dba_max_iter;
    dba.tol = options.dba_tol;
    dba.band = options.band;
    dba.threads = threads;
    alignments.Reset(options.k, series.size(), length);
  }

  const TimeSeriesSet& series;
  const TsKMeansOptions& options;
  const int threads;
  const int length;
  const int64_t cells;
  DbaOptions dba;
  std::vector<double> centroids;  // k x length x dims: the run's current centroids
  std::vector<int> labels;
  std::vector<int> previous;  // the last assignment's labels: they order the next pruned scan
  std::vector<double> squared;
  std::vector<std::vector<int>> members;
  Remembered remembered;
  internal::DbaAlignmentCache alignments;
  internal::AssignmentStats stats;
};

// DBA skipping (exact): a cluster whose last DBA ended on a fixed point (DbaResult::fixed_point)
// and whose members and centroid are still those of that DBA run would get the same centroid
// back, so it is not re-run. `updated` holds each cluster's members as of its last DBA and
// `settled` its centroid right after it (empty: no skipping). Lives for one run.
struct DbaSkipping {
  explicit DbaSkipping(int k) : updated(k), settled(k), to_update(k) {}
  std::vector<std::vector<int>> updated;
  std::vector<std::vector<double>> settled;
  std::vector<std::vector<int>> to_update;  // empty: skipped this iteration
};

// One run from its seeds to convergence or max_iter.
struct RunOutcome {
  double inertia = std::numeric_limits<double>::infinity();
  int iterations = 0;
  bool converged = false;
  std::vector<double> history;
  std::vector<std::vector<int>> label_history;
};

// Each run draws from its own seed (seed + run) so that a restart does not depend on how many
// numbers the runs before it drew.
void SeedCentroids(FitState& fit, int run) {
  const TsKMeansOptions& options = fit.options;
  internal::MersenneRandom random(options.seed + static_cast<uint64_t>(run));
  if (options.init == KMeansInit::kGiven) {
    fit.centroids = options.initial_centroids;
    return;
  }
  const std::vector<int> seeds =
      options.init == KMeansInit::kRandom
          ? internal::RandomSeeds(fit.series.size(), options.k, random)
          : internal::KMeansPlusPlusSeeds(fit.series, options.k, options.metric, options.band,
                                          fit.threads, random);
  for (int cluster = 0; cluster < options.k; ++cluster) {
    internal::CopyPadded(fit.series, seeds[cluster], fit.length,
                         fit.centroids.data() + cluster * fit.cells);
  }
}

// Labels every series, re-seeds the clusters left empty and returns the inertia of the result.
double AssignAndReseed(FitState& fit, RunOutcome& run, TsKMeansResult& result) {
  internal::CentroidView view{fit.centroids.data(), fit.options.k, fit.length, fit.series.dims};
  Assign(fit.series, view, fit.options, fit.threads,
         fit.previous.empty() ? nullptr : &fit.previous, fit.labels, fit.squared, fit.stats,
         fit.remembered);
  result.empty_reseeds +=
      ReseedEmpty(fit.series, fit.options, fit.length, fit.centroids, fit.labels, fit.squared);
  const double inertia = MeanSquare(fit.squared);
  run.history.push_back(inertia);
  if (fit.options.record_label_history) run.label_history.push_back(fit.labels);
  fit.previous = fit.labels;
  return inertia;
}

// Member lists in series order: the order DBA and the means sum them in.
void GroupMembers(const std::vector<int>& labels, std::vector<std::vector<int>>& members) {
  for (auto& list : members) list.clear();
  for (int index = 0; index < static_cast<int>(labels.size()); ++index) {
    members[labels[index]].push_back(index);
  }
}

// Fills skipping.to_update with the members of each cluster DBA must run on; returns how many
// clusters were skipped.
int64_t ChooseClustersToUpdate(const FitState& fit, DbaSkipping& skipping) {
  int64_t skipped = 0;
  for (int cluster = 0; cluster < fit.options.k; ++cluster) {
    const double* centroid = fit.centroids.data() + cluster * fit.cells;
    const bool skip =
        !skipping.settled[cluster].empty() && fit.members[cluster] == skipping.updated[cluster] &&
        std::memcmp(skipping.settled[cluster].data(), centroid, fit.cells * sizeof(double)) == 0;
    skipping.to_update[cluster].clear();
    if (skip) {
      ++skipped;
    } else {
      skipping.to_update[cluster] = fit.members[cluster];
    }
  }
  return skipped;
}

void RememberFixedPoints(const FitState& fit, const std::vector<DbaResult>& updates,
                         DbaSkipping& skipping) {
  for (int cluster = 0; cluster < fit.options.k; ++cluster) {
    if (skipping.to_update[cluster].empty()) continue;
    skipping.updated[cluster].swap(skipping.to_update[cluster]);
    const double* centroid = fit.centroids.data() + cluster * fit.cells;
    if (updates[cluster].fixed_point) {
      skipping.settled[cluster].assign(centroid, centroid + fit.cells);
    } else {
      skipping.settled[cluster].clear();
    }
  }
}

// DBA barycenters under DTW, arithmetic means under the Euclidean metric.
void UpdateCentroids(FitState& fit, DbaSkipping& skipping, TsKMeansResult& result) {
  GroupMembers(fit.labels, fit.members);
  if (fit.options.metric != Metric::kDtw) {
    UpdateMeans(fit.series, fit.members, fit.length, fit.threads, fit.centroids);
    return;
  }
  result.dba_skipped += ChooseClustersToUpdate(fit, skipping);
  const std::vector<DbaResult> updates = internal::DbaUpdateManyCached(
      fit.series, skipping.to_update, fit.dba, fit.centroids.data(), fit.length, &fit.alignments);
  RememberFixedPoints(fit, updates, skipping);
}

// tslearn's loop from the current centroids: assign, update, stop once the inertia changes by
// less than tol.
RunOutcome RunFromSeeds(FitState& fit, TsKMeansResult& result) {
  RunOutcome run;
  DbaSkipping skipping(fit.options.k);
  double old_inertia = std::numeric_limits<double>::infinity();
  fit.previous.clear();
  while (run.iterations < fit.options.max_iter) {
    ++run.iterations;
    auto phase = Clock::now();
    run.inertia = AssignAndReseed(fit, run, result);
    result.seconds_assign += SecondsSince(phase);

    phase = Clock::now();
    UpdateCentroids(fit, skipping, result);
    result.seconds_update += SecondsSince(phase);
    if (std::abs(old_inertia - run.inertia) < fit.options.tol) {
      run.converged = true;
      break;
    }
    old_inertia = run.inertia;
  }
  return run;
}

void KeepRun(int run_index, const std::vector<double>& centroids, RunOutcome& run,
             TsKMeansResult& result) {
  result.best_init = run_index;
  result.centroids = centroids;
  result.inertia = run.inertia;
  result.iterations = run.iterations;
  result.converged = run.converged;
  result.inertia_history = std::move(run.history);
  result.label_history = std::move(run.label_history);
}

// tslearn's _post_fit: labels from one more assignment to the kept centroids.
void AssignToKeptCentroids(FitState& fit, TsKMeansResult& result) {
  internal::CentroidView view{result.centroids.data(), fit.options.k, fit.length,
                              fit.series.dims};
  Assign(fit.series, view, fit.options, fit.threads,
         fit.previous.empty() ? nullptr : &fit.previous, result.labels, fit.squared, fit.stats,
         fit.remembered);
  result.final_inertia = MeanSquare(fit.squared);
  result.distances.resize(fit.series.size());
  for (int index = 0; index < fit.series.size(); ++index) {
    result.distances[index] = std::sqrt(fit.squared[index]);
  }
}

void CopyWorkCounters(const FitState& fit, TsKMeansResult& result) {
  result.pairs = fit.stats.pairs;
  result.pruned_lb_kim = fit.stats.pruned_lb_kim;
  result.pruned_lb_keogh = fit.stats.pruned_lb_keogh;
  result.abandoned = fit.stats.abandoned;
  result.dtw_calls = fit.stats.dtw_calls;
  result.pairs_unchanged = fit.stats.unchanged;
  result.dba_replayed = fit.alignments.replayed;
}

}  // namespace

TsKMeansResult FitTsKMeans(const TimeSeriesSet& series, const TsKMeansOptions& options) {
  options.Validate();
  const auto start = Clock::now();
  FitState fit(series, options, CheckedCentroidLength(series, options));
  TsKMeansResult result;
  result.k = options.k;
  result.length = fit.length;
  result.dims = series.dims;

  double best_inertia = std::numeric_limits<double>::infinity();
  for (int run = 0; run < options.n_init; ++run) {
    const auto phase = Clock::now();
    SeedCentroids(fit, run);
    result.seconds_init += SecondsSince(phase);
    RunOutcome outcome = RunFromSeeds(fit, result);
    if (outcome.inertia < best_inertia) {
      best_inertia = outcome.inertia;
      KeepRun(run, fit.centroids, outcome, result);
    }
  }

  const auto phase = Clock::now();
  AssignToKeptCentroids(fit, result);
  result.seconds_assign += SecondsSince(phase);
  CopyWorkCounters(fit, result);
  result.seconds_total = SecondsSince(start);
  return result;
}

}  // namespace segcast
