// The model recovers known trends, changepoints and seasonality from synthetic series.
#include <catch2/catch.hpp>
#include <cmath>

#include "segcast/error.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;
using segcast::testing::MakeSeries;
using segcast::testing::PlainOptions;

namespace {

std::vector<const ForecastPoint*> Future(const SeriesForecast& forecast) {
  std::vector<const ForecastPoint*> future;
  for (const ForecastPoint& point : forecast.points)
    if (!point.is_history) future.push_back(&point);
  return future;
}

}  // namespace

TEST_CASE("a noiseless line with a yearly sine is recovered and extrapolated", "[forecast]") {
  // y = 100 + 2 month + 10 sin(2 pi month / 12): 96 months of history.
  MonthlySeries series = MakeSeries("line", 96, 100.0, 2.0, 10.0, 0.0, 0.0, 1);
  ForecastOptions options = PlainOptions();
  options.horizon = 12;
  SeriesForecast forecast = ForecastSeries(series, options);
  REQUIRE(forecast.converged);
  REQUIRE(forecast.points.size() == 108);
  const auto future = Future(forecast);
  REQUIRE(future.size() == 12);
  for (int h = 0; h < 12; ++h) {
    const int month = 96 + h;
    const double truth = 100.0 + 2.0 * month + 10.0 * std::sin(2.0 * M_PI * month / 12.0);
    CHECK(future[h]->yhat == Approx(truth).margin(0.5));
    // The seasonal component is the sine (trend is the line).
    CHECK(future[h]->seasonal == Approx(10.0 * std::sin(2.0 * M_PI * month / 12.0)).margin(0.3));
    CHECK(future[h]->trend == Approx(100.0 + 2.0 * month).margin(0.5));
  }
  // Fitted parameters on the scaled axes: rate in scaled y per scaled time.
  const FittedParameters& p = forecast.parameters;
  const double slope_per_month = (p.k + [&] {
    double sum = 0;
    for (double d : p.delta) sum += d;
    return sum;
  }()) * p.y_scale / (p.history_months - 1);
  CHECK(slope_per_month == Approx(2.0).margin(0.05));
  CHECK(p.fourier_order == 6);
  // sin1 coefficient carries the amplitude 10 (scaled by y_scale); the others vanish.
  CHECK(p.beta[0] * p.y_scale == Approx(10.0).margin(0.2));
  for (size_t column = 1; column < p.beta.size(); ++column) CHECK(std::fabs(p.beta[column] * p.y_scale) < 0.2);
}

TEST_CASE("a slope change is found at its changepoint and the new slope is extrapolated", "[forecast]") {
  // Slope 1 per month until month 60, then 4 per month; small noise.
  MonthlySeries series = MakeSeries("kink", 120, 500.0, 1.0, 30.0, 1.0, 1.0, 7, 60, 3.0);
  ForecastOptions options = PlainOptions();
  options.horizon = 6;
  options.changepoints = 25;
  SeriesForecast forecast = ForecastSeries(series, options);
  const FittedParameters& p = forecast.parameters;
  // The largest rate change sits at a changepoint within 4 months of the true kink.
  size_t largest = 0;
  for (size_t j = 0; j < p.delta.size(); ++j)
    if (std::fabs(p.delta[j]) > std::fabs(p.delta[largest])) largest = j;
  const int kink_month = p.changepoint_months[largest] - series.first_month;
  CHECK(std::abs(kink_month - 60) <= 4);
  // Sum of rate changes = 3 per month, in scaled units.
  double total = 0;
  for (double d : p.delta) total += d;
  CHECK(total * p.y_scale / (p.history_months - 1) == Approx(3.0).margin(0.3));
  // Forecast continues with slope ~4.
  const auto future = Future(forecast);
  const double step = (future[5]->trend - future[0]->trend) / 5.0;
  CHECK(step == Approx(4.0).margin(0.3));
}

TEST_CASE("the Laplace prior leaves a straight line without rate changes", "[forecast]") {
  MonthlySeries series = MakeSeries("straight", 84, 50.0, 0.5, 5.0, 0.3, 0.5, 3);
  SeriesForecast forecast = ForecastSeries(series, PlainOptions());
  double largest = 0;
  for (double d : forecast.parameters.delta) largest = std::max(largest, std::fabs(d));
  // A true change of 0.5 / month would be 0.5 * 83 / y_scale ~ 0.4 in scaled units.
  CHECK(largest < 0.02);
}

TEST_CASE("yearly seasonality follows Prophet's automatic rule and the toggle", "[forecast]") {
  MonthlySeries short_series = MakeSeries("short", 20, 10.0, 0.1, 3.0, 0.0, 0.1, 5);
  ForecastOptions options = PlainOptions();
  CHECK(ForecastSeries(short_series, options).parameters.fourier_order == 0);
  options.yearly = Toggle::kOn;
  options.fourier_order = 3;
  CHECK(ForecastSeries(short_series, options).parameters.beta.size() == 6);
  MonthlySeries long_series = MakeSeries("long", 24, 10.0, 0.1, 3.0, 0.0, 0.1, 5);
  options.yearly = Toggle::kOff;
  CHECK(ForecastSeries(long_series, options).parameters.beta.empty());
  options.yearly = Toggle::kAuto;
  options.fourier_order = 6;
  CHECK(ForecastSeries(long_series, options).parameters.beta.size() == 11);  // sin6 dropped
}

TEST_CASE("the log variant recovers multiplicative seasonality", "[forecast]") {
  // y = exp(5 + 0.01 month) * (1 + 0.3 sin): the season grows with the level.
  MonthlySeries series;
  series.id = "mult";
  series.first_month = MakeMonth(2001, 1);
  for (int month = 0; month < 120; ++month)
    series.values.push_back(std::exp(5.0 + 0.01 * month) * (1.0 + 0.3 * std::sin(2 * M_PI * month / 12.0)));
  ForecastOptions options = PlainOptions();
  options.transform = Transform::kLog;
  options.horizon = 12;
  SeriesForecast forecast = ForecastSeries(series, options);
  const auto future = Future(forecast);
  for (int h = 0; h < 12; ++h) {
    const int month = 120 + h;
    const double truth = std::exp(5.0 + 0.01 * month) * (1.0 + 0.3 * std::sin(2 * M_PI * month / 12.0));
    CHECK(future[h]->yhat == Approx(truth).epsilon(0.03));
  }
  options.transform = Transform::kNone;
  options.seasonality_mode = SeasonalityMode::kMultiplicative;
  SeriesForecast multiplicative = ForecastSeries(series, options);
  const auto mult_future = Future(multiplicative);
  const double truth = std::exp(5.0 + 0.01 * 123) * (1.0 + 0.3 * std::sin(2 * M_PI * 123 / 12.0));
  CHECK(mult_future[3]->yhat == Approx(truth).epsilon(0.05));
}

TEST_CASE("logistic growth saturates below the capacity", "[forecast]") {
  MonthlySeries series;
  series.id = "logistic";
  series.first_month = MakeMonth(2005, 1);
  for (int month = 0; month < 72; ++month)
    series.values.push_back(1000.0 / (1.0 + std::exp(-(month - 30) / 8.0)));
  ForecastOptions options = PlainOptions();
  options.growth = Growth::kLogistic;
  options.cap = 1000.0;
  options.yearly = Toggle::kOff;
  options.horizon = 24;
  SeriesForecast forecast = ForecastSeries(series, options);
  const auto future = Future(forecast);
  for (const ForecastPoint* point : future) {
    CHECK(point->yhat < 1000.0);
    CHECK(point->yhat > 950.0);
  }
  CHECK(forecast.points[30].yhat == Approx(500.0).margin(25.0));
  options.cap = 900.0;  // below the data's maximum
  CHECK_THROWS_AS(ForecastSeries(series, options), InvalidArgument);
}

TEST_CASE("forecasts of a non-negative series are never negative", "[forecast]") {
  // A steep decline towards zero: a straight line would cross it within the horizon.
  MonthlySeries series = MakeSeries("decline", 48, 100.0, -2.0, 5.0, 0.0, 1.0, 11);
  for (double& value : series.values) value = std::max(0.0, value);
  ForecastOptions options;  // monthly defaults
  options.horizon = 36;
  SeriesForecast forecast = ForecastSeries(series, options);
  for (const ForecastPoint& point : forecast.points) {
    CHECK(point.yhat >= 0.0);
    CHECK(point.yhat_lower >= 0.0);
  }
  // With negative values in the history, forecasts may go below zero.
  series.values[3] = -1.0;
  ForecastOptions plain = PlainOptions();
  plain.horizon = 36;
  SeriesForecast unclamped = ForecastSeries(series, plain);
  CHECK(Future(unclamped).back()->yhat < 0.0);
}

TEST_CASE("the Prophet preset reproduces Prophet's monthly defaults", "[forecast]") {
  MonthlySeries series = MakeSeries("p", 120, 100.0, 1.0, 10.0, 0.0, 1.0, 2);
  ForecastOptions prophet = ForecastOptions::Prophet();
  SeriesForecast forecast = ForecastSeries(series, prophet);
  CHECK(forecast.parameters.delta.size() == 25);
  CHECK(forecast.parameters.fourier_order == 10);
  CHECK(forecast.parameters.beta.size() == 20);
  CHECK(forecast.parameters.trend_damping == 1.0);
  // Changepoints lie in the first 80% of the history.
  CHECK(forecast.parameters.changepoint_months.back() - series.first_month <= 96);
}

TEST_CASE("series with fewer than three values get a flat forecast and a message", "[forecast]") {
  MonthlySeries series;
  series.id = "tiny";
  series.first_month = MakeMonth(2020, 1);
  series.values = {5.0, std::nan("")};
  SeriesForecast forecast = ForecastSeries(series, ForecastOptions());
  CHECK_FALSE(forecast.message.empty());
  REQUIRE(forecast.points.size() == 2 + 6);
  CHECK(forecast.points.back().yhat == 5.0);
}

TEST_CASE("missing months are skipped by the fit", "[forecast]") {
  MonthlySeries series = MakeSeries("gaps", 60, 100.0, 1.0, 8.0, 0.0, 0.0, 4);
  MonthlySeries with_gaps = series;
  with_gaps.values[10] = with_gaps.values[33] = std::nan("");
  ForecastOptions options = PlainOptions();
  const auto full = ForecastSeries(series, options);
  const auto gaps = ForecastSeries(with_gaps, options);
  CHECK(std::isnan(gaps.points[10].actual));
  CHECK(gaps.points.back().yhat == Approx(full.points.back().yhat).epsilon(0.01));
}

TEST_CASE("options are validated with the field named", "[forecast]") {
  ForecastOptions options;
  options.interval = 1.0;
  try {
    options.Validate();
    FAIL("expected InvalidArgument");
  } catch (const InvalidArgument& error) {
    CHECK(error.location().field == "interval");
  }
  options = ForecastOptions();
  options.fourier_order = 7;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options.day_phase = true;
  CHECK_NOTHROW(options.Validate());
  options = ForecastOptions();
  options.trend_damping = 0.0;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options = ForecastOptions();
  options.horizon = 0;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
}
