// Choosing k: fit every k of a range, score each fit, pick the best silhouette.
//
// Per k: inertia (the fit's own convention: tslearn's mean for TimeSeries K-Means, scikit-learn's
// sum for static K-Means), exact silhouette and Davies-Bouldin under the fit's metric. The
// silhouettes of all k share one set of pairwise distances (quality.h). The chosen k has the
// highest silhouette (ties: the smaller k).
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
};

struct KSelectionResult {
  std::vector<KSelectionRow> rows;  //!< one per k, ascending
  int best_index = 0;               //!< index into rows / fits of the chosen k
  std::vector<TsKMeansResult> fits;
  SilhouetteResult silhouette;      //!< the shared silhouette pass
  double seconds_total = 0.0;

  int best_k() const { return rows[best_index].k; }
};

//! Sweeps k over [k_min, k_max] with TimeSeries K-Means.
KSelectionResult SelectTsK(const TimeSeriesSet& series, const KSelectionOptions& options);

//! Index of the best row: highest silhouette, or lowest Davies-Bouldin without silhouettes.
int BestRow(const std::vector<KSelectionRow>& rows, bool by_silhouette);

//! Parses "2..8" (or a single "4") into k_min, k_max; throws InvalidArgument on anything else.
void ParseKRange(const std::string& text, int* k_min, int* k_max);

}  // namespace segcast
