#include "segcast/segmentation.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/error.h"

namespace segcast {
namespace {

// Three customers over three months from 2024-01; customer 2 first buys in month 1. Values are
// chosen so every mean below is a hand sum.
LrfmPanel ThreeCustomerPanel(Day as_of) {
  LrfmPanel panel;
  panel.first_month = MakeMonth(2024, 1);
  panel.month_count = 3;
  panel.as_of = as_of;
  panel.customer_ids = {"a", "b", "c"};
  panel.customer_index = {0, 1, 2};
  panel.start = {0, 0, 1};
  panel.values.assign(3 * 3 * kLrfmFeatures, 0.0);
  auto set = [&panel](int customer, int month, LrfmValues cell) {
    for (int feature = 0; feature < kLrfmFeatures; ++feature) {
      panel.values[(static_cast<size_t>(customer) * 3 + month) * kLrfmFeatures + feature] = cell[feature];
    }
  };
  set(0, 0, {0, 0, 1, 10});
  set(0, 1, {31, 31, 0, 0});
  set(0, 2, {60, 29, 2, 30});
  set(1, 0, {0, 0, 2, 40});
  set(1, 1, {31, 0, 1, 20});
  set(1, 2, {60, 29, 0, 0});
  set(2, 1, {0, 0, 1, 5});
  set(2, 2, {29, 0, 3, 25});
  return panel;
}

TEST_CASE("PanelCustomerLevels: L and R at the last month, F and M per month of the own series",
          "[segmentation]") {
  const LrfmPanel panel = ThreeCustomerPanel(FirstDayOfMonth(MakeMonth(2024, 4)));
  const CustomerLevels levels = PanelCustomerLevels(panel);
  REQUIRE(levels.revenue == std::vector<double>{40, 60, 30});
  REQUIRE(levels.levels[0][kLength] == 60);
  REQUIRE(levels.levels[0][kRecency] == 29);
  REQUIRE(levels.levels[0][kFrequency] == Approx(1.0));     // 3 invoices / 3 months
  REQUIRE(levels.levels[0][kMonetary] == Approx(40.0 / 3));
  REQUIRE(levels.levels[2][kFrequency] == Approx(2.0));     // 4 invoices / 2 months of its own
  REQUIRE(levels.levels[2][kMonetary] == Approx(15.0));
}

TEST_CASE("MemberTrajectories: members' means by calendar month, a cut last month left out",
          "[segmentation]") {
  // Customers a and c in segment 0, b in segment 1; series order = panel order (all non-empty).
  const std::vector<int> labels = {0, 1, 0};
  SECTION("a whole last month is kept") {
    const LrfmPanel panel = ThreeCustomerPanel(FirstDayOfMonth(MakeMonth(2024, 4)));
    const std::vector<SegmentCentroid> trajectories = MemberTrajectories(panel, labels, 2);
    REQUIRE(trajectories.size() == 2);
    REQUIRE(trajectories[0].segment_id == 0);
    REQUIRE(*trajectories[0].first_month == MakeMonth(2024, 1));
    REQUIRE(trajectories[0].trajectory.size() == 3);
    // Month 0: only a is observed (c starts in month 1).
    REQUIRE(trajectories[0].trajectory[0][kMonetary] == Approx(10));
    // Month 1: a (0) and c (5); month 2: a (30) and c (25).
    REQUIRE(trajectories[0].trajectory[1][kMonetary] == Approx(2.5));
    REQUIRE(trajectories[0].trajectory[2][kMonetary] == Approx(27.5));
    REQUIRE(trajectories[0].trajectory[2][kLength] == Approx(44.5));
    REQUIRE(trajectories[1].trajectory[1][kFrequency] == Approx(1));
  }
  SECTION("a last month the as-of date cuts short is left out") {
    const LrfmPanel panel = ThreeCustomerPanel(DayFromCivil(2024, 3, 15));
    const std::vector<SegmentCentroid> trajectories = MemberTrajectories(panel, labels, 2);
    REQUIRE(trajectories[0].trajectory.size() == 2);
    REQUIRE(trajectories[1].trajectory.size() == 2);
  }
}

TEST_CASE("CentroidsInOriginalUnits: the scaler's inverse, or the members' mean without one",
          "[segmentation]") {
  const LrfmPanel panel = ThreeCustomerPanel(FirstDayOfMonth(MakeMonth(2024, 4)));
  SECTION("feature-minmax is inverted exactly") {
    PanelScaler scaler;
    PanelScaleOptions options;
    options.log1p_frequency_monetary = false;
    const TimeSeriesSet series = PanelToSeries(panel, options, &scaler);
    REQUIRE(scaler.Invertible());
    TsKMeansResult fit;
    fit.k = 1;
    fit.length = 2;
    fit.dims = kLrfmFeatures;
    // The scaled series of customer c is a valid "centroid": its inverse is c's raw months.
    fit.centroids.assign(series.Data(2), series.Data(2) + 2 * kLrfmFeatures);
    fit.labels = {0, 0, 0};
    const std::vector<double> original = CentroidsInOriginalUnits(panel, scaler, fit);
    REQUIRE(original.size() == 8);
    REQUIRE(original[kMonetary] == Approx(5));
    REQUIRE(original[kLrfmFeatures + kLength] == Approx(29));
    REQUIRE(original[kLrfmFeatures + kFrequency] == Approx(3));
  }
  SECTION("per-series scalings use the members' mean over the last fit.length months") {
    PanelScaler scaler;
    PanelScaleOptions options;
    options.scaling = PanelScaling::kSeriesMinMax;
    (void)PanelToSeries(panel, options, &scaler);
    REQUIRE_FALSE(scaler.Invertible());
    TsKMeansResult fit;
    fit.k = 2;
    fit.length = 2;
    fit.dims = kLrfmFeatures;
    fit.centroids.assign(2 * 2 * kLrfmFeatures, -1.0);
    fit.labels = {0, 1, 0};
    const std::vector<double> original = CentroidsInOriginalUnits(panel, scaler, fit);
    // Cluster 0, steps = months 1 and 2: M means (0 + 5) / 2 and (30 + 25) / 2.
    REQUIRE(original[kMonetary] == Approx(2.5));
    REQUIRE(original[kLrfmFeatures + kMonetary] == Approx(27.5));
    // Cluster 1 is b alone.
    REQUIRE(original[2 * kLrfmFeatures + kMonetary] == Approx(20));
  }
}

TimeSeriesSet TwoGroups() {
  TimeSeriesSet series;
  series.dims = 1;
  const std::vector<std::vector<double>> rows = {{0, 0, 1},    {0, 0.2, 1}, {0.1, 0, 1.1},
                                                 {5, 5, 6},    {5.2, 5, 6}, {5, 5.1, 6.2},
                                                 {10, 11, 10}, {10, 10, 10.3}};
  for (size_t row = 0; row < rows.size(); ++row) {
    series.Add("s" + std::to_string(row), rows[row].data(), static_cast<int>(rows[row].size()));
  }
  return series;
}

TEST_CASE("ClusterSeries: a fixed k is FitTsKMeans plus its silhouette", "[segmentation]") {
  const TimeSeriesSet series = TwoGroups();
  ClusteringOptions options;
  options.k = 3;
  options.sweep.fit.seed = 11;
  const ClusteringResult clustered = ClusterSeries(series, options);
  TsKMeansOptions direct = options.sweep.fit;
  direct.k = 3;
  const TsKMeansResult reference = FitTsKMeans(series, direct);
  REQUIRE(clustered.fit.labels == reference.labels);
  REQUIRE(clustered.fit.inertia == reference.inertia);
  SilhouetteOptions silhouette;
  const double expected = SilhouetteScores(series, {reference.labels}, silhouette).scores[0];
  REQUIRE(clustered.silhouette == Approx(expected).epsilon(1e-12));
  REQUIRE(clustered.silhouette > 0.5);
  REQUIRE(clustered.k_selection.empty());

  options.fixed_k_silhouette = false;
  REQUIRE(std::isnan(ClusterSeries(series, options).silhouette));

  options.k = 9;
  REQUIRE_THROWS_AS(ClusterSeries(series, options), InvalidArgument);
}

TEST_CASE("ClusterSeries: k = 0 sweeps and keeps the chosen k's fit", "[segmentation]") {
  const TimeSeriesSet series = TwoGroups();
  ClusteringOptions options;
  options.sweep.k_min = 2;
  options.sweep.k_max = 4;
  options.sweep.fit.seed = 11;
  options.sweep.choice.min_segment_share = 0.0;
  const ClusteringResult clustered = ClusterSeries(series, options);
  const KSelectionResult sweep = SelectTsK(series, options.sweep);
  REQUIRE(clustered.k_selection.size() == 3);
  REQUIRE(clustered.fit.k == sweep.best_k());
  REQUIRE(clustered.fit.k == 3);  // three well separated groups
  REQUIRE(clustered.fit.labels == sweep.fits[sweep.best_index].labels);
  REQUIRE(clustered.silhouette == sweep.rows[sweep.best_index].silhouette);
  REQUIRE(clustered.k_choice == sweep.choice);
  int64_t calls = 0;
  for (const TsKMeansResult& fit : sweep.fits) calls += fit.dtw_calls;
  REQUIRE(clustered.sweep_dtw_calls == calls);
}

}  // namespace
}  // namespace segcast
