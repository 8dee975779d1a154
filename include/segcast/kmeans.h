// Static K-Means of points (the scaled RFM table): Lloyd's algorithm (Lloyd 1982) with greedy
// k-means++ seeding (Arthur & Vassilvitskii 2007), scikit-learn's KMeans conventions:
//   - inertia = SUM of squared Euclidean distances to the assigned centre (scikit-learn), unlike
//     TimeSeries K-Means whose inertia is tslearn's mean;
//   - a run stops when the labels no longer change or when the squared shift of all centres is at
//     most tol * (mean per-feature variance of the data); labels are then those of the final centres;
//   - n_init runs (default 10), the lowest inertia kept (ties: the first run).
// An empty cluster takes the point farthest from its centre, as scikit-learn relocates it.
// Results depend on the seed only, never on the thread count.
//
//   Eigen::MatrixXd points = segcast::ColumnScaler::Fit(raw, segcast::ColumnScaling::kMinMax, true)
//                                .Transform(raw);
//   segcast::KMeansOptions options;
//   options.k = 4;
//   segcast::KMeansResult result = segcast::FitKMeans(points, options);
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "segcast/k_selection.h"
#include "segcast/quality.h"

namespace segcast {

struct KMeansOptions {
  //! Number of clusters; 1 <= k <= number of points.
  int k = 4;
  //! Independent k-means++ runs; >= 1. scikit-learn's former default.
  int n_init = 10;
  //! Lloyd iterations per run; >= 1. scikit-learn's default.
  int max_iter = 300;
  //! Relative tolerance on the centre shift; >= 0. scikit-learn's default.
  double tol = 1e-4;
  //! All randomness derives from this seed.
  uint64_t seed = 0;
  //! Threads; 0 = every core.
  int threads = 0;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct KMeansResult {
  int k = 0;
  Eigen::MatrixXd centers;         //!< k x features, in the scaled space
  std::vector<int> labels;         //!< 0..k-1 per point
  std::vector<double> distances;   //!< Euclidean distance of each point to its centre
  double inertia = 0.0;            //!< sum of squared distances (scikit-learn)
  int iterations = 0;              //!< Lloyd iterations of the kept run
  bool converged = false;
  int best_init = 0;
};

KMeansResult FitKMeans(const Eigen::MatrixXd& points, const KMeansOptions& options);

//! Points as a set of one-step series (dims = columns), to reuse the quality measures.
TimeSeriesSet PointsAsSeries(const Eigen::MatrixXd& points);

struct StaticKSelection {
  std::vector<KSelectionRow> rows;   //!< one per k; inertia is scikit-learn's sum
  std::vector<KMeansResult> fits;
  int best_index = 0;                //!< highest silhouette
  int best_k() const { return rows[best_index].k; }
};

//! Fits k = k_min..k_max and scores each with exact Euclidean silhouette and Davies-Bouldin.
StaticKSelection SelectStaticK(const Eigen::MatrixXd& points, int k_min, int k_max,
                               const KMeansOptions& options, const SilhouetteOptions& silhouette);

}  // namespace segcast
