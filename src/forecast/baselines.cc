// Naive, seasonal naive and drift forecasts with their textbook normal intervals.
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

#include "segcast/backtest.h"

namespace segcast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kSeason = 12;

// Root mean square of y_t - y_{t-lag} - offset over pairs where both are observed.
double ResidualScale(const std::vector<double>& y, int lag, double offset) {
  double sum = 0.0;
  int count = 0;
  for (size_t t = lag; t < y.size(); ++t) {
    if (!std::isfinite(y[t]) || !std::isfinite(y[t - lag])) continue;
    const double residual = y[t] - y[t - lag] - offset;
    sum += residual * residual;
    ++count;
  }
  return count > 0 ? std::sqrt(sum / count) : kNaN;
}

}  // namespace

const char* BaselineName(Baseline baseline) {
  switch (baseline) {
    case Baseline::kNaive: return "naive";
    case Baseline::kSeasonalNaive: return "seasonal_naive";
    case Baseline::kDrift: return "drift";
  }
  return "?";
}

BaselineForecast ForecastBaseline(Baseline baseline, const std::vector<double>& history,
                                  int horizon, double interval) {
  BaselineForecast result;
  result.yhat.assign(horizon, kNaN);
  result.lower.assign(horizon, kNaN);
  result.upper.assign(horizon, kNaN);
  int first = -1, last = -1;
  for (int t = 0; t < static_cast<int>(history.size()); ++t)
    if (std::isfinite(history[t])) {
      if (first < 0) first = t;
      last = t;
    }
  if (last < 0) return result;
  const double z = boost::math::quantile(boost::math::normal(), (1.0 + interval) / 2.0);
  // Seasonal naive needs a full season; shorter histories fall back to naive.
  if (baseline == Baseline::kSeasonalNaive && last + 1 < kSeason) baseline = Baseline::kNaive;
  const int steps = last - first;
  const double slope = steps > 0 ? (history[last] - history[first]) / steps : 0.0;
  const double scale = baseline == Baseline::kSeasonalNaive ? ResidualScale(history, kSeason, 0.0)
                       : baseline == Baseline::kDrift       ? ResidualScale(history, 1, slope)
                                                            : ResidualScale(history, 1, 0.0);
  const int horizon_end = static_cast<int>(history.size()) - 1;  // forecasts start after it
  for (int h = 1; h <= horizon; ++h) {
    double forecast = history[last], sd = kNaN;
    const int lead = horizon_end + h - last;  // months from the last observed value
    switch (baseline) {
      case Baseline::kNaive:
        sd = scale * std::sqrt(static_cast<double>(lead));
        break;
      case Baseline::kSeasonalNaive: {
        const int periods = (h - 1) / kSeason + 1;
        int source = horizon_end + h - kSeason * periods;
        while (source >= 0 && !std::isfinite(history[source])) source -= kSeason;
        forecast = source >= 0 ? history[source] : history[last];
        sd = scale * std::sqrt(static_cast<double>(periods));
        break;
      }
      case Baseline::kDrift:
        forecast = history[last] + lead * slope;
        sd = steps > 0 ? scale * std::sqrt(lead * (1.0 + static_cast<double>(lead) / steps)) : kNaN;
        break;
    }
    result.yhat[h - 1] = forecast;
    result.lower[h - 1] = forecast - z * sd;
    result.upper[h - 1] = forecast + z * sd;
  }
  return result;
}

}  // namespace segcast
