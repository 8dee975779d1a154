// Interval calibration on simulated series and determinism of the simulation.
#include <catch2/catch.hpp>
#include <cmath>

#include "unit/forecast/forecast_test_support.h"

using namespace segcast;
using segcast::testing::MakeSeries;
using segcast::testing::PlainOptions;

TEST_CASE("80% intervals cover 80% +/- 4% of outcomes over 1,000 simulated series", "[forecast]") {
  // Series drawn from the model's own assumptions (linear trend, yearly season, Gaussian noise),
  // random lengths, levels and noise; each forecast 6 months ahead and scored on 6 fresh months.
  internal::XoshiroRandom random(2024);
  std::vector<MonthlySeries> history, future;
  for (int index = 0; index < 1000; ++index) {
    const int months = 48 + static_cast<int>(random.Uniform() * 73);
    const double level = 50.0 + 500.0 * random.Uniform();
    const double slope = level * 0.005 * random.Normal();
    const double amplitude = level * 0.2 * random.Uniform();
    const double noise = level * (0.02 + 0.08 * random.Uniform());
    MonthlySeries full = MakeSeries(std::string("s").append(std::to_string(index)), months + 6, level, slope, amplitude,
                                    6.28 * random.Uniform(), noise, 1000 + index);
    MonthlySeries head = full;
    head.values.resize(months);
    MonthlySeries tail;
    tail.values.assign(full.values.begin() + months, full.values.end());
    history.push_back(head);
    future.push_back(tail);
  }
  ForecastOptions options = PlainOptions();
  options.nonnegative = false;
  std::vector<SeriesForecast> forecasts = ForecastAll(history, options);
  int covered = 0, total = 0;
  for (size_t index = 0; index < forecasts.size(); ++index) {
    int h = 0;
    for (const ForecastPoint& point : forecasts[index].points) {
      if (point.is_history) continue;
      const double actual = future[index].values[h++];
      covered += (actual >= point.yhat_lower && actual <= point.yhat_upper) ? 1 : 0;
      ++total;
    }
  }
  REQUIRE(total == 6000);
  const double coverage = static_cast<double>(covered) / total;
  INFO("coverage " << coverage);
  CHECK(coverage >= 0.76);
  CHECK(coverage <= 0.84);

  // The default (averaged, recency-weighted) model is calibrated on the same series too.
  ForecastOptions defaults;
  defaults.nonnegative = false;
  forecasts = ForecastAll(history, defaults);
  covered = 0;
  for (size_t index = 0; index < forecasts.size(); ++index) {
    int h = 0;
    for (const ForecastPoint& point : forecasts[index].points) {
      if (point.is_history) continue;
      const double actual = future[index].values[h++];
      covered += (actual >= point.yhat_lower && actual <= point.yhat_upper) ? 1 : 0;
    }
  }
  const double default_coverage = static_cast<double>(covered) / total;
  INFO("default coverage " << default_coverage);
  CHECK(default_coverage >= 0.76);
  CHECK(default_coverage <= 0.84);
}

TEST_CASE("wider nominal intervals are wider and the same seed gives the same bounds", "[forecast]") {
  MonthlySeries series = MakeSeries("w", 72, 100.0, 0.5, 10.0, 0.0, 3.0, 8);
  ForecastOptions options;
  options.interval = 0.8;
  SeriesForecast narrow = ForecastSeries(series, options);
  options.interval = 0.95;
  SeriesForecast wide = ForecastSeries(series, options);
  for (size_t index = 0; index < narrow.points.size(); ++index) {
    CHECK(wide.points[index].yhat == narrow.points[index].yhat);
    CHECK(wide.points[index].yhat_upper - wide.points[index].yhat_lower >
          narrow.points[index].yhat_upper - narrow.points[index].yhat_lower);
    CHECK(narrow.points[index].yhat_lower <= narrow.points[index].yhat);
    CHECK(narrow.points[index].yhat <= narrow.points[index].yhat_upper);
  }
  options.interval = 0.8;
  SeriesForecast again = ForecastSeries(series, options);
  for (size_t index = 0; index < narrow.points.size(); ++index) {
    CHECK(again.points[index].yhat_lower == narrow.points[index].yhat_lower);
    CHECK(again.points[index].yhat_upper == narrow.points[index].yhat_upper);
  }
  options.seed = 99;
  SeriesForecast other_seed = ForecastSeries(series, options);
  CHECK(other_seed.points.back().yhat_upper != narrow.points.back().yhat_upper);
  CHECK(other_seed.points.back().yhat_upper == Approx(narrow.points.back().yhat_upper).epsilon(0.05));
}

TEST_CASE("results do not depend on the thread count", "[forecast]") {
  std::vector<MonthlySeries> series;
  for (int index = 0; index < 40; ++index)
    series.push_back(MakeSeries(std::string("t").append(std::to_string(index)), 40 + 3 * index, 100.0 + index, 0.3, 9.0,
                                0.1 * index, 2.0, 500 + index));
  ForecastOptions options;
  options.threads = 1;
  const auto one = ForecastAll(series, options);
  for (int threads : {2, 4}) {
    options.threads = threads;
    const auto many = ForecastAll(series, options);
    REQUIRE(many.size() == one.size());
    for (size_t index = 0; index < one.size(); ++index) {
      REQUIRE(many[index].points.size() == one[index].points.size());
      for (size_t point = 0; point < one[index].points.size(); ++point) {
        CHECK(many[index].points[point].yhat == one[index].points[point].yhat);
        CHECK(many[index].points[point].yhat_lower == one[index].points[point].yhat_lower);
        CHECK(many[index].points[point].yhat_upper == one[index].points[point].yhat_upper);
      }
    }
  }
}
