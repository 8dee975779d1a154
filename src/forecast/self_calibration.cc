// SelfCalibrate: a backtest of the run's own series, scored as interval ratios, turned into
// split-conformal factors per month ahead (or one pooled factor when the months are thin).
#include "forecast/self_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "segcast/backtest.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"

namespace segcast::internal {
namespace {

// Fewer backtest points than this and the fixed multiplier stays (IntervalCalibrationOptions'
// default minimum).
constexpr int64_t kMinPoints = 30;
// Origins must leave the model the history it needs for a yearly season.
constexpr int kMinHistory = 24;

BacktestResult OwnBacktest(const std::vector<MonthlySeries>& series, const ForecastOptions& options) {
  BacktestOptions backtest;
  backtest.forecast = options;
  backtest.forecast.calibration_origins = 0;
  backtest.forecast.samples = std::min(options.samples, options.calibration_samples);
  backtest.origins = options.calibration_origins;
  backtest.step = options.calibration_step;
  backtest.horizon = options.horizon;
  backtest.min_history = kMinHistory;
  backtest.threads = options.threads;
  return Backtest(series, backtest);
}

// The conformal factor of the points at one month ahead (0 = every month).
double FactorOf(const BacktestResult& backtest, int horizon) {
  BacktestResult subset;
  subset.interval = backtest.interval;
  for (const IntervalRatio& point : backtest.interval_ratios)
    if (horizon == 0 || point.horizon == horizon) subset.interval_ratios.push_back(point);
  IntervalCalibrationOptions calibration;
  calibration.min_points = kMinPoints;
  return CalibrateIntervals(subset, calibration).scale;
}

std::string Describe(const std::vector<double>& factors, int64_t points, bool per_horizon) {
  char text[160];
  if (per_horizon)
    std::snprintf(text, sizeof text,
                  "self-calibrated on %lld backtest points: factor %.3f at 1 month ahead .. %.3f at %zu",
                  static_cast<long long>(points), factors.front(), factors.back(), factors.size());
  else
    std::snprintf(text, sizeof text, "self-calibrated on %lld backtest points: factor %.3f",
                  static_cast<long long>(points), factors.front());
  return text;
}

}  // namespace

IntervalFactors SelfCalibrate(const std::vector<MonthlySeries>& series, const ForecastOptions& options) {
  IntervalFactors factors;
  if (options.calibration_origins == 0 || options.samples == 0) {
    factors.description = "fixed multiplier (self-calibration off)";
    return factors;
  }
  const BacktestResult backtest = OwnBacktest(series, options);
  std::vector<int64_t> per_horizon(options.horizon, 0);
  int64_t points = 0;
  for (const IntervalRatio& point : backtest.interval_ratios)
    if (!std::isnan(point.ratio)) {
      ++per_horizon[point.horizon - 1];
      ++points;
    }
  const int64_t thinnest = *std::min_element(per_horizon.begin(), per_horizon.end());
  try {
    if (thinnest >= options.calibration_points_per_horizon) {
      for (int h = 1; h <= options.horizon; ++h) factors.by_horizon.push_back(FactorOf(backtest, h));
    } else {
      factors.by_horizon.push_back(FactorOf(backtest, 0));
    }
  } catch (const InputError&) {
    // Too few points, or intervals collapsed onto the forecasts: nothing to learn a factor from.
    factors.by_horizon.clear();
    char text[160];
    if (points < kMinPoints)
      std::snprintf(text, sizeof text,
                    "fixed multiplier: %lld backtest points of the series' own history, %lld needed "
                    "to self-calibrate",
                    static_cast<long long>(points), static_cast<long long>(kMinPoints));
    else
      std::snprintf(text, sizeof text,
                    "fixed multiplier: the backtest's intervals sit on its forecasts (%lld points)",
                    static_cast<long long>(points));
    factors.description = text;
    return factors;
  }
  factors.description = Describe(factors.by_horizon, points, factors.by_horizon.size() > 1);
  return factors;
}

}  // namespace segcast::internal
