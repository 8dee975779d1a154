// Static K-Means and the scalers (RFM columns and the LRFM panel).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "segcast/error.h"
#include "segcast/kmeans.h"
#include "segcast/scale.h"

TEST_CASE("K-Means on a hand-computed example uses scikit-learn's summed inertia",
          "[cluster][static_kmeans]") {
  Eigen::MatrixXd points(4, 1);
  points << 0, 1, 10, 11;
  segcast::KMeansOptions options;
  options.k = 2;
  const auto result = segcast::FitKMeans(points, options);
  CHECK(result.inertia == 1.0);
  CHECK(result.labels[0] == result.labels[1]);
  CHECK(result.labels[2] == result.labels[3]);
  CHECK(result.labels[0] != result.labels[2]);
  CHECK(result.centers(result.labels[0], 0) == 0.5);
  CHECK(result.converged);
}

TEST_CASE("K-Means is a fixed point of Lloyd and independent of the thread count",
          "[cluster][static_kmeans][threads]") {
  std::mt19937_64 engine(4);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd points(2000, 3);
  for (Eigen::Index row = 0; row < points.rows(); ++row) {
    for (Eigen::Index column = 0; column < 3; ++column) points(row, column) = normal(engine) + (row % 5);
  }
  segcast::KMeansOptions options;
  options.k = 5;
  options.seed = 9;
  options.threads = 1;
  const auto reference = segcast::FitKMeans(points, options);
  for (int threads : {2, 4}) {
    options.threads = threads;
    const auto result = segcast::FitKMeans(points, options);
    REQUIRE(result.labels == reference.labels);
    REQUIRE(result.inertia == reference.inertia);
    REQUIRE(result.centers == reference.centers);
  }
  // Every point sits with its nearest centre, and the inertia is the sum of squared distances.
  double inertia = 0.0;
  for (Eigen::Index row = 0; row < points.rows(); ++row) {
    const int own = reference.labels[row];
    const double own_distance = (points.row(row) - reference.centers.row(own)).squaredNorm();
    for (int cluster = 0; cluster < 5; ++cluster) {
      REQUIRE(own_distance <= (points.row(row) - reference.centers.row(cluster)).squaredNorm());
    }
    inertia += own_distance;
  }
  CHECK(reference.inertia == Approx(inertia).epsilon(1e-12));
  const auto sweep = segcast::SelectStaticK(points, 2, 6, options, {});
  CHECK(sweep.rows.size() == 5);
  for (const auto& row : sweep.rows) CHECK(row.silhouette > 0.0);
}

TEST_CASE("Column scalers match their definitions and invert", "[cluster][scale]") {
  Eigen::MatrixXd raw(5, 2);
  raw << 1, 7, 2, 7, 3, 7, 4, 7, 5, 7;
  const auto minmax = segcast::ColumnScaler::Fit(raw, segcast::ColumnScaling::kMinMax, false);
  const Eigen::MatrixXd scaled = minmax.Transform(raw);
  CHECK(scaled(0, 0) == 0.0);
  CHECK(scaled(2, 0) == 0.5);
  CHECK(scaled(4, 0) == 1.0);
  CHECK(scaled(3, 1) == 0.0);  // a constant column maps to 0
  const auto standard = segcast::ColumnScaler::Fit(raw, segcast::ColumnScaling::kStandard, false);
  CHECK(standard.Transform(raw)(4, 0) == Approx(2.0 / std::sqrt(2.0)).epsilon(1e-14));
  const auto robust = segcast::ColumnScaler::Fit(raw, segcast::ColumnScaling::kRobust, false);
  CHECK(robust.center[0] == 3.0);
  CHECK(robust.scale[0] == 2.0);
  const auto logged = segcast::ColumnScaler::Fit(raw, segcast::ColumnScaling::kStandard, true);
  CHECK(logged.Inverse(logged.Transform(raw)).isApprox(raw, 1e-12));
  CHECK(segcast::SignedLog1p(-std::expm1(2.0)) == Approx(-2.0));
  CHECK_THROWS_AS(segcast::ParseColumnScaling("zscore"), segcast::InvalidArgument);
}

TEST_CASE("Panel scalings use only observed months and feature-minmax inverts",
          "[cluster][scale]") {
  segcast::LrfmPanel panel;
  panel.month_count = 3;
  panel.customer_ids = {"a", "b"};
  panel.customer_index = {0, 1};
  panel.start = {0, 1};
  panel.values = {10, 5, 1, 100,  40, 15, 2, 300,  70, 45, 0, 0,
                  0, 0, 0, 0,     20, 3, 4, 1000,  50, 33, 0, 0};
  segcast::PanelScaleOptions options;
  options.log1p_frequency_monetary = false;
  segcast::PanelScaler scaler;
  const auto set = segcast::PanelToSeries(panel, options, &scaler);
  REQUIRE(set.size() == 2);
  CHECK(set.Length(1) == 2);
  // L ranges over 10..70 (the zero before b's first month is not observed).
  CHECK(scaler.minimum[0] == 10.0);
  CHECK(scaler.range[0] == 60.0);
  CHECK(set.Data(1)[0] == Approx(10.0 / 60.0));
  std::vector<double> back(set.Data(0), set.Data(0) + 12);
  scaler.Inverse(back.data(), 3);
  for (int cell = 0; cell < 12; ++cell) CHECK(back[cell] == Approx(panel.values[cell]).margin(1e-9));

  options.log1p_frequency_monetary = true;
  const auto logged = segcast::PanelToSeries(panel, options, &scaler);
  std::vector<double> back_logged(logged.Data(1), logged.Data(1) + 8);
  scaler.Inverse(back_logged.data(), 2);
  CHECK(back_logged[3] == Approx(1000.0));

  options.scaling = segcast::PanelScaling::kSeriesMinMax;
  const auto shape = segcast::PanelToSeries(panel, options, &scaler);
  CHECK_FALSE(scaler.Invertible());
  CHECK(shape.Data(0)[0] == 0.0);
  CHECK(shape.Data(0)[8] == 1.0);
  options.scaling = segcast::PanelScaling::kZNormalize;
  const auto z = segcast::PanelToSeries(panel, options, nullptr);
  double sum = 0.0;
  for (int step = 0; step < 3; ++step) sum += z.Data(0)[step * 4 + 1];
  CHECK(sum == Approx(0.0).margin(1e-12));
}
