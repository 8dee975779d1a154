// Assignment to saved centroids: nearest and runner-up under the model's metric.
#include "segcast/assign.h"

#include <omp.h>

#include <cmath>
#include <limits>

#include "internal/parallel.h"
#include "segcast/error.h"
#include "segcast/panel.h"
#include "segcast/scale.h"

namespace segcast {

std::vector<NearestTwo> NearestTwoCentroids(const TimeSeriesSet& series,
                                            const std::vector<double>& centroids, int k,
                                            int length, Metric metric, const DtwBand& band,
                                            int threads) {
  const int dims = series.dims;
  if (k < 1 || length < 1 ||
      centroids.size() != static_cast<size_t>(k) * static_cast<size_t>(length) * dims) {
    throw InvalidArgument("centroids do not match k x length x dims",
                          {.field = "centroids", .expected = "k x length x dims values"});
  }
  if (metric == Metric::kEuclidean) {
    for (int index = 0; index < series.size(); ++index) {
      if (series.Length(index) != length) {
        throw InvalidArgument("the Euclidean metric needs series as long as the centroids",
                              {.field = "metric", .expected = "dtw for series of other lengths"});
      }
    }
  }
  std::vector<NearestTwo> nearest(series.size());
  internal::ExceptionCapture capture;
  const int n = series.size();
#pragma omp parallel num_threads(internal::ResolveThreads(threads))
  {
    DtwWorkspace workspace;
#pragma omp for schedule(dynamic, 64)
    for (int index = 0; index < n; ++index) {
      capture.Run([&] {
        const double* x = series.Data(index);
        const int nx = series.Length(index);
        const double infinity = std::numeric_limits<double>::infinity();
        double best = infinity, second = infinity;
        int best_cluster = 0, second_cluster = -1;
        for (int cluster = 0; cluster < k; ++cluster) {
          const double* y = centroids.data() + static_cast<size_t>(cluster) * length * dims;
          // Only the two smallest matter, so any distance above the current second is abandoned.
          const double squared =
              metric == Metric::kDtw
                  ? DtwSquared(x, nx, y, length, dims, band.RadiusFor(nx, length), second, workspace)
                  : EuclideanSquared(x, y, length, dims, second);
          if (squared < best) {
            second = best;
            second_cluster = best_cluster;
            best = squared;
            best_cluster = cluster;
          } else if (squared < second) {
            second = squared;
            second_cluster = cluster;
          }
        }
        NearestTwo& result = nearest[index];
        result.best = best_cluster;
        result.best_distance = std::sqrt(best);
        result.runner_up = k > 1 ? second_cluster : -1;
        result.runner_up_distance = k > 1 ? std::sqrt(second) : 0.0;
      });
    }
  }
  capture.Rethrow();
  return nearest;
}

TimeSeriesSet ScaleWithModel(const SavedModel& model, const LrfmPanel& panel) {
  const std::string& method = model.options.scaling;
  const bool global = method == "none" || method == "feature-minmax";
  if (!global && method != "series-minmax" && method != "znorm") {
    throw InvalidArgument("the model uses an unknown scaling '" + method + "'",
                          {.field = "options.scaling",
                           .expected = "none, feature-minmax, series-minmax or znorm"});
  }
  TimeSeriesSet set;
  set.dims = kLrfmFeatures;
  set.dim_names.assign(kLrfmFeatureNames, kLrfmFeatureNames + kLrfmFeatures);
  std::vector<double> buffer;
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    const int length = panel.SeriesLength(customer);
    if (length < 1) continue;
    if (global) {
      buffer = ApplyScaler(model.scaler, panel.Series(customer), length);
    } else {
      buffer.assign(panel.Series(customer), panel.Series(customer) + length * kLrfmFeatures);
      for (size_t cell = 0; cell < buffer.size(); ++cell) {
        if (model.scaler.log1p[cell % kLrfmFeatures]) buffer[cell] = std::log1p(buffer[cell]);
      }
    }
    set.Add(panel.customer_ids[customer], buffer.data(), length);
  }
  if (!global) ScaleSeries(set, ParsePanelScaling(method), nullptr);
  return set;
}

AssignResult AssignWithModel(const SavedModel& model, const Transactions& transactions,
                             const AssignOptions& options) {
  ValidateModel(model);
  PanelOptions panel_options;
  panel_options.as_of = options.as_of;
  panel_options.window = model.options.window;
  panel_options.pre_acquisition = model.options.pre_acquisition == "zero" ? PreAcquisition::kZero
                                                                          : PreAcquisition::kAbsent;
  const LrfmPanel panel = BuildPanel(transactions, panel_options);
  const TimeSeriesSet series = ScaleWithModel(model, panel);

  // Centroids may have been saved with different lengths only if trimmed; the DTW path accepts
  // any length, so pad nothing and measure each against its own length.
  const int k = static_cast<int>(model.centroids.size());
  const Metric metric = ParseMetric(model.options.metric);
  DtwBand band;
  band.radius = model.options.band;

  AssignResult result;
  result.as_of = panel.as_of;
  result.segment_counts.assign(k, 0);
  result.rows.resize(series.size());
  // Group centroids by length so that NearestTwoCentroids sees one k x length x 4 block each.
  std::vector<NearestTwo> best(series.size());
  for (int index = 0; index < series.size(); ++index) {
    best[index].best_distance = std::numeric_limits<double>::infinity();
    best[index].runner_up_distance = std::numeric_limits<double>::infinity();
    best[index].runner_up = -1;
  }
  for (int cluster = 0; cluster < k; ++cluster) {
    const ModelCentroid& centroid = model.centroids[cluster];
    const std::vector<NearestTwo> one = NearestTwoCentroids(
        series, centroid.values, 1, centroid.months, metric, band, options.threads);
    for (int index = 0; index < series.size(); ++index) {
      const double distance = one[index].best_distance;
      NearestTwo& current = best[index];
      if (distance < current.best_distance) {
        current.runner_up = current.best_distance < std::numeric_limits<double>::infinity()
                                ? current.best : -1;
        current.runner_up_distance = current.best_distance;
        current.best = cluster;
        current.best_distance = distance;
      } else if (distance < current.runner_up_distance) {
        current.runner_up = cluster;
        current.runner_up_distance = distance;
      }
    }
  }
  for (int index = 0; index < series.size(); ++index) {
    const NearestTwo& nearest = best[index];
    CustomerAssignment& row = result.rows[index];
    const ModelCentroid& centroid = model.centroids[nearest.best];
    row.customer_id = series.ids[index];
    row.segment_id = centroid.segment_id;
    row.name = centroid.name;
    row.distance = nearest.best_distance;
    if (nearest.runner_up >= 0) {
      row.runner_up_segment = model.centroids[nearest.runner_up].segment_id;
      row.runner_up_distance = nearest.runner_up_distance;
    }
    ++result.segment_counts[nearest.best];
  }
  return result;
}

}  // namespace segcast
