// Intervals that calibrate themselves: intervals deliberately too narrow or too wide come back
// to the nominal coverage on fresh months, with no factor given by hand; too little history
// falls back to the fixed multiplier and says so.
#include <catch2/catch.hpp>
#include <cmath>

#include "forecast/self_calibration.h"
#include "segcast/backtest.h"
#include "segcast/forecast.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;
using segcast::testing::MakeSeries;
using segcast::testing::SmoothSeries;

namespace {

BacktestOptions SixMonthsAhead(double fixed_scale, int calibration_origins) {
  BacktestOptions options;
  options.forecast.samples = 300;
  options.forecast.horizon = 6;
  options.forecast.interval_scale_h1 = fixed_scale;
  options.forecast.interval_scale_slope = 0.0;
  options.forecast.calibration_origins = calibration_origins;
  options.origins = 2;
  options.step = 6;
  options.horizon = 6;
  options.threads = 2;
  return options;
}

}  // namespace

TEST_CASE("self-calibrated intervals cover near the nominal share whatever the fixed multiplier",
          "[forecast][calibration]") {
  const std::vector<MonthlySeries> series = SmoothSeries(90, 5, 72);
  for (double fixed_scale : {0.3, 3.0}) {
    const BacktestResult fixed = Backtest(series, SixMonthsAhead(fixed_scale, 0));
    const BacktestResult calibrated = Backtest(series, SixMonthsAhead(fixed_scale, 2));
    INFO("fixed scale " << fixed_scale << ": coverage " << fixed.rows.front().coverage << " -> "
                        << calibrated.rows.front().coverage);
    CHECK(std::fabs(fixed.rows.front().coverage - 0.8) > 0.15);
    CHECK(std::fabs(calibrated.rows.front().coverage - 0.8) < 0.05);
    // Only the intervals move.
    CHECK(calibrated.rows.front().smape == fixed.rows.front().smape);
  }
}

TEST_CASE("ForecastAll's factor is the conformal factor of the series' own backtest", "[forecast][calibration]") {
  const std::vector<MonthlySeries> series = SmoothSeries(40, 77, 72);
  ForecastOptions options = SixMonthsAhead(1.0, 2).forecast;
  const internal::IntervalFactors factors = internal::SelfCalibrate(series, options);
  // 40 series x 2 origins x 6 months = 480 points, under 200 a month: one pooled factor.
  REQUIRE(factors.by_horizon.size() == 1);
  CHECK(factors.description.find("480 backtest points") != std::string::npos);
  // Re-scoring the backtest with the factor puts at least 80% of its points inside.
  BacktestOptions check = SixMonthsAhead(1.0, 0);
  check.forecast.interval_scale_h1 = factors.by_horizon.front();
  const BacktestResult scaled = Backtest(series, check);
  CHECK(scaled.rows.front().coverage >= 0.8);
  CHECK(scaled.rows.front().coverage < 0.8 + 0.02);

  const std::vector<SeriesForecast> forecasts = ForecastAll(series, options);
  CHECK(forecasts.front().intervals == factors.description);

  // With enough points per month ahead, one factor per month.
  options.calibration_points_per_horizon = 30;
  CHECK(internal::SelfCalibrate(series, options).by_horizon.size() == 6);
}

TEST_CASE("too little history keeps the fixed multiplier and says why", "[forecast][calibration]") {
  ForecastOptions options;
  options.horizon = 6;
  const std::vector<MonthlySeries> one = {MakeSeries("short", 30, 100.0, 0.5, 5.0, 0.0, 2.0, 3)};
  const std::vector<SeriesForecast> forecasts = ForecastAll(one, options);
  CHECK(forecasts.front().intervals.rfind("fixed multiplier", 0) == 0);
  ForecastOptions fixed = options;
  fixed.calibration_origins = 0;
  const SeriesForecast plain = ForecastSeries(one.front(), fixed);
  for (size_t month = 0; month < plain.points.size(); ++month)
    CHECK(forecasts.front().points[month].yhat_upper == plain.points[month].yhat_upper);
}
