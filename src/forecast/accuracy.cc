// Accuracy measures pooled over forecast points (Hyndman & Koehler 2006).
#include <cmath>
#include <limits>

#include "segcast/backtest.h"

namespace segcast {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double MaseScale(const std::vector<double>& history) {
  const int lag = history.size() >= 13 ? 12 : 1;
  double sum = 0.0;
  int count = 0;
  for (size_t t = lag; t < history.size(); ++t) {
    if (!std::isfinite(history[t]) || !std::isfinite(history[t - lag])) continue;
    sum += std::fabs(history[t] - history[t - lag]);
    ++count;
  }
  return count > 0 ? sum / count : kNaN;
}

void AccuracyAccumulator::Add(const std::vector<double>& actual, const std::vector<double>& yhat,
                              const std::vector<double>& lower, const std::vector<double>& upper,
                              double mase_scale) {
  double abs_sum = 0.0;
  int count = 0;
  for (size_t h = 0; h < actual.size(); ++h) {
    const double y = actual[h], f = yhat[h];
    if (!std::isfinite(y) || !std::isfinite(f)) continue;
    const double error = std::fabs(y - f);
    abs_error += error;
    squared_error += error * error;
    const double denominator = std::fabs(y) + std::fabs(f);
    smape += denominator > 0 ? 200.0 * error / denominator : 0.0;
    covered += (y >= lower[h] && y <= upper[h]) ? 1.0 : 0.0;
    width += upper[h] - lower[h];
    abs_actual += std::fabs(y);
    abs_sum += error;
    ++count;
    ++points;
  }
  if (count > 0 && std::isfinite(mase_scale) && mase_scale > 0) {
    mase_sum += abs_sum / count / mase_scale;
    ++mase_count;
  }
}

void AccuracyAccumulator::Merge(const AccuracyAccumulator& other) {
  abs_error += other.abs_error;
  squared_error += other.squared_error;
  smape += other.smape;
  covered += other.covered;
  width += other.width;
  abs_actual += other.abs_actual;
  mase_sum += other.mase_sum;
  mase_count += other.mase_count;
  points += other.points;
}

double AccuracyAccumulator::Mae() const { return points ? abs_error / points : kNaN; }
double AccuracyAccumulator::Rmse() const { return points ? std::sqrt(squared_error / points) : kNaN; }
double AccuracyAccumulator::Smape() const { return points ? smape / points : kNaN; }
double AccuracyAccumulator::Mase() const { return mase_count ? mase_sum / mase_count : kNaN; }
double AccuracyAccumulator::Coverage() const { return points ? covered / points : kNaN; }
double AccuracyAccumulator::RelativeWidth() const {
  return abs_actual > 0 ? width / abs_actual : kNaN;
}

}  // namespace segcast
