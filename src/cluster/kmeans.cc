// Lloyd's K-Means on Eigen matrices with k-means++ seeding shared with TimeSeries K-Means.
#include "segcast/kmeans.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "cluster/centroid_init.h"
#include "cluster/random.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

// Nearest centre of every point; returns the inertia (sum of squared distances).
double AssignPoints(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centers, int threads,
                    std::vector<int>& labels, std::vector<double>& squared) {
  const Eigen::Index count = points.rows();
  labels.resize(count);
  squared.resize(count);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (Eigen::Index point = 0; point < count; ++point) {
    double best = std::numeric_limits<double>::infinity();
    int best_cluster = 0;
    for (Eigen::Index cluster = 0; cluster < centers.rows(); ++cluster) {
      const double value = (points.row(point) - centers.row(cluster)).squaredNorm();
      if (value < best) {
        best = value;
        best_cluster = static_cast<int>(cluster);
      }
    }
    labels[point] = best_cluster;
    squared[point] = best;
  }
  double inertia = 0.0;
  for (double value : squared) inertia += value;
  return inertia;
}

void Relocate(const Eigen::MatrixXd& points, Eigen::MatrixXd& centers, std::vector<int>& labels,
              std::vector<double>& squared) {
  const int k = static_cast<int>(centers.rows());
  std::vector<int> sizes(k, 0);
  for (int label : labels) ++sizes[label];
  for (int cluster = 0; cluster < k; ++cluster) {
    if (sizes[cluster] > 0) continue;
    int farthest = -1;
    for (size_t point = 0; point < labels.size(); ++point) {
      if (sizes[labels[point]] < 2) continue;
      if (farthest < 0 || squared[point] > squared[farthest]) farthest = static_cast<int>(point);
    }
    if (farthest < 0) return;
    --sizes[labels[farthest]];
    ++sizes[cluster];
    labels[farthest] = cluster;
    squared[farthest] = 0.0;
    centers.row(cluster) = points.row(farthest);
  }
}

Eigen::MatrixXd Means(const Eigen::MatrixXd& points, const std::vector<int>& labels, int k,
                      const Eigen::MatrixXd& previous) {
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, points.cols());
  std::vector<int64_t> sizes(k, 0);
  for (Eigen::Index point = 0; point < points.rows(); ++point) {
    sums.row(labels[point]) += points.row(point);
    ++sizes[labels[point]];
  }
  for (int cluster = 0; cluster < k; ++cluster) {
    if (sizes[cluster] > 0) {
      sums.row(cluster) /= static_cast<double>(sizes[cluster]);
    } else {
      sums.row(cluster) = previous.row(cluster);
    }
  }
  return sums;
}

}  // namespace

void KMeansOptions::Validate() const {
  auto fail = [](const std::string& field, const std::string& expected) {
    throw InvalidArgument("invalid K-Means option " + field, {"", 0, field, expected});
  };
  if (k < 1) fail("k", "an integer >= 1");
  if (n_init < 1) fail("n_init", "an integer >= 1");
  if (max_iter < 1) fail("max_iter", "an integer >= 1");
  if (!(tol >= 0.0)) fail("tol", "a number >= 0");
}

TimeSeriesSet PointsAsSeries(const Eigen::MatrixXd& points) {
  TimeSeriesSet set;
  set.dims = static_cast<int>(points.cols());
  std::vector<double> row(points.cols());
  for (Eigen::Index point = 0; point < points.rows(); ++point) {
    for (Eigen::Index column = 0; column < points.cols(); ++column) row[column] = points(point, column);
    set.Add(std::to_string(point), row.data(), 1);
  }
  return set;
}

KMeansResult FitKMeans(const Eigen::MatrixXd& points, const KMeansOptions& options) {
  options.Validate();
  const int count = static_cast<int>(points.rows());
  const int k = options.k;
  if (k > count) {
    throw InvalidArgument("k = " + std::to_string(k) + " exceeds the number of points (" +
                              std::to_string(count) + ")",
                          {"", 0, "k", "at most the number of points"});
  }
  const int threads = internal::ResolveThreads(options.threads);
  const TimeSeriesSet as_series = PointsAsSeries(points);
  // scikit-learn scales tol by the mean variance of the features.
  const Eigen::RowVectorXd mean = points.colwise().mean();
  const double variance = (points.rowwise() - mean).array().square().colwise().mean().mean();
  const double tolerance = options.tol * variance;

  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  std::vector<int> labels, previous;
  std::vector<double> squared;
  for (int run = 0; run < options.n_init; ++run) {
    internal::MersenneRandom random(options.seed + static_cast<uint64_t>(run));
    const std::vector<int> seeds =
        internal::KMeansPlusPlusSeeds(as_series, k, Metric::kEuclidean, {}, threads, random);
    Eigen::MatrixXd centers(k, points.cols());
    for (int cluster = 0; cluster < k; ++cluster) centers.row(cluster) = points.row(seeds[cluster]);
    bool converged = false;
    int iteration = 0;
    previous.clear();
    while (iteration < options.max_iter) {
      ++iteration;
      AssignPoints(points, centers, threads, labels, squared);
      Relocate(points, centers, labels, squared);
      if (labels == previous) {  // strict convergence: the centres are already the means
        converged = true;
        break;
      }
      previous = labels;
      const Eigen::MatrixXd updated = Means(points, labels, k, centers);
      const double shift = (updated - centers).squaredNorm();
      centers = updated;
      if (shift <= tolerance) {
        converged = true;
        break;
      }
    }
    const double inertia = AssignPoints(points, centers, threads, labels, squared);
    if (inertia < best.inertia) {
      best.k = k;
      best.centers = centers;
      best.labels = labels;
      best.distances.resize(count);
      for (int point = 0; point < count; ++point) best.distances[point] = std::sqrt(squared[point]);
      best.inertia = inertia;
      best.iterations = iteration;
      best.converged = converged;
      best.best_init = run;
    }
  }
  return best;
}

StaticKSelection SelectStaticK(const Eigen::MatrixXd& points, int k_min, int k_max,
                               const KMeansOptions& options, const SilhouetteOptions& silhouette) {
  if (k_min < 2 || k_max < k_min) {
    throw InvalidArgument("the k range must satisfy 2 <= k_min <= k_max",
                          {"", 0, "k-range", "2 <= MIN <= MAX"});
  }
  const TimeSeriesSet as_series = PointsAsSeries(points);
  StaticKSelection result;
  std::vector<std::vector<int>> labelings;
  for (int k = k_min; k <= k_max; ++k) {
    KMeansOptions fit = options;
    fit.k = k;
    const auto start = std::chrono::steady_clock::now();
    result.fits.push_back(FitKMeans(points, fit));
    const KMeansResult& model = result.fits.back();
    KSelectionRow row;
    row.k = k;
    row.inertia = model.inertia;
    row.iterations = model.iterations;
    row.converged = model.converged;
    row.min_segment_share = MinClusterShare(model.labels, k);
    std::vector<double> centers(model.centers.size());
    for (Eigen::Index cluster = 0; cluster < model.centers.rows(); ++cluster) {
      for (Eigen::Index column = 0; column < model.centers.cols(); ++column) {
        centers[cluster * model.centers.cols() + column] = model.centers(cluster, column);
      }
    }
    row.davies_bouldin = DaviesBouldin(as_series, model.labels, centers, k, 1, Metric::kEuclidean,
                                       {}, options.threads);
    row.seconds_fit =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.rows.push_back(row);
    labelings.push_back(model.labels);
  }
  SilhouetteOptions scoring = silhouette;
  scoring.metric = Metric::kEuclidean;
  const SilhouetteResult scores = SilhouetteScores(as_series, labelings, scoring);
  for (size_t index = 0; index < result.rows.size(); ++index) {
    result.rows[index].silhouette = scores.scores[index];
  }
  // The same rule as the trajectory sweep, so both baselines choose k alike.
  result.best_index = ChooseRow(result.rows, KChoiceRule{});
  return result;
}

}  // namespace segcast
