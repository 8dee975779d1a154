// Baselines, accuracy measures and the backtest against hand-computed values.
#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>

#include "segcast/backtest.h"
#include "unit/forecast/forecast_test_support.h"

using namespace segcast;

namespace {
constexpr double kZ80 = 1.2815515655446004;  // standard normal 90% quantile

// `count` trend + season series of `months` months, the season's phase shifting with the index.
std::vector<MonthlySeries> TrendSeries(const std::string& prefix, int count, int months,
                                       double level, double slope, double amplitude,
                                       double phase_step, double noise, uint64_t seed) {
  std::vector<MonthlySeries> series;
  for (int index = 0; index < count; ++index)
    series.push_back(segcast::testing::MakeSeries(prefix + std::to_string(index), months, level,
                                                  slope, amplitude, phase_step * index, noise,
                                                  seed + index));
  return series;
}

BacktestOptions Origins(int origins, int horizon, int step, int samples) {
  BacktestOptions options;
  options.origins = origins;
  options.horizon = horizon;
  options.step = step;
  options.min_history = 24;
  options.forecast.samples = samples;
  return options;
}
// The seasonal naive scored directly on the first `count` series, from each cutoff in turn.
AccuracyAccumulator DirectSeasonalNaive(const std::vector<MonthlySeries>& series, int count,
                                        std::initializer_list<int> cutoffs, int horizon) {
  AccuracyAccumulator expected;
  for (int index = 0; index < count; ++index)
    for (int cutoff : cutoffs) {
      const std::vector<double>& values = series[index].values;
      std::vector<double> head(values.begin(), values.begin() + cutoff);
      std::vector<double> actual(values.begin() + cutoff, values.begin() + cutoff + horizon);
      BaselineForecast f = ForecastBaseline(Baseline::kSeasonalNaive, head, horizon, 0.8);
      expected.Add(actual, f.yhat, f.lower, f.upper, MaseScale(head));
    }
  return expected;
}

void CheckSeasonalNaiveRow(const BacktestRow& row, const AccuracyAccumulator& expected, int64_t points) {
  CHECK(row.method == "seasonal_naive");
  CHECK(row.points == points);
  CHECK(row.mae == Approx(expected.Mae()));
  CHECK(row.smape == Approx(expected.Smape()));
  CHECK(row.mase == Approx(expected.Mase()));
  CHECK(row.coverage == Approx(expected.Coverage()));
}
}  // namespace

TEST_CASE("naive and drift forecasts of a short series by hand", "[forecast]") {
  const std::vector<double> y = {1, 2, 4, 7};
  // Naive: 7; one-step residuals 1, 2, 3 -> s = sqrt(14/3); sd_h = s sqrt(h).
  BaselineForecast naive = ForecastBaseline(Baseline::kNaive, y, 2, 0.8);
  const double s = std::sqrt(14.0 / 3.0);
  CHECK(naive.yhat[0] == 7.0);
  CHECK(naive.yhat[1] == 7.0);
  CHECK(naive.upper[0] == Approx(7.0 + kZ80 * s));
  CHECK(naive.lower[1] == Approx(7.0 - kZ80 * s * std::sqrt(2.0)));
  // Drift: slope (7 - 1) / 3 = 2 -> 9, 11; residuals 1-2, 2-2, 3-2 -> s = sqrt(2/3);
  // sd_h = s sqrt(h (1 + h / 3)).
  BaselineForecast drift = ForecastBaseline(Baseline::kDrift, y, 2, 0.8);
  CHECK(drift.yhat[0] == Approx(9.0));
  CHECK(drift.yhat[1] == Approx(11.0));
  const double sd = std::sqrt(2.0 / 3.0);
  CHECK(drift.upper[1] - drift.yhat[1] == Approx(kZ80 * sd * std::sqrt(2.0 * (1.0 + 2.0 / 3.0))));
  // Seasonal naive with less than a year of data falls back to naive.
  BaselineForecast seasonal = ForecastBaseline(Baseline::kSeasonalNaive, y, 2, 0.8);
  CHECK(seasonal.yhat[1] == 7.0);
}

TEST_CASE("seasonal naive repeats last year's months with sd growing per season", "[forecast]") {
  std::vector<double> y;
  for (int month = 0; month < 24; ++month) y.push_back(10.0 * (month % 12) + (month >= 12 ? 1.0 : 0.0));
  y[23] += 3.0;  // residuals y_t - y_{t-12}: eleven 1s and one 4
  BaselineForecast forecast = ForecastBaseline(Baseline::kSeasonalNaive, y, 14, 0.8);
  CHECK(forecast.yhat[0] == y[12]);
  CHECK(forecast.yhat[11] == y[23]);
  CHECK(forecast.yhat[12] == y[12]);  // h = 13 goes back to the same last-year month
  const double s = std::sqrt((11.0 + 16.0) / 12.0);
  CHECK(forecast.upper[0] - forecast.yhat[0] == Approx(kZ80 * s));
  CHECK(forecast.upper[12] - forecast.yhat[12] == Approx(kZ80 * s * std::sqrt(2.0)));
}

TEST_CASE("accuracy measures by hand", "[forecast]") {
  AccuracyAccumulator accumulator;
  // Actuals 10, 20, NaN, 0; forecasts 12, 15, 1, 0; bounds [11,13], [16,30], -, [-1,1].
  accumulator.Add({10, 20, std::nan(""), 0}, {12, 15, 1, 0}, {11, 16, 0, -1}, {13, 30, 2, 1}, 2.0);
  CHECK(accumulator.points == 3);
  CHECK(accumulator.Mae() == Approx(7.0 / 3.0));
  CHECK(accumulator.Rmse() == Approx(std::sqrt(29.0 / 3.0)));
  CHECK(accumulator.Smape() == Approx((200.0 * 2 / 22 + 200.0 * 5 / 35 + 0.0) / 3.0));
  CHECK(accumulator.Coverage() == Approx(2.0 / 3.0));  // 20 in [16, 30] and 0 in [-1, 1]
  CHECK(accumulator.Mase() == Approx((7.0 / 3.0) / 2.0));
  CHECK(accumulator.RelativeWidth() == Approx((2.0 + 14.0 + 2.0) / 30.0));
  // MASE scale: mean |y_t - y_{t-12}|, lag 1 for short series.
  CHECK(MaseScale({1, 3, 6}) == Approx(2.5));
  std::vector<double> yearly(13, 5.0);
  yearly[12] = 9.0;
  CHECK(MaseScale(yearly) == Approx(4.0));
}

TEST_CASE("the backtest scores the baselines like a direct computation", "[forecast]") {
  std::vector<MonthlySeries> series = TrendSeries("b", 5, 60, 100.0, 0.5, 10.0, 0.5, 2.0, 70);
  BacktestOptions options = Origins(2, 6, 3, 200);
  BacktestResult result = Backtest(series, options);
  REQUIRE(result.rows.size() == 4);
  CHECK(result.rows[0].method == "model");
  CHECK(result.series_used == 5);
  CHECK(result.forecasts == 10);
  // Direct computation of the seasonal-naive row.
  CheckSeasonalNaiveRow(result.rows[2], DirectSeasonalNaive(series, 5, {60 - 6 - 3, 60 - 6}, 6), 60);
  // The model beats the naive forecasts on trend + season series.
  CHECK(result.rows[0].mase < result.rows[1].mase);
  // Same table with more threads.
  options.threads = 3;
  BacktestResult again = Backtest(series, options);
  for (size_t method = 0; method < 4; ++method) CHECK(again.rows[method].smape == result.rows[method].smape);
  // Too short for any origin.
  BacktestOptions strict = options;
  strict.min_history = 58;
  CHECK(Backtest(series, strict).series_skipped == 5);
}

TEST_CASE("the backtest tables each origin, and the origins add up to the pooled table", "[forecast]") {
  std::vector<MonthlySeries> series = TrendSeries("o", 5, 60, 100.0, 0.5, 10.0, 0.5, 2.0, 90);
  // 32 months: the last origin leaves 26 months of history, the one before it 23 (< 24).
  series.push_back(segcast::testing::MakeSeries("short", 32, 50.0, 0.0, 5.0, 0.0, 1.0, 99));
  BacktestOptions options = Origins(2, 6, 3, 200);
  BacktestResult result = Backtest(series, options);
  REQUIRE(result.by_origin.size() == 2);
  CHECK(result.by_origin[0].months_before_end == 9);  // oldest first
  CHECK(result.by_origin[1].months_before_end == 6);
  CHECK(result.by_origin[0].forecasts == 5);
  CHECK(result.by_origin[1].forecasts == 6);
  CHECK(result.forecasts == 11);

  // The older origin's seasonal naive, computed directly from the five long series.
  CheckSeasonalNaiveRow(result.by_origin[0].rows[2], DirectSeasonalNaive(series, 5, {51}, 6), 30);

  // Every method's pooled row is the points-weighted combination of its origins' rows.
  for (size_t method = 0; method < result.rows.size(); ++method) {
    const BacktestRow& pooled = result.rows[method];
    const BacktestRow& a = result.by_origin[0].rows[method];
    const BacktestRow& b = result.by_origin[1].rows[method];
    CHECK(a.method == pooled.method);
    CHECK(a.points + b.points == pooled.points);
    const double n = static_cast<double>(pooled.points);
    CHECK((a.points * a.mae + b.points * b.mae) / n == Approx(pooled.mae));
    CHECK((a.points * a.smape + b.points * b.smape) / n == Approx(pooled.smape));
    CHECK((a.points * a.coverage + b.points * b.coverage) / n == Approx(pooled.coverage));
  }
  const std::string table = result.Table();
  CHECK(table.find("by origin") != std::string::npos);
  CHECK(table.find("nan") == std::string::npos);
  options.origins = 1;
  CHECK(Backtest(series, options).Table().find("by origin") == std::string::npos);
  // Only the last origin reachable: the per-origin table would repeat the pooled one.
  options.origins = 3;
  options.step = 20;  // the older origins leave 34 and 14 months; min_history 40 keeps neither
  options.min_history = 40;
  const BacktestResult last_only = Backtest(series, options);
  CHECK(last_only.by_origin[0].forecasts == 0);
  CHECK(last_only.by_origin[2].forecasts == 5);
  CHECK(last_only.Table().find("by origin") == std::string::npos);
  // An origin that no series reaches is shown as "-" when others are tabled.
  options.step = 6;  // origins leave 42, 48 and 54 months of the long series
  options.min_history = 45;
  const std::string partial = Backtest(series, options).Table();
  CHECK(partial.find("by origin") != std::string::npos);
  CHECK(partial.find(" -") != std::string::npos);
  CHECK(partial.find("nan") == std::string::npos);
}

TEST_CASE("backtest tables do not depend on the thread count across blocks of series", "[forecast]") {
  // More series than one block of the backtest (256), so blocks are merged one after another.
  std::vector<MonthlySeries> series = TrendSeries("t", 300, 36, 80.0, 0.2, 8.0, 0.01, 3.0, 500);
  BacktestOptions options = Origins(2, 3, 1, 50);
  options.threads = 1;
  const BacktestResult one = Backtest(series, options);
  options.threads = 3;
  const BacktestResult three = Backtest(series, options);
  REQUIRE(one.by_origin.size() == 2);
  REQUIRE(three.by_origin.size() == 2);
  CHECK(one.forecasts == 600);
  for (size_t method = 0; method < one.rows.size(); ++method) {
    CHECK(one.rows[method].smape == three.rows[method].smape);
    CHECK(one.rows[method].rmse == three.rows[method].rmse);
    CHECK(one.rows[method].coverage == three.rows[method].coverage);
    for (size_t origin = 0; origin < 2; ++origin) {
      CHECK(one.by_origin[origin].rows[method].mae == three.by_origin[origin].rows[method].mae);
      CHECK(one.by_origin[origin].rows[method].width == three.by_origin[origin].rows[method].width);
    }
  }
  // The model's interval ratios come in series order whichever thread scored them.
  REQUIRE(one.interval_ratios.size() == three.interval_ratios.size());
  CHECK(static_cast<int64_t>(one.interval_ratios.size()) == one.rows.front().points);
  for (size_t point = 0; point < one.interval_ratios.size(); ++point) {
    CHECK(one.interval_ratios[point].horizon == three.interval_ratios[point].horizon);
    CHECK(one.interval_ratios[point].ratio == three.interval_ratios[point].ratio);
  }
}
