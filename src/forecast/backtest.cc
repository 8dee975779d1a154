// Rolling-origin backtest of the model against the baselines.
#include "segcast/backtest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "forecast/self_calibration.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr Baseline kBaselines[] = {Baseline::kNaive, Baseline::kSeasonalNaive, Baseline::kDrift};
constexpr int kMethods = 4;  // model + baselines
// Series are scored in blocks whose accumulators are merged in series order before the next block
// starts: the sums do not depend on the thread count, and memory stays bounded however many
// series and origins there are.
constexpr int64_t kBlockSeries = 256;

void Require(bool condition, const char* field, const char* expected) {
  if (!condition)
    throw InvalidArgument(std::string("backtest option ") + field + " out of range",
                          ErrorLocation{"", 0, field, expected});
}

const char* MethodName(int method) {
  return method == 0 ? "model" : BaselineName(kBaselines[method - 1]);
}

std::vector<BacktestRow> RowsOf(const AccuracyAccumulator* totals) {
  std::vector<BacktestRow> rows;
  for (int method = 0; method < kMethods; ++method) {
    const AccuracyAccumulator& total = totals[method];
    rows.push_back({MethodName(method), total.Mae(), total.Rmse(), total.Smape(), total.Mase(),
                    total.Coverage(), total.RelativeWidth(), total.points});
  }
  return rows;
}

// The same points as AccuracyAccumulator::Add counts (finite actual and forecast), so the share
// of ratios <= 1 is the model's coverage.
void AddIntervalRatios(const std::vector<double>& actual, const std::vector<double>& yhat,
                       const std::vector<double>& lower, const std::vector<double>& upper,
                       std::vector<IntervalRatio>& ratios) {
  for (size_t h = 0; h < actual.size(); ++h) {
    const double y = actual[h], f = yhat[h];
    if (!std::isfinite(y) || !std::isfinite(f)) continue;
    const double miss = std::fabs(y - f);
    const double reach = y >= f ? upper[h] - f : f - lower[h];
    double ratio = std::numeric_limits<double>::quiet_NaN();
    if (miss == 0)
      ratio = 0;
    else if (reach > 0)
      ratio = miss / reach;
    else if (reach == 0)
      ratio = std::numeric_limits<double>::infinity();
    ratios.push_back({static_cast<int>(h) + 1, ratio});
  }
}

// Forecasts `full` from its first `cutoff` months with the model and every baseline; each
// method's errors go to both its pooled and its per-origin accumulator.
MonthlySeries Head(const MonthlySeries& full, int cutoff) {
  MonthlySeries head;
  head.id = full.id;
  head.first_month = full.first_month;
  head.values.assign(full.values.begin(), full.values.begin() + std::max(0, cutoff));
  return head;
}

// Self-calibrating intervals: at each origin, the factors a forecast made there would have had,
// learned from the months before it (the same rule as ForecastAll). Index = origin.
std::vector<internal::IntervalFactors> FactorsByOrigin(const std::vector<MonthlySeries>& series,
                                                       const BacktestOptions& options,
                                                       const ForecastOptions& model) {
  std::vector<internal::IntervalFactors> factors(options.origins);
  for (int origin = 0; origin < options.origins; ++origin) {
    std::vector<MonthlySeries> heads;
    for (const MonthlySeries& full : series) {
      const int cutoff = full.size() - options.horizon - origin * options.step;
      if (cutoff >= options.min_history) heads.push_back(Head(full, cutoff));
    }
    factors[origin] = internal::SelfCalibrate(heads, model);
  }
  return factors;
}

void ScoreOrigin(const MonthlySeries& full, int cutoff, int horizon, const ForecastOptions& model,
                 const internal::IntervalFactors& factors, AccuracyAccumulator* pooled,
                 AccuracyAccumulator* at_origin, std::vector<IntervalRatio>& ratios) {
  const MonthlySeries head = Head(full, cutoff);
  const std::vector<double> actual(full.values.begin() + cutoff,
                                   full.values.begin() + cutoff + horizon);
  const double scale = MaseScale(head.values);
  SeriesForecast forecast = internal::ForecastSeriesScaled(head, model, factors);
  std::vector<double> yhat, lower, upper;
  for (const ForecastPoint& point : forecast.points)
    if (!point.is_history) {
      yhat.push_back(point.yhat);
      lower.push_back(point.yhat_lower);
      upper.push_back(point.yhat_upper);
    }
  pooled[0].Add(actual, yhat, lower, upper, scale);
  at_origin[0].Add(actual, yhat, lower, upper, scale);
  AddIntervalRatios(actual, yhat, lower, upper, ratios);
  for (int method = 1; method < kMethods; ++method) {
    BaselineForecast baseline = ForecastBaseline(kBaselines[method - 1], head.values, horizon,
                                                 model.interval);
    pooled[method].Add(actual, baseline.yhat, baseline.lower, baseline.upper, scale);
    at_origin[method].Add(actual, baseline.yhat, baseline.lower, baseline.upper, scale);
  }
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
  const int origins = options.origins;
  const int64_t count = static_cast<int64_t>(series.size());
  // Accumulator slots of one series: one per origin (0 = the last origin), then the pooled one.
  const int64_t slots = (origins + 1) * kMethods;
  const int threads = internal::ResolveThreads(options.threads);
  model.threads = options.threads;
  const std::vector<internal::IntervalFactors> factors = FactorsByOrigin(series, options, model);
  model.threads = 1;

  BacktestResult result;
  result.interval = model.interval;
  std::vector<AccuracyAccumulator> totals(slots);
  std::vector<int64_t> origin_forecasts(origins, 0);
  for (int64_t begin = 0; begin < count; begin += kBlockSeries) {
    const int64_t end = std::min(count, begin + kBlockSeries);
    std::vector<AccuracyAccumulator> scores((end - begin) * slots);
    std::vector<unsigned char> scored((end - begin) * origins, 0);
    std::vector<std::vector<IntervalRatio>> ratios(end - begin);
    internal::ExceptionCapture capture;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t index = begin; index < end; ++index) {
      capture.Run([&] {
        AccuracyAccumulator* own = &scores[(index - begin) * slots];
        for (int origin = origins - 1; origin >= 0; --origin) {
          const int cutoff = series[index].size() - options.horizon - origin * options.step;
          if (cutoff < options.min_history) continue;
          ScoreOrigin(series[index], cutoff, options.horizon, model, factors[origin],
                      own + origins * kMethods, own + origin * kMethods, ratios[index - begin]);
          scored[(index - begin) * origins + origin] = 1;
        }
      });
    }
    capture.Rethrow();
    for (int64_t local = 0; local < end - begin; ++local) {
      int used = 0;
      for (int origin = 0; origin < origins; ++origin)
        if (scored[local * origins + origin]) {
          ++used;
          ++origin_forecasts[origin];
        }
      if (used == 0) {
        ++result.series_skipped;
        continue;
      }
      ++result.series_used;
      result.forecasts += used;
      for (int64_t slot = 0; slot < slots; ++slot) totals[slot].Merge(scores[local * slots + slot]);
      result.interval_ratios.insert(result.interval_ratios.end(), ratios[local].begin(),
                                    ratios[local].end());
    }
  }
  result.rows = RowsOf(&totals[origins * kMethods]);
  for (int origin = origins - 1; origin >= 0; --origin)
    result.by_origin.push_back({options.horizon + origin * options.step, origin_forecasts[origin],
                                RowsOf(&totals[origin * kMethods])});
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
  // Origins no series reached (all too short) would only print NaNs; one origin repeats the pool.
  const auto reached = std::count_if(by_origin.begin(), by_origin.end(),
                                     [](const BacktestOriginResult& origin) { return origin.forecasts > 0; });
  if (reached < 2) return text;
  text += "by origin (months before each series' end, oldest first): sMAPE / coverage\n";
  std::snprintf(line, sizeof line, "%6s %9s", "origin", "forecasts");
  text += line;
  for (const BacktestRow& row : by_origin.front().rows) {
    std::snprintf(line, sizeof line, " %16s", row.method.c_str());
    text += line;
  }
  text += '\n';
  for (const BacktestOriginResult& origin : by_origin) {
    std::snprintf(line, sizeof line, "%6d %9lld", origin.months_before_end,
                  static_cast<long long>(origin.forecasts));
    text += line;
    for (const BacktestRow& row : origin.rows) {
      if (row.points > 0)
        std::snprintf(line, sizeof line, " %8.2f / %4.1f%%", row.smape, 100.0 * row.coverage);
      else
        std::snprintf(line, sizeof line, " %16s", "-");
      text += line;
    }
    text += '\n';
  }
  return text;
}

}  // namespace segcast
