// The Theta method: exponential smoothing against an independent grid search, the drift of a
// straight line, an exact seasonal pattern, and its share of ForecastSeries' point forecast.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "forecast/theta.h"
#include "segcast/forecast.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;

namespace {

// One-step squared errors of exponential smoothing from level l0, written out directly.
double SesSse(const std::vector<double>& y, double alpha, double l0) {
  double level = l0, sse = 0.0;
  for (double value : y) {
    sse += (value - level) * (value - level);
    level = alpha * value + (1.0 - alpha) * level;
  }
  return sse;
}

// The best (alpha, l0) by brute force: alpha on a grid of 1e-4, l0 from the parabola through
// three evaluations (the errors are quadratic in l0).
double BestSse(const std::vector<double>& y) {
  double best = INFINITY;
  for (double alpha = 1e-4; alpha <= 0.9999 + 1e-12; alpha += 1e-4) {
    const double a = SesSse(y, alpha, -1.0), b = SesSse(y, alpha, 0.0), c = SesSse(y, alpha, 1.0);
    const double curvature = (a + c - 2.0 * b) / 2.0, slope = (c - a) / 2.0;
    const double l0 = curvature > 0 ? -slope / (2.0 * curvature) : 0.0;
    best = std::min(best, SesSse(y, alpha, l0));
  }
  return best;
}

}  // namespace

TEST_CASE("exponential smoothing finds the least-squares alpha and initial level", "[forecast][theta]") {
  const std::vector<double> y = {12, 15, 11, 18, 16, 20, 17, 23, 21, 19, 25, 24};
  const internal::SesFit fit = internal::FitSimpleExponentialSmoothing(y);
  CHECK(fit.sse == Approx(SesSse(y, fit.alpha, fit.initial_level)).epsilon(1e-12));
  // Brent's optimum is at least as good as the grid's, and not better than it by more than the
  // grid's resolution allows.
  const double grid = BestSse(y);
  CHECK(fit.sse <= grid * (1 + 1e-9));
  CHECK(fit.sse >= grid * (1 - 1e-3));
  // The final level is the recursion's.
  double level = fit.initial_level;
  for (double value : y) level += fit.alpha * (value - level);
  CHECK(fit.final_level == Approx(level).epsilon(1e-12));

  // A constant series: no error at all, and the level is the constant.
  const internal::SesFit flat = internal::FitSimpleExponentialSmoothing({7, 7, 7, 7, 7});
  CHECK(flat.sse == Approx(0.0).margin(1e-18));
  CHECK(flat.final_level == Approx(7.0));
}

TEST_CASE("Theta on a straight line continues it at half its slope", "[forecast][theta]") {
  // 30 months of 100 + 2t: too short and too smooth for seasonality; exponential smoothing follows
  // the line with alpha at its upper limit, so the forecast is about y_n + (slope / 2) h.
  std::vector<double> line;
  for (int t = 0; t < 30; ++t) line.push_back(100.0 + 2.0 * t);
  const internal::ThetaResult theta = internal::ThetaForecast(line, MakeMonth(2001, 1), 6);
  REQUIRE(theta.usable);
  CHECK_FALSE(theta.seasonal);
  CHECK(theta.alpha == Approx(0.9999).epsilon(1e-6));
  for (int h = 1; h <= 6; ++h) CHECK(theta.mean[h - 1] == Approx(158.0 + 1.0 * h).epsilon(1e-3));
}

TEST_CASE("Theta carries an exact yearly pattern forward, whatever month the series starts in",
          "[forecast][theta]") {
  // Level 100 times a fixed pattern by calendar month, five years from March: the centred moving
  // average is exactly 100, so the indices are the pattern and the adjusted series is constant.
  const std::vector<double> pattern = {0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7};
  double mean = 0;
  for (double p : pattern) mean += p / 12;
  const MonthIndex start = MakeMonth(2001, 3);
  std::vector<double> values;
  for (int t = 0; t < 60; ++t) values.push_back(100.0 * pattern[(2 + t) % 12] / mean);
  const internal::ThetaResult theta = internal::ThetaForecast(values, start, 14);
  REQUIRE(theta.usable);
  CHECK(theta.seasonal);
  for (int h = 1; h <= 14; ++h)
    CHECK(theta.mean[h - 1] == Approx(100.0 * pattern[(2 + 59 + h) % 12] / mean).epsilon(1e-9));

  // A missing month inside the history is interpolated, not a reason to fail.
  values[30] = std::nan("");
  CHECK(internal::ThetaForecast(values, start, 3).usable);
  CHECK_FALSE(internal::ThetaForecast({1.0, std::nan(""), 2.0}, start, 3).usable);
}

TEST_CASE("theta_weight moves the future point forecast that share of the way to Theta's",
          "[forecast][theta]") {
  const MonthlySeries series = testing::MakeSeries("s", 48, 200.0, 1.5, 20.0, 0.4, 6.0, 17);
  ForecastOptions options;
  options.samples = 0;
  options.horizon = 6;
  options.calibration_origins = 0;
  options.theta_weight = 0.0;
  const SeriesForecast model = ForecastSeries(series, options);
  options.theta_weight = 1.0;
  const SeriesForecast theta_only = ForecastSeries(series, options);
  options.theta_weight = 0.25;
  const SeriesForecast blend = ForecastSeries(series, options);
  const internal::ThetaResult theta = internal::ThetaForecast(series.values, series.first_month, 6);
  const int n = series.size();
  for (int h = 0; h < 6; ++h) {
    CHECK(theta_only.points[n + h].yhat == Approx(theta.mean[h]).epsilon(1e-12));
    CHECK(blend.points[n + h].yhat ==
          Approx(0.75 * model.points[n + h].yhat + 0.25 * theta.mean[h]).epsilon(1e-12));
  }
  // The history's fitted values are the additive model's in every case.
  for (int month = 0; month < n; ++month) CHECK(blend.points[month].yhat == model.points[month].yhat);
  CHECK(blend.parameters.variant.rfind("0.25*theta+0.75*", 0) == 0);
}
