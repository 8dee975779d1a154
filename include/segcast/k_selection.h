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
};

struct KSelectionResult {
  std::vector<KSelectionRow> rows;  //!< one per k, ascending
  int best_index = 0;               //!< index into rows / fits of the chosen k
  //! Why that k, in words, e.g. "k = 6: the largest k with a silhouette within 10% of the best
  //! (0.405 at k = 3) and every segment at least 5% of customers".
  std::string choice;
  std::vector<TsKMeansResult> fits;
  SilhouetteResult silhouette;      //!< the shared silhouette pass
  double seconds_total = 0.0;

  int best_k() const { return rows[best_index].k; }
};

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
