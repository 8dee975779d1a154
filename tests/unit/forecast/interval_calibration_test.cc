// Interval calibration from a backtest: the conformal rank, rounding, errors, and the promise
// that re-running the backtest with the scale gives the coverage it reported.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <limits>

#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;
using segcast::testing::MakeSeries;
using segcast::testing::SmoothSeries;

namespace {

BacktestResult WithRatios(const std::vector<IntervalRatio>& ratios, double interval = 0.8) {
  BacktestResult result;
  result.interval = interval;
  result.interval_ratios = ratios;
  return result;
}

IntervalCalibrationOptions AnyCount() {
  IntervalCalibrationOptions options;
  options.min_points = 1;
  return options;
}

BacktestOptions SixMonthsAhead(const ForecastOptions& forecast) {
  BacktestOptions options;
  options.forecast = forecast;
  options.forecast.samples = 300;
  // The fixed multiplier: these cases scale it by hand (self_calibration_test.cc covers the rest).
  // The additive model alone: the cases pin the rank arithmetic on its points.
  options.forecast.calibration_origins = 0;
  options.forecast.theta_weight = 0.0;
  options.origins = 3;
  options.step = 6;
  options.horizon = 6;
  options.threads = 2;
  return options;
}

int64_t Covered(const BacktestRow& row) { return std::llround(row.coverage * row.points); }

}  // namespace

TEST_CASE("the scale is the ceil((n + 1) q)-th smallest ratio, rounded up", "[forecast][calibration]") {
  // Nine points, ratios 0.1 .. 0.9 over horizons 1, 2, 3: rank ceil(10 * 0.8) = 8 -> 0.8.
  std::vector<IntervalRatio> ratios;
  for (int i = 1; i <= 9; ++i) ratios.push_back({(i - 1) % 3 + 1, 0.1 * i});
  const IntervalCalibration calibration = CalibrateIntervals(WithRatios(ratios), AnyCount());
  CHECK(calibration.scale == Approx(0.8).epsilon(1e-12));
  CHECK(calibration.points == 9);
  CHECK(calibration.coverage_before == Approx(1.0));
  CHECK(calibration.coverage_after == Approx(8.0 / 9.0));
  REQUIRE(calibration.points_by_horizon == std::vector<int64_t>{3, 3, 3});
  // Horizon 3 holds 0.3, 0.6, 0.9: only 0.9 falls outside 0.8.
  CHECK(calibration.coverage_after_by_horizon[0] == Approx(1.0));
  CHECK(calibration.coverage_after_by_horizon[2] == Approx(2.0 / 3.0));

  // The factor is relative to the unscaled options: the backtest already carried 2.
  IntervalCalibrationOptions twice = AnyCount();
  twice.current_scale = 2.0;
  CHECK(CalibrateIntervals(WithRatios(ratios), twice).scale == Approx(1.6).epsilon(1e-12));

  // 0.12345 rounds up to 0.124, not to the nearest 0.123.
  const std::vector<IntervalRatio> uneven(5, IntervalRatio{1, 0.12345});
  CHECK(CalibrateIntervals(WithRatios(uneven), AnyCount()).scale == Approx(0.124).epsilon(1e-12));

  // Outside before (ratios 1.5 .. 2.5 for half the points), and widened after.
  std::vector<IntervalRatio> wide;
  for (int i = 0; i < 40; ++i) wide.push_back({1, i < 20 ? 0.05 * i : 1.5 + 0.05 * (i - 20)});
  const IntervalCalibration widened = CalibrateIntervals(WithRatios(wide), AnyCount());
  CHECK(widened.coverage_before == Approx(0.5));
  CHECK(widened.scale > 1.0);
  CHECK(widened.coverage_after >= 0.8);
}

TEST_CASE("points without an interval are left out; too few points or collapsed intervals throw",
          "[forecast][calibration]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<IntervalRatio> ratios(10, IntervalRatio{1, 0.5});
  ratios.push_back({1, nan});
  const IntervalCalibration calibration = CalibrateIntervals(WithRatios(ratios), AnyCount());
  CHECK(calibration.points == 10);
  CHECK(calibration.scale == Approx(0.5));

  // Default minimum of 30 points.
  CHECK_THROWS_AS(CalibrateIntervals(WithRatios(ratios)), InputError);
  // Three points cannot hold the 80% rank: ceil(4 * 0.8) = 4 > 3.
  CHECK_THROWS_AS(CalibrateIntervals(WithRatios({{1, 0.1}, {1, 0.2}, {1, 0.3}}), AnyCount()), InputError);
  // The rank falls on a point whose bound sits on the forecast.
  std::vector<IntervalRatio> collapsed(10, IntervalRatio{1, inf});
  CHECK_THROWS_AS(CalibrateIntervals(WithRatios(collapsed), AnyCount()), InputError);

  IntervalCalibrationOptions bad = AnyCount();
  bad.decimals = 0;
  CHECK_THROWS_AS(CalibrateIntervals(WithRatios(ratios), bad), InvalidArgument);
  ForecastOptions forecast;
  CHECK_THROWS_AS(ScaleIntervals(forecast, 0.0), InvalidArgument);
  CHECK_THROWS_AS(ScaleIntervals(forecast, nan), InvalidArgument);
  ScaleIntervals(forecast, 2.0);
  CHECK(forecast.interval_scale_h1 == Approx(2 * ForecastOptions{}.interval_scale_h1));
  CHECK(forecast.interval_scale_slope == Approx(2 * ForecastOptions{}.interval_scale_slope));
}

TEST_CASE("a backtest's ratios reproduce its coverage, and re-running it scaled gives the coverage reported",
          "[forecast][calibration]") {
  const std::vector<MonthlySeries> series = SmoothSeries(60, 11);
  ForecastOptions forecast;
  forecast.interval_scale_h1 = 2.0;  // deliberately far too wide
  forecast.interval_scale_slope = 0.0;
  BacktestOptions options = SixMonthsAhead(forecast);
  const BacktestResult wide = Backtest(series, options);
  const BacktestRow& model = wide.rows.front();
  REQUIRE(static_cast<int64_t>(wide.interval_ratios.size()) == model.points);
  const auto inside = std::count_if(wide.interval_ratios.begin(), wide.interval_ratios.end(),
                                    [](const IntervalRatio& point) { return point.ratio <= 1.0; });
  CHECK(inside == Covered(model));
  for (const IntervalRatio& point : wide.interval_ratios) {
    CHECK(point.horizon >= 1);
    CHECK(point.horizon <= 6);
  }

  const IntervalCalibration calibration = CalibrateIntervals(wide);
  CHECK(calibration.coverage_before > 0.95);
  CHECK(calibration.scale < 0.8);
  CHECK(calibration.coverage_after >= 0.8);
  CHECK(calibration.coverage_after < 0.8 + 2.0 / calibration.points);

  ScaleIntervals(options.forecast, calibration.scale);
  const BacktestResult scaled = Backtest(series, options);
  REQUIRE(scaled.rows.front().points == calibration.points);
  CHECK(Covered(scaled.rows.front()) == std::llround(calibration.coverage_after * calibration.points));
  // Point forecasts do not move: only the intervals do.
  CHECK(scaled.rows.front().smape == wide.rows.front().smape);
}

TEST_CASE("a scale learned on some series brings fresh series' coverage near nominal", "[forecast][calibration]") {
  ForecastOptions forecast;
  forecast.interval_scale_h1 = 2.0;
  forecast.interval_scale_slope = 0.0;
  BacktestOptions options = SixMonthsAhead(forecast);
  const IntervalCalibration calibration = CalibrateIntervals(Backtest(SmoothSeries(120, 101), options));
  const BacktestResult before = Backtest(SmoothSeries(120, 90001), options);
  ScaleIntervals(options.forecast, calibration.scale);
  const BacktestResult after = Backtest(SmoothSeries(120, 90001), options);
  INFO("scale " << calibration.scale << ", fresh coverage " << before.rows.front().coverage << " -> "
                << after.rows.front().coverage);
  CHECK(before.rows.front().coverage > 0.95);
  CHECK(std::fabs(after.rows.front().coverage - 0.8) < 0.04);
}
