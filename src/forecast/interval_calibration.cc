// One factor for every interval, chosen on a backtest's own points (split conformal).
#include "segcast/interval_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "segcast/error.h"

namespace segcast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : kNaN;
}

std::string Percent(double share) {
  if (!std::isfinite(share)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * share);
  return text;
}

}  // namespace

void IntervalCalibrationOptions::Validate() const {
  if (!(current_scale > 0) || !std::isfinite(current_scale))
    throw InvalidArgument("interval calibration option current_scale out of range",
                          {"", 0, "current_scale", "a positive number"});
  if (min_points < 1)
    throw InvalidArgument("interval calibration option min_points out of range",
                          {"", 0, "min_points", ">= 1"});
  if (decimals < 1 || decimals > 6)
    throw InvalidArgument("interval calibration option decimals out of range",
                          {"", 0, "decimals", "1 .. 6"});
}

IntervalCalibration CalibrateIntervals(const BacktestResult& backtest,
                                       const IntervalCalibrationOptions& options) {
  options.Validate();
  std::vector<IntervalRatio> scored;
  int horizons = 0;
  for (const IntervalRatio& point : backtest.interval_ratios) {
    if (std::isnan(point.ratio)) continue;  // no interval to scale
    scored.push_back(point);
    horizons = std::max(horizons, point.horizon);
  }
  const int64_t count = static_cast<int64_t>(scored.size());
  // The rank of the conformal quantile, 1-based: with fewer points it would lie past the largest.
  const auto rank = static_cast<int64_t>(std::ceil((count + 1) * backtest.interval - 1e-9));
  if (count < options.min_points || rank > count)
    throw InputError("too few backtest forecasts to calibrate the intervals on (" +
                         std::to_string(count) + " model points with an interval)",
                     {.file = "", .line = 0, .field = "points",
                      .expected = "at least " + std::to_string(std::max(options.min_points, rank)) +
                                  " points: more series, --origins or --backtest-horizon"});

  std::vector<double> ratios(count);
  for (int64_t i = 0; i < count; ++i) ratios[i] = scored[i].ratio;
  std::nth_element(ratios.begin(), ratios.begin() + (rank - 1), ratios.end());
  const double needed = ratios[rank - 1] * options.current_scale;
  if (!std::isfinite(needed))
    throw InputError("the backtest's intervals sit on the point forecast for too many points to be "
                     "scaled",
                     {.file = "", .line = 0, .field = "interval",
                      .expected = "intervals wider than the point forecast (--samples > 0)"});
  const double per_unit = std::pow(10.0, options.decimals);
  IntervalCalibration result;
  result.interval = backtest.interval;
  result.points = count;
  double units = std::max(1.0, std::ceil(needed * per_unit));
  if (units / per_unit < needed) units += 1;  // the decimal's nearest double fell below
  result.scale = units / per_unit;

  int64_t covered_before = 0, covered_after = 0;
  std::vector<int64_t> before(horizons, 0), after(horizons, 0);
  result.points_by_horizon.assign(horizons, 0);
  for (const IntervalRatio& point : scored) {
    const int h = point.horizon - 1;
    ++result.points_by_horizon[h];
    if (point.ratio <= 1.0) {
      ++covered_before;
      ++before[h];
    }
    // The same product as `needed`, so the point at the chosen rank counts as inside.
    if (point.ratio * options.current_scale <= result.scale) {
      ++covered_after;
      ++after[h];
    }
  }
  result.coverage_before = Share(covered_before, count);
  result.coverage_after = Share(covered_after, count);
  for (int h = 0; h < horizons; ++h) {
    result.coverage_before_by_horizon.push_back(Share(before[h], result.points_by_horizon[h]));
    result.coverage_after_by_horizon.push_back(Share(after[h], result.points_by_horizon[h]));
  }
  return result;
}

void ScaleIntervals(ForecastOptions& options, double scale) {
  if (!(scale > 0) || !std::isfinite(scale))
    throw InvalidArgument("interval scale out of range", {"", 0, "interval_scale", "a positive number"});
  options.interval_scale_h1 *= scale;
  options.interval_scale_slope *= scale;
}

std::string IntervalCalibration::Summary() const {
  char line[160];
  std::string text;
  std::snprintf(line, sizeof line,
                "interval scale %.6g for %.0f%% intervals, from %lld backtest points: coverage %s -> %s\n",
                scale, 100.0 * interval, static_cast<long long>(points), Percent(coverage_before).c_str(),
                Percent(coverage_after).c_str());
  text += line;
  // At most six lines whatever the horizon: months are grouped into equal bands.
  const int horizons = static_cast<int>(points_by_horizon.size());
  const int band = std::max(1, (horizons + 5) / 6);
  text += "by months ahead (coverage before -> after):\n";
  for (int first = 0; first < horizons; first += band) {
    const int last = std::min(horizons, first + band) - 1;
    int64_t count = 0;
    double before = 0, after = 0;
    for (int h = first; h <= last; ++h) {
      if (points_by_horizon[h] == 0) continue;
      count += points_by_horizon[h];
      before += coverage_before_by_horizon[h] * points_by_horizon[h];
      after += coverage_after_by_horizon[h] * points_by_horizon[h];
    }
    const std::string months = first == last ? std::to_string(first + 1)
                                             : std::to_string(first + 1) + "-" + std::to_string(last + 1);
    std::snprintf(line, sizeof line, "  %5s: %6s -> %6s  (%lld points)\n", months.c_str(),
                  Percent(count > 0 ? before / count : kNaN).c_str(),
                  Percent(count > 0 ? after / count : kNaN).c_str(), static_cast<long long>(count));
    text += line;
  }
  return text;
}

}  // namespace segcast
