// Clustering quality: silhouette (exact, under DTW or Euclidean), Davies-Bouldin, and agreement
// with reference labels (adjusted Rand index, normalised mutual information).
//
// Silhouette (Rousseeuw 1987), as scikit-learn's silhouette_score on precomputed distances (what
// tslearn.clustering.silhouette_score does with metric="dtw"): for series i in cluster A,
//   a(i) = mean distance to the other members of A, b(i) = min over clusters B != A of the mean
//   distance to B, s(i) = (b - a) / max(a, b), and s(i) = 0 when A has one member;
// the score is the mean of s(i). Distances are DTW or Euclidean, not squared.
//
// The pairwise distances do not depend on the labels, so SilhouetteScores scores several labelings
// (one per k of a sweep) from one pass: when the N x N matrix fits memory_budget_bytes it is
// computed once (upper triangle, mirrored) and every labeling reads it; above the budget each row
// is computed on the fly and accumulated into per-cluster sums for every labeling at once, in
// O(N * sum of k) memory. With `sample` > 0, a seeded random subset of that many series is scored
// (scikit-learn's sample_size).
//
//   segcast::SilhouetteOptions options;                 // DTW, 1 GiB budget, every series
//   auto result = segcast::SilhouetteScores(series, {labels_k2, labels_k3}, options);
//   double best = result.scores[0];
#pragma once

#include <cstdint>
#include <vector>

#include "segcast/dtw.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

struct SilhouetteOptions {
  //! Distance between series.
  Metric metric = Metric::kDtw;
  //! Sakoe-Chiba band for DTW.
  DtwBand band;
  //! Largest pairwise matrix to hold in memory, in bytes (8 * N * N); >= 0. Default 1 GiB.
  int64_t memory_budget_bytes = int64_t{1} << 30;
  //! Score a seeded random subset of this many series; 0 scores every series. >= 0.
  int sample = 0;
  //! Seed of the subset.
  uint64_t seed = 0;
  //! Threads; 0 = every core. Scores do not depend on it.
  int threads = 0;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct SilhouetteResult {
  //! One score per labeling, in [-1, 1]; NaN when a labeling has fewer than 2 non-empty clusters.
  std::vector<double> scores;
  //! Per labeling: standard error of the score as a mean of the per-series values, sd / sqrt(n)
  //! (sample standard deviation, n = sample_size); NaN where the score is NaN or n < 2.
  std::vector<double> standard_errors;
  bool used_matrix = false;            //!< the pairwise matrix fit the budget
  int sample_size = 0;                 //!< series scored
  int64_t distance_computations = 0;   //!< DTW / Euclidean evaluations
  double seconds = 0.0;
};

//! Scores every labeling (each: one label 0..k-1 per series of `series`).
SilhouetteResult SilhouetteScores(const TimeSeriesSet& series,
                                  const std::vector<std::vector<int>>& labelings,
                                  const SilhouetteOptions& options);

//! The full N x N distance matrix, row-major (symmetric, zero diagonal).
std::vector<double> PairwiseDistances(const TimeSeriesSet& series, Metric metric, const DtwBand& band,
                                      int threads);

//! Silhouette of one labeling from a full row-major distance matrix (the oracle for the tests).
double SilhouetteFromMatrix(const std::vector<double>& distances, const std::vector<int>& labels);

//! Davies-Bouldin index (Davies & Bouldin 1979, scikit-learn's definition) with the metric's
//! distance: S_c = mean distance of cluster c's members to its centroid, M_cd = distance between
//! centroids, DB = mean over clusters of max_{d != c} (S_c + S_d) / M_cd (a pair of identical
//! centroids counts 0). centroids: k x length x dims. Lower is better; NaN when k < 2.
double DaviesBouldin(const TimeSeriesSet& series, const std::vector<int>& labels,
                     const std::vector<double>& centroids, int k, int length, Metric metric,
                     const DtwBand& band, int threads);

//! Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same items.
double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);
//! Normalised mutual information with the arithmetic-mean normalisation (scikit-learn's default).
double NormalizedMutualInformation(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace segcast
