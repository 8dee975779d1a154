// Rolling-origin backtest of the model against the baselines.
#include "segcast/backtest.h"

#include <cstdio>

#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr Baseline kBaselines[] = {Baseline::kNaive, Baseline::kSeasonalNaive, Baseline::kDrift};
constexpr int kMethods = 4;  // model + baselines

void Require(bool condition, const char* field, const char* expected) {
  if (!condition)
    throw InvalidArgument(std::string("backtest option ") + field + " out of range",
                          ErrorLocation{"", 0, field, expected});
}

}  // namespace

void BacktestOptions::Validate() const {
  Require(origins >= 1 && origins <= 60, "origins", "1 .. 60");
  Require(horizon >= 1 && horizon <= 120, "horizon", "1 .. 120 months");
  Require(step >= 1 && step <= 60, "step", "1 .. 60 months");
  Require(min_history >= 3, "min_history", ">= 3 months");
  ForecastOptions model = forecast;
  model.horizon = horizon;
  model.Validate();
}

BacktestResult Backtest(const std::vector<MonthlySeries>& series, const BacktestOptions& options) {
  options.Validate();
  ForecastOptions model = options.forecast;
  model.horizon = options.horizon;
  model.threads = 1;
  const int64_t count = static_cast<int64_t>(series.size());
  // One accumulator per series and method, merged in series order afterwards so the floating-point
  // sums do not depend on the thread count.
  std::vector<AccuracyAccumulator> per_series(series.size() * kMethods);
  std::vector<int> origins_used(series.size(), 0);
  internal::ExceptionCapture capture;
#pragma omp parallel for schedule(dynamic, 1) num_threads(internal::ResolveThreads(options.threads))
  for (int64_t index = 0; index < count; ++index) {
    capture.Run([&] {
      const MonthlySeries& full = series[index];
      for (int origin = options.origins - 1; origin >= 0; --origin) {
        const int cutoff = full.size() - options.horizon - origin * options.step;
        if (cutoff < options.min_history) continue;
        MonthlySeries head;
        head.id = full.id;
        head.first_month = full.first_month;
        head.values.assign(full.values.begin(), full.values.begin() + cutoff);
        const std::vector<double> actual(full.values.begin() + cutoff,
                                         full.values.begin() + cutoff + options.horizon);
        const double scale = MaseScale(head.values);
        SeriesForecast forecast = ForecastSeries(head, model);
        std::vector<double> yhat, lower, upper;
        for (const ForecastPoint& point : forecast.points)
          if (!point.is_history) {
            yhat.push_back(point.yhat);
            lower.push_back(point.yhat_lower);
            upper.push_back(point.yhat_upper);
          }
        per_series[index * kMethods].Add(actual, yhat, lower, upper, scale);
        for (int method = 1; method < kMethods; ++method) {
          BaselineForecast baseline = ForecastBaseline(kBaselines[method - 1], head.values,
                                                       options.horizon, model.interval);
          per_series[index * kMethods + method].Add(actual, baseline.yhat, baseline.lower,
                                                    baseline.upper, scale);
        }
        ++origins_used[index];
      }
    });
  }
  capture.Rethrow();

  BacktestResult result;
  result.interval = model.interval;
  AccuracyAccumulator totals[kMethods];
  for (int64_t index = 0; index < count; ++index) {
    if (origins_used[index] == 0) {
      ++result.series_skipped;
      continue;
    }
    ++result.series_used;
    result.forecasts += origins_used[index];
    for (int method = 0; method < kMethods; ++method)
      totals[method].Merge(per_series[index * kMethods + method]);
  }
  for (int method = 0; method < kMethods; ++method) {
    const AccuracyAccumulator& total = totals[method];
    result.rows.push_back({method == 0 ? "model" : BaselineName(kBaselines[method - 1]),
                           total.Mae(), total.Rmse(), total.Smape(), total.Mase(),
                           total.Coverage(), total.RelativeWidth(), total.points});
  }
  return result;
}

std::string BacktestResult::Table() const {
  std::string text;
  char line[256];
  std::snprintf(line, sizeof line, "%-15s %12s %12s %8s %7s %9s %9s %8s\n", "method", "MAE", "RMSE",
                "sMAPE", "MASE", "coverage", "width", "points");
  text += line;
  for (const BacktestRow& row : rows) {
    std::snprintf(line, sizeof line, "%-15s %12.4g %12.4g %8.2f %7.3f %8.1f%% %9.3f %8lld\n",
                  row.method.c_str(), row.mae, row.rmse, row.smape, row.mase, 100.0 * row.coverage,
                  row.width, static_cast<long long>(row.points));
    text += line;
  }
  std::snprintf(line, sizeof line,
                "series used %d, skipped %d (too short), forecasts %lld; nominal coverage %.0f%%; "
                "width = mean interval width / mean |actual|\n",
                series_used, series_skipped, static_cast<long long>(forecasts), 100.0 * interval);
  text += line;
  return text;
}

}  // namespace segcast
