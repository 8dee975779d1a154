// TimeSeries K-Means under DTW (with DBA barycenters) or the Euclidean distance, with tslearn's
// definitions (tslearn.clustering.TimeSeriesKMeans, Tavenard et al. 2020, JMLR 21(118)).
//
// One run (tslearn's _fit_one_init), for iteration = 1..max_iter:
//   1. assign every series to its nearest centroid; inertia = mean over series of the squared
//      distance to the assigned centroid (tslearn's convention: a mean, not a sum);
//   2. update every centroid: DBA from the current centroid (DTW; 30 iterations, tol 1e-5, what
//      tslearn's TimeSeriesKMeans uses whatever its max_iter_barycenter) or the mean (Euclidean);
//   3. stop when |previous inertia - inertia| < tol.
// Then the series are assigned once more to the final centroids: `labels` and `distances` come
// from this last assignment while `inertia` is the one of step 1 of the last iteration, exactly as
// tslearn's labels_ and inertia_ (final_inertia is the mean squared distance of the last assignment).
// Centroids have the length of the longest series; a series picked as an initial centroid is
// extended by repeating its last step (tslearn's _check_full_length).
//
// Differences from tslearn, on purpose: an empty cluster does not abort the run (tslearn raises and
// restarts with a new initialisation); it is re-seeded deterministically with the series farthest
// from its centroid. Randomness comes from a seeded 64-bit generator, so results depend only on the
// seed, never on the thread count; they do not reproduce numpy's random streams.
//
// The assignment step is exact either way; `assignment` picks between the naive scan and the pruned
// one (LB_Kim, then LB_Keogh, then DTW abandoned early against the best so far; lower_bounds.h).
//
//   segcast::TsKMeansOptions options;
//   options.k = 4;
//   options.seed = 7;
//   segcast::TsKMeansResult result = segcast::FitTsKMeans(series, options);
//   std::cout << result.BriefReport() << "\n";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "segcast/dtw.h"
#include "segcast/series.h"

namespace segcast {

enum class Metric {
  kDtw,        //!< DTW (dtw.h), centroids by DBA; series may have different lengths
  kEuclidean,  //!< Euclidean distance over all steps, centroids by the mean; equal lengths only
};

enum class KMeansInit {
  kKMeansPlusPlus,  //!< greedy k-means++ (Arthur & Vassilvitskii 2007) under the chosen metric,
                    //!< 2 + floor(ln k) candidates per centre as scikit-learn and tslearn
  kRandom,          //!< k distinct series drawn uniformly
  kGiven,           //!< TsKMeansOptions::initial_centroids
};

enum class AssignmentStrategy {
  kNaive,   //!< every series against every centroid, full DTW (the oracle)
  kPruned,  //!< lower-bound cascade and early abandoning; same labels and distances
};

const char* MetricName(Metric metric);
//! "dtw" or "euclidean"; throws InvalidArgument otherwise.
Metric ParseMetric(const std::string& text);

struct TsKMeansOptions {
  //! Number of clusters; 1 <= k <= number of series.
  int k = 4;
  //! Distance and barycenter.
  Metric metric = Metric::kDtw;
  //! Maximum k-means iterations per run; >= 1. tslearn's default.
  int max_iter = 50;
  //! Stop when the inertia changes by less than this between iterations; >= 0. tslearn's default.
  double tol = 1e-6;
  //! Independent runs; the one with the lowest inertia is kept (ties: the first). >= 1.
  int n_init = 1;
  //! How the centroids of each run start.
  KMeansInit init = KMeansInit::kKMeansPlusPlus;
  //! With KMeansInit::kGiven: k x initial_length x dims doubles, step-major per centroid.
  std::vector<double> initial_centroids;
  //! With KMeansInit::kGiven: the centroids' length in steps (>= 1).
  int initial_length = 0;
  //! DBA iterations per centroid update; >= 1 (tslearn's effective value).
  int dba_max_iter = 30;
  //! DBA tolerance on its cost; >= 0 (tslearn's).
  double dba_tol = 1e-5;
  //! Sakoe-Chiba band for every DTW computation; default full window (tslearn's).
  DtwBand band;
  //! Assignment step implementation; both give identical results.
  AssignmentStrategy assignment = AssignmentStrategy::kPruned;
  //! All randomness derives from this seed; results do not depend on the thread count.
  uint64_t seed = 0;
  //! Threads; 0 = every core.
  int threads = 0;
  //! Keep every iteration's labels in TsKMeansResult::label_history (for parity checks).
  bool record_label_history = false;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct TsKMeansResult {
  int k = 0;
  int length = 0;  //!< centroid length in steps
  int dims = 0;
  //! Cluster of each series (0..k-1), from the assignment to the final centroids.
  std::vector<int> labels;
  //! Distance (DTW or Euclidean, not squared) of each series to its centroid.
  std::vector<double> distances;
  //! k x length x dims, step-major per centroid.
  std::vector<double> centroids;
  //! tslearn's inertia_: mean squared distance at the last iteration's assignment step.
  double inertia = 0.0;
  //! Mean squared distance of the final assignment (labels / distances).
  double final_inertia = 0.0;
  int iterations = 0;      //!< k-means iterations of the kept run
  bool converged = false;  //!< the kept run stopped on tol rather than max_iter
  int best_init = 0;       //!< which of the n_init runs was kept
  //! Inertia at each iteration's assignment step of the kept run.
  std::vector<double> inertia_history;
  //! Labels at each iteration's assignment step (only with record_label_history).
  std::vector<std::vector<int>> label_history;
  int empty_reseeds = 0;   //!< empty clusters re-seeded, over all runs
  //! DTW centroid updates skipped, over all runs and iterations: the cluster's last DBA ended on a
  //! fixed point (DbaResult::fixed_point) and its members and centroid have not changed since, so
  //! DBA would return the centroid unchanged. Changes no result; counts saved work.
  int64_t dba_skipped = 0;
  //! DBA member alignments replayed from the previous k-means iteration instead of recomputed:
  //! the member stayed in its cluster and the centroid is the barycenter it was last aligned with.
  int64_t dba_replayed = 0;

  // Work of the assignment steps over all runs (not the k-means++ seeding nor DBA).
  int64_t pairs = 0;            //!< series x centroid pairs considered
  int64_t pruned_lb_kim = 0;    //!< pairs skipped by LB_Kim
  int64_t pruned_lb_keogh = 0;  //!< pairs skipped by LB_Keogh
  int64_t abandoned = 0;        //!< DTW computations abandoned early
  int64_t dtw_calls = 0;        //!< DTW recurrences started by the assignment steps
  //! Pairs not recomputed because the series' last label and the centroid were both unchanged
  //! since the previous assignment (the distances are known or cannot win; results unchanged).
  int64_t pairs_unchanged = 0;
  //! Share of the assignment pairs whose full DTW was avoided (pruned, abandoned or unchanged).
  double PrunedShare() const;

  double seconds_init = 0.0;    //!< seeding
  double seconds_assign = 0.0;  //!< assignment steps
  double seconds_update = 0.0;  //!< DBA / mean updates
  double seconds_total = 0.0;

  std::string BriefReport() const;
};

//! Fits TimeSeries K-Means. Throws InvalidArgument for bad options (k above the number of series,
//! Euclidean on unequal lengths, given centroids of the wrong size).
TsKMeansResult FitTsKMeans(const TimeSeriesSet& series, const TsKMeansOptions& options);

//! Nearest centroid of each series for given centroids (k x length x dims): labels and distances.
void AssignToCentroids(const TimeSeriesSet& series, const std::vector<double>& centroids, int k,
                       int length, Metric metric, const DtwBand& band, int threads,
                       std::vector<int>& labels, std::vector<double>& distances);

}  // namespace segcast
