#include "segcast/segmentation.h"

#include <cmath>
#include <utility>

#include "segcast/calendar.h"

namespace segcast {
namespace {

ClusteringResult FitFixedK(const TimeSeriesSet& series, const ClusteringOptions& options) {
  TsKMeansOptions fit = options.sweep.fit;
  fit.k = options.k;
  ClusteringResult result;
  result.fit = FitTsKMeans(series, fit);
  if (options.fixed_k_silhouette && fit.k >= 2) {
    SilhouetteOptions silhouette = options.sweep.silhouette;
    silhouette.metric = fit.metric;
    silhouette.band = fit.band;
    result.silhouette_pass = SilhouetteScores(series, {result.fit.labels}, silhouette);
    result.silhouette = result.silhouette_pass.scores[0];
  }
  return result;
}

ClusteringResult SweepK(const TimeSeriesSet& series, const ClusteringOptions& options) {
  KSelectionResult sweep = SelectTsK(series, options.sweep);
  ClusteringResult result;
  result.k_selection = std::move(sweep.rows);
  result.k_choice = std::move(sweep.choice);
  result.silhouette = result.k_selection[sweep.best_index].silhouette;
  result.silhouette_pass = std::move(sweep.silhouette);
  for (const TsKMeansResult& fit : sweep.fits) result.sweep_dtw_calls += fit.dtw_calls;
  result.swept_series = static_cast<int>(sweep.sample.size());
  result.series_count = sweep.sample.empty() ? 0 : sweep.series_count;
  result.seconds_full_fit = sweep.seconds_full_fit;
  result.fit = std::move(sweep.fits[sweep.best_index]);
  return result;
}

}  // namespace

ClusteringResult ClusterSeries(const TimeSeriesSet& series, const ClusteringOptions& options) {
  return options.k > 0 ? FitFixedK(series, options) : SweepK(series, options);
}

std::vector<double> CentroidsInOriginalUnits(const LrfmPanel& panel, const PanelScaler& scaler,
                                             const TsKMeansResult& fit) {
  const size_t centroid_size = static_cast<size_t>(fit.length) * kLrfmFeatures;
  std::vector<double> original = fit.centroids;
  if (scaler.Invertible()) {
    for (int cluster = 0; cluster < fit.k; ++cluster) {
      scaler.Inverse(original.data() + cluster * centroid_size, fit.length);
    }
    return original;
  }
  // Per-series scalings have no inverse: the members' mean by calendar month stands in.
  const int months = panel.month_count;
  const int offset = months - fit.length;
  const std::vector<double> means = PanelClusterMeans(panel, fit.labels, fit.k);
  for (int cluster = 0; cluster < fit.k; ++cluster) {
    for (int step = 0; step < fit.length; ++step) {
      for (int feature = 0; feature < kLrfmFeatures; ++feature) {
        original[cluster * centroid_size + static_cast<size_t>(step) * kLrfmFeatures + feature] =
            means[(static_cast<size_t>(cluster) * months + offset + step) * kLrfmFeatures + feature];
      }
    }
  }
  return original;
}

std::vector<SegmentCentroid> MemberTrajectories(const LrfmPanel& panel, const std::vector<int>& labels,
                                                int k) {
  const int months = panel.month_count;
  const std::vector<double> means = PanelClusterMeans(panel, labels, k);
  auto mean_at = [&](int cluster, int month, int feature) {
    return means[(static_cast<size_t>(cluster) * months + month) * kLrfmFeatures + feature];
  };
  const bool partial_last = panel.as_of != FirstDayOfMonth(panel.first_month + months);
  const int end = partial_last && months > 1 ? months - 1 : months;
  std::vector<SegmentCentroid> trajectories(k);
  for (int cluster = 0; cluster < k; ++cluster) {
    SegmentCentroid& trajectory = trajectories[cluster];
    trajectory.segment_id = cluster;
    int first = 0;
    while (first < end - 1 && std::isnan(mean_at(cluster, first, kLength))) ++first;
    trajectory.first_month = panel.first_month + first;
    for (int month = first; month < end; ++month) {
      trajectory.trajectory.push_back({mean_at(cluster, month, kLength), mean_at(cluster, month, kRecency),
                                       mean_at(cluster, month, kFrequency),
                                       mean_at(cluster, month, kMonetary)});
    }
  }
  return trajectories;
}

CustomerLevels PanelCustomerLevels(const LrfmPanel& panel) {
  const int customers = panel.customer_count();
  const int last = panel.month_count - 1;
  CustomerLevels result;
  result.revenue.assign(customers, 0.0);
  result.levels.assign(customers, LrfmValues{});
  for (int customer = 0; customer < customers; ++customer) {
    const int length = panel.SeriesLength(customer);
    double frequency = 0, monetary = 0;
    for (int month = panel.start[customer]; month <= last; ++month) {
      frequency += panel.At(customer, month, kFrequency);
      monetary += panel.At(customer, month, kMonetary);
    }
    result.revenue[customer] = monetary;
    result.levels[customer] = {panel.At(customer, last, kLength), panel.At(customer, last, kRecency),
                               length > 0 ? frequency / length : 0.0,
                               length > 0 ? monetary / length : 0.0};
  }
  return result;
}

DescribedSegments DescribeSegments(const SegmentReportInput& input, const PersonaRules& rules) {
  SegmentReportOptions options;
  options.mix = rules.mix;
  DescribedSegments result;
  result.report = BuildSegmentReport(input, options);
  result.personas = AssignPersonas(result.report.Profiles(), result.report.Population(), rules);
  return result;
}

}  // namespace segcast
