// Horizon calibration of the intervals, Huber reweighting and the leave-one-out member choice.
#include <catch2/catch.hpp>
#include <cmath>

#include "forecast/model.h"
#include "segcast/error.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;
using segcast::testing::MakeSeries;
using segcast::testing::PlainOptions;

namespace {

std::vector<ForecastPoint> Future(const SeriesForecast& forecast) {
  std::vector<ForecastPoint> future;
  for (const ForecastPoint& point : forecast.points)
    if (!point.is_history) future.push_back(point);
  return future;
}

}  // namespace

TEST_CASE("the horizon calibration moves each bound by a + b (h - 1) times its distance", "[forecast]") {
  MonthlySeries series = MakeSeries("c", 90, 100.0, 0.4, 12.0, 0.5, 4.0, 17);
  ForecastOptions options;
  options.horizon = 24;
  options.nonnegative = false;
  options.damping_spread = false;  // paths around the point forecast: no one-sided interval
  options.interval_scale_h1 = 1.0;
  options.interval_scale_slope = 0.0;
  const std::vector<ForecastPoint> raw = Future(ForecastSeries(series, options));
  options.interval_scale_h1 = 0.9;
  options.interval_scale_slope = 0.02;
  const std::vector<ForecastPoint> scaled = Future(ForecastSeries(series, options));
  REQUIRE(raw.size() == 24);
  REQUIRE(scaled.size() == 24);
  for (int h = 1; h <= 24; ++h) {
    const ForecastPoint& before = raw[h - 1];
    const ForecastPoint& after = scaled[h - 1];
    const double factor = 0.9 + 0.02 * (h - 1);  // 0.90 at h = 1, 1.36 at h = 24
    CHECK(after.yhat == before.yhat);
    CHECK(after.yhat_lower == Approx(before.yhat - factor * (before.yhat - before.yhat_lower)).epsilon(1e-12));
    CHECK(after.yhat_upper == Approx(before.yhat + factor * (before.yhat_upper - before.yhat)).epsilon(1e-12));
    // The ratio of widths is the factor itself, so it grows with h whatever the simulation did.
    CHECK((after.yhat_upper - after.yhat_lower) / (before.yhat_upper - before.yhat_lower) ==
          Approx(factor).epsilon(1e-9));
  }
}

TEST_CASE("calibrated 95% intervals contain the 80% ones at every horizon", "[forecast]") {
  for (int index = 0; index < 12; ++index) {
    MonthlySeries series = MakeSeries(std::string("n").append(std::to_string(index)), 40 + 11 * index, 50.0 + 10 * index,
                                      0.3 - 0.05 * index, 8.0, 0.3 * index, 1.0 + index, 300 + index);
    ForecastOptions options;  // defaults: the calibration is on
    options.horizon = 24;
    options.interval = 0.8;
    const std::vector<ForecastPoint> narrow = Future(ForecastSeries(series, options));
    options.interval = 0.95;
    const std::vector<ForecastPoint> wide = Future(ForecastSeries(series, options));
    for (size_t h = 0; h < narrow.size(); ++h) {
      CHECK(wide[h].yhat_lower <= narrow[h].yhat_lower);
      CHECK(narrow[h].yhat_upper <= wide[h].yhat_upper);
      CHECK(narrow[h].yhat_lower <= narrow[h].yhat);
      CHECK(narrow[h].yhat <= narrow[h].yhat_upper);
    }
  }
}

TEST_CASE("80% intervals on iid Gaussian noise over 24 months: simulated 80% +/- 4%, defaults 80-90%", "[forecast]") {
  // Level + yearly season + iid noise (no trend changes: the model's own assumptions), 400 seeded
  // series, each scored on 24 fresh months: 9,600 points.
  internal::XoshiroRandom random(77);
  std::vector<MonthlySeries> history;
  std::vector<std::vector<double>> future;
  for (int index = 0; index < 400; ++index) {
    const int months = 60 + static_cast<int>(random.Uniform() * 120);
    const double level = 100.0 + 400.0 * random.Uniform();
    MonthlySeries full = MakeSeries(std::string("g").append(std::to_string(index)), months + 24, level, 0.0,
                                    level * 0.15 * random.Uniform(), 6.28 * random.Uniform(),
                                    level * (0.02 + 0.06 * random.Uniform()), 9000 + index);
    history.push_back(full);
    history.back().values.resize(months);
    future.emplace_back(full.values.begin() + months, full.values.end());
  }
  auto coverage_of = [&](const ForecastOptions& options) {
    const std::vector<SeriesForecast> forecasts = ForecastAll(history, options);
    int covered = 0, total = 0;
    for (size_t index = 0; index < forecasts.size(); ++index) {
      const std::vector<ForecastPoint> points = Future(forecasts[index]);
      for (size_t h = 0; h < points.size(); ++h) {
        covered += future[index][h] >= points[h].yhat_lower && future[index][h] <= points[h].yhat_upper;
        ++total;
      }
    }
    REQUIRE(total == 9600);
    return static_cast<double>(covered) / total;
  };
  ForecastOptions options;
  options.horizon = 24;
  options.nonnegative = false;
  // The simulation itself (no horizon multiplier, no damping spread) is calibrated on the model's
  // own assumptions.
  options.interval_scale_h1 = 1.0;
  options.interval_scale_slope = 0.0;
  options.damping_spread = false;
  options.calibration_origins = 0;
  options.theta_weight = 0.0;
  const double simulated = coverage_of(options);
  INFO("simulated coverage " << simulated);
  CHECK(simulated >= 0.76);
  CHECK(simulated <= 0.84);
  // The fixed multiplier (up to 1.29 at h = 24) and the damping spread over-cover series whose
  // only uncertainty is iid noise; the defaults calibrate themselves on the series' own earlier
  // months and come back to the nominal share.
  options = ForecastOptions();
  options.horizon = 24;
  options.nonnegative = false;
  options.calibration_origins = 0;
  const double fixed_multiplier = coverage_of(options);
  INFO("fixed multiplier coverage " << fixed_multiplier);
  CHECK(fixed_multiplier > 0.84);
  options.calibration_origins = ForecastOptions().calibration_origins;
  const double with_defaults = coverage_of(options);
  INFO("default coverage " << with_defaults);
  CHECK(with_defaults >= 0.76);
  CHECK(with_defaults <= 0.84);
}

TEST_CASE("Huber reweighting keeps one outlying month from bending the forecast", "[forecast]") {
  // Straight line + season with small noise; month 50 of 72 is 40 noise sd too high.
  MonthlySeries clean = MakeSeries("o", 96, 200.0, 1.0, 20.0, 0.0, 2.0, 5);
  MonthlySeries series = clean;
  series.values.resize(72);
  series.values[50] += 80.0;
  ForecastOptions options = PlainOptions();
  options.horizon = 24;
  options.samples = 0;
  options.robust_rounds = 0;
  const std::vector<ForecastPoint> plain = Future(ForecastSeries(series, options));
  options.robust_rounds = 1;
  const std::vector<ForecastPoint> robust = Future(ForecastSeries(series, options));
  double plain_error = 0.0, robust_error = 0.0;
  for (int h = 0; h < 24; ++h) {
    const double truth = 200.0 + 1.0 * (72 + h) + 20.0 * std::sin(2.0 * M_PI * (72 + h) / 12.0);
    plain_error += std::fabs(plain[h].yhat - truth);
    robust_error += std::fabs(robust[h].yhat - truth);
  }
  INFO("mean abs error plain " << plain_error / 24 << ", robust " << robust_error / 24);
  CHECK(robust_error < 0.6 * plain_error);
  CHECK(robust_error / 24 < 2.0);  // within the noise sd of the truth on average

  // Without an outlier the reweighting changes the forecast by little (the same line and season).
  MonthlySeries tidy = clean;
  tidy.values.resize(72);
  options.robust_rounds = 0;
  const std::vector<ForecastPoint> tidy_plain = Future(ForecastSeries(tidy, options));
  options.robust_rounds = 1;
  const std::vector<ForecastPoint> tidy_robust = Future(ForecastSeries(tidy, options));
  for (int h = 0; h < 24; ++h) CHECK(tidy_robust[h].yhat == Approx(tidy_plain[h].yhat).epsilon(0.01));
}

TEST_CASE("leave-one-out fitted values match refits without that month", "[forecast]") {
  // No changepoints (no Laplace terms) and weak priors: the MAP fit is a weighted ridge regression
  // whose only dependence on the left-out month besides the data is through sigma in the prior
  // terms, negligible here, so the PRESS identity must agree with real refits.
  MonthlySeries series = MakeSeries("l", 60, 100.0, 0.5, 10.0, 1.0, 3.0, 41);
  ForecastOptions options = PlainOptions();
  options.changepoints = 0;
  options.recency_half_life = 18.0;
  internal::ModelSpec spec = internal::SpecFromOptions(options);
  const internal::ScaledHistory history = internal::ScaleHistory(series.values, series.first_month, spec);
  const internal::Design design = internal::MakeDesign(history, spec);
  const internal::Fit fit = internal::FitModel(history, design, spec);
  REQUIRE(fit.leave_one_out.size() == 60u);
  CHECK(std::isnan(fit.leave_one_out[35]));  // only the last 24 months are computed
  for (int month : {36, 47, 58, 59}) {
    std::vector<double> without = series.values;
    without[month] = std::numeric_limits<double>::quiet_NaN();
    const internal::ScaledHistory reduced = internal::ScaleHistory(without, series.first_month, spec);
    REQUIRE(reduced.y_scale == history.y_scale);  // the left-out month is not the maximum
    const internal::Fit refit = internal::FitModel(reduced, design, spec);
    const internal::Components components = internal::Predict(reduced, design, spec, refit, 0);
    INFO("month " << month);
    CHECK(fit.leave_one_out[month] == Approx(components.yhat[month]).margin(1e-5));
    // and it differs from the in-sample fitted value (the month pulls its own fit)
    const internal::Components full = internal::Predict(history, design, spec, fit, 0);
    CHECK(std::fabs(fit.leave_one_out[month] - full.yhat[month]) > 1e-6);
  }
}

TEST_CASE("the new options are validated with the field named", "[forecast]") {
  ForecastOptions options;
  options.interval_scale_h1 = 0.0;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options = ForecastOptions();
  options.interval_scale_slope = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options = ForecastOptions();
  options.robust_rounds = 6;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options = ForecastOptions();
  options.level_correction_months = 25;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options = ForecastOptions();
  options.seasonal_half_life = -1.0;
  try {
    options.Validate();
    FAIL("expected InvalidArgument");
  } catch (const InvalidArgument& error) {
    CHECK(std::string(error.what()).find("seasonal_half_life") != std::string::npos);
  }
}
