// Choosing k: fit every k of a range, score each fit, pick k by a rule that does not reward
// trivial splits.
//
// Per k: inertia (the fit's own convention: tslearn's mean for TimeSeries K-Means, scikit-learn's
// sum for static K-Means), exact silhouette, Davies-Bouldin under the fit's metric and the share
// of customers in the smallest segment. The silhouettes of all k share one set of pairwise
// distances (quality.h).
//
// The highest silhouette often belongs to k = 2 splitting one-time from repeat buyers: true, and
// useless for marketing. The rule (KChoiceRule) therefore takes the largest k whose silhouette is
// within a relative tolerance of the best one, among the k whose smallest segment holds at least
// a minimum share of customers (a 1% segment is an outlier group, not a persona). Tolerance 0 and
// share 0 give the plain best silhouette. docs/clustering.md has the measurements behind the
// defaults.
//
// At scale the sweep runs on a sample: above `sweep_sample` series, every k is fitted and scored on
// a seeded uniform sample of that many series (the same sample for every k, independent of the
// thread count), the rule chooses k from the sample's rows, and the chosen k alone is fitted on
// every series, warm-started from the sample fit's centroids (KMeansInit::kGiven). The cost is then
// (k_max - k_min + 1) fits of `sweep_sample` series plus one fit of all of them, instead of
// (k_max - k_min + 1) fits of all of them. docs/scaling.md, "Choosing k on a sample", has figures.
//
//   segcast::KSelectionOptions options;          // k = 2..8, DTW
//   options.fit.seed = 7;
//   segcast::KSelectionResult sweep = segcast::SelectTsK(series, options);
//   const segcast::TsKMeansResult& chosen = sweep.fits[sweep.best_index];
#pragma once

#include <string>
#include <vector>

#include "segcast/quality.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

//! Default KSelectionOptions::sweep_sample. 20,000 because: (a) a uniform sample that size puts
//! about 1,000 customers in a 5% segment, so the sample's smallest-segment share (the rule's
//! min_segment_share test) has a standard error near 0.0015 and its silhouette one near 0.003 for
//! the 10,000 it scores; (b) the run's silhouette is already sampled above 20,000 series, so below
//! it nothing changes; (c) on 2 cores the cluster stage of a 100,000-customer log then takes ~23 s
//! instead of ~98 s (docs/scaling.md, "Choosing k on a sample", also for where the rule's choice
//! on a sample moved: logs with no clear k).
inline constexpr int kDefaultSweepSample = 20000;

//! How k is chosen from the sweep's rows.
struct KChoiceRule {
  //! The largest k whose silhouette is at least best - silhouette_tolerance x |best| is chosen;
  //! 0 = the best silhouette (ties: the larger k). In [0, 1). Default 0.1 (within 10%).
  double silhouette_tolerance = 0.1;
  //! A k whose smallest segment holds less than this share of customers is chosen only when no
  //! k reaches it. In [0, 0.5]. Default 0.05 (5%).
  double min_segment_share = 0.05;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct KSelectionOptions {
  //! Smallest k; >= 2 (a silhouette needs two clusters).
  int k_min = 2;
  //! Largest k; >= k_min.
  int k_max = 8;
  //! Options of every fit; `fit.k` is overwritten per k. Its metric and band also score.
  TsKMeansOptions fit;
  //! Silhouette settings (budget, sample, threads); metric and band are taken from `fit`.
  SilhouetteOptions silhouette;
  //! Skip the silhouette (then the best k is the one with the lowest Davies-Bouldin).
  bool compute_silhouette = true;
  //! How k is chosen from the silhouettes (unused without them).
  KChoiceRule choice;
  //! Above this many series the sweep (fits, silhouettes, rule) runs on a seeded uniform sample of
  //! this many and only the chosen k is fitted on every series, warm-started from the sample's
  //! centroids. 0 = always sweep every series. >= 0 (a positive value must be >= k_max). Default
  //! kDefaultSweepSample (20,000). The sample's seed derives from `fit.seed`.
  int sweep_sample = kDefaultSweepSample;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! One line of the plot-ready table.
struct KSelectionRow {
  int k = 0;
  double inertia = 0.0;         //!< the fit's inertia
  double silhouette = 0.0;      //!< NaN when not computed
  double davies_bouldin = 0.0;  //!< lower is better
  int iterations = 0;
  bool converged = false;
  double seconds_fit = 0.0;
  //! Customers in the smallest segment / all customers, in [0, 1/k].
  double min_segment_share = 0.0;
  //! Standard error of the silhouette as a mean of per-series values (sd / sqrt(n) over the
  //! series scored); NaN when not computed. Measures the silhouette sample's noise only.
  double silhouette_se = 0.0;
};

struct KSelectionResult {
  std::vector<KSelectionRow> rows;  //!< one per k, ascending
  int best_index = 0;               //!< index into rows / fits of the chosen k
  //! Why that k, in words, e.g. "k = 6: the largest k with a silhouette within 10% of the best
  //! (0.405 at k = 3) and every segment at least 5% of customers". A sampled sweep adds "; swept on
  //! a sample of n of N customers" with the chosen silhouette's standard error.
  std::string choice;
  //! One fit per row. With a sampled sweep, fits[best_index] is the fit of every series (the one
  //! to use) and the others are fits of the sample (their labels index `sample`).
  std::vector<TsKMeansResult> fits;
  //! Series the sweep ran on, ascending indices into the input; empty when it ran on every series.
  std::vector<int> sample;
  //! Series in the input.
  int series_count = 0;
  //! Seconds of the warm-started fit of every series (0 when the sweep ran on every series).
  double seconds_full_fit = 0.0;
  SilhouetteResult silhouette;      //!< the shared silhouette pass
  double seconds_total = 0.0;

  int best_k() const { return rows[best_index].k; }
};

//! The seeded uniform sample a sampled sweep runs on: `size` of `count` series, ascending indices.
//! The same for a given seed whatever the thread count.
std::vector<int> SweepSample(int count, int size, uint64_t seed);

//! The series at `indices`, in that order.
TimeSeriesSet SeriesSubset(const TimeSeriesSet& series, const std::vector<int>& indices);

//! Sweeps k over [k_min, k_max] with TimeSeries K-Means.
KSelectionResult SelectTsK(const TimeSeriesSet& series, const KSelectionOptions& options);

//! Index of the best row: highest silhouette, or lowest Davies-Bouldin without silhouettes.
int BestRow(const std::vector<KSelectionRow>& rows, bool by_silhouette);

//! Index of the row `rule` chooses (rows ascending in k, silhouettes computed); writes the reason
//! to `why` when given. Rows with a NaN silhouette are never chosen unless all are NaN (then 0).
int ChooseRow(const std::vector<KSelectionRow>& rows, const KChoiceRule& rule,
              std::string* why = nullptr);

//! Share of the `labels` in the smallest of the k clusters (0 when a cluster is empty).
double MinClusterShare(const std::vector<int>& labels, int k);

//! Parses "2..8" (or a single "4") into k_min, k_max; throws InvalidArgument on anything else.
void ParseKRange(const std::string& text, int* k_min, int* k_max);

}  // namespace segcast
