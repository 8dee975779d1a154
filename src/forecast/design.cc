#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "forecast/model.h"
#include "segcast/error.h"

namespace segcast::internal {

ModelSpec SpecFromOptions(const ForecastOptions& options) {
  ModelSpec spec;
  spec.growth = options.growth;
  spec.mode = options.seasonality_mode;
  spec.transform = options.transform;
  spec.yearly = options.yearly;
  spec.fourier_order = options.fourier_order;
  spec.day_phase = options.day_phase;
  spec.changepoints = options.changepoints;
  spec.months_per_changepoint = options.months_per_changepoint;
  spec.changepoint_range = options.changepoint_range;
  spec.changepoint_prior_scale = options.changepoint_prior_scale;
  spec.seasonality_prior_scale = options.seasonality_prior_scale;
  spec.trend_damping = options.trend_damping;
  spec.laplace_smoothing = options.laplace_smoothing;
  spec.cap = options.cap;
  spec.recency_half_life = options.recency_half_life;
  spec.seasonal_half_life = options.seasonal_half_life;
  spec.level_correction_months = options.level_correction_months;
  spec.robust_rounds = options.robust_rounds;
  spec.damping_spread = options.damping_spread;
  spec.calibrated_intervals = options.calibrated_intervals;
  spec.name = options.transform == Transform::kLog ? "log" : "additive";
  if (options.seasonality_mode == SeasonalityMode::kMultiplicative) spec.name = "multiplicative";
  if (options.growth == Growth::kLogistic) spec.name = "logistic";
  return spec;
}

ScaledHistory ScaleHistory(const std::vector<double>& values, MonthIndex first_month,
                           const ModelSpec& spec) {
  ScaledHistory history;
  history.first_month = first_month;
  history.n = static_cast<int>(values.size());
  double max_abs = 0.0, min_value = std::numeric_limits<double>::infinity();
  for (double value : values) {
    if (!std::isfinite(value)) continue;
    max_abs = std::max(max_abs, std::fabs(value));
    min_value = std::min(min_value, value);
    ++history.finite;
  }
  history.has_negative = min_value < 0;
  history.y_scale = max_abs > 0 ? max_abs : 1.0;
  const bool log = spec.transform == Transform::kLog && spec.growth == Growth::kLinear;
  // Zeros would be -inf on the log scale; a floor of 1% of the series' maximum keeps them finite
  // without letting a single zero dominate the fit.
  if (log) history.shift = min_value > 0 ? 0.0 : 0.01;
  history.z.resize(values.size());
  for (size_t month = 0; month < values.size(); ++month) {
    const double scaled = values[month] / history.y_scale;
    history.z[month] = !std::isfinite(values[month]) ? std::numeric_limits<double>::quiet_NaN()
                       : log ? std::log(std::max(scaled + history.shift, 1e-12))
                             : scaled;
  }
  history.cap = spec.cap / history.y_scale;
  // Discounted likelihood: month i counts 0.5^((n-1-i)/half_life), so level and seasonality
  // follow recent years while older data still informs the seasonal shape.
  history.weight.assign(values.size(), 1.0);
  for (size_t month = 0; month < values.size(); ++month) {
    if (spec.recency_half_life > 0)
      history.weight[month] = std::exp2(-static_cast<double>(values.size() - 1 - month) /
                                        spec.recency_half_life);
    if (std::isfinite(history.z[month])) history.weight_sum += history.weight[month];
  }
  return history;
}

double Unscale(double z, const ScaledHistory& history, const ModelSpec& spec) {
  if (spec.transform == Transform::kLog && spec.growth == Growth::kLinear)
    return history.y_scale * (std::exp(z) - history.shift);
  return history.y_scale * z;
}

int FourierColumns(int order, bool day_phase) {
  return 2 * order - (!day_phase && order >= 6 ? 1 : 0);
}

void FourierRow(MonthIndex month, int order, bool day_phase, double* out) {
  // Month phases make the yearly term exactly periodic in 12 months; Prophet's day phases drift
  // with month lengths, which its order-10 default turns into noise on monthly data.
  const double phase =
      day_phase ? static_cast<double>(FirstDayOfMonth(month)) / 365.25 : (month % 12) / 12.0;
  int column = 0;
  for (int frequency = 1; frequency <= order; ++frequency) {
    const double angle = 2.0 * std::numbers::pi * frequency * phase;
    if (day_phase || 2 * frequency != 12) out[column++] = std::sin(angle);
    out[column++] = std::cos(angle);
  }
}

Design MakeDesign(const ScaledHistory& history, const ModelSpec& spec) {
  Design design;
  design.n = history.n;
  design.dt = history.n > 1 ? 1.0 / (history.n - 1) : 1.0;
  // Prophet's placement: evenly spaced over the first changepoint_range of the history, the first
  // grid point (t = 0) excluded.
  const int hist_size = static_cast<int>(std::floor(history.n * spec.changepoint_range));
  int count = spec.changepoints >= 0 ? spec.changepoints
                                     : std::min(25, hist_size / spec.months_per_changepoint);
  count = std::min(count, hist_size - 1);
  for (int j = 1; j <= count; ++j) {
    const int index = static_cast<int>(std::lround(static_cast<double>(hist_size - 1) * j / count));
    if (!design.changepoint_index.empty() && index == design.changepoint_index.back()) continue;
    design.changepoint_index.push_back(index);
    design.changepoint_t.push_back(index * design.dt);
  }
  const bool yearly = spec.yearly == Toggle::kOn ||
                      (spec.yearly == Toggle::kAuto && history.n >= 24);
  design.day_phase = spec.day_phase;
  design.fourier_order = yearly ? spec.fourier_order : 0;
  design.fourier_columns = yearly ? FourierColumns(spec.fourier_order, spec.day_phase) : 0;
  if (yearly && !spec.day_phase) {
    design.fourier_table.resize(12 * design.fourier_columns);
    for (int month = 0; month < 12; ++month)
      FourierRow(month, design.fourier_order, false, &design.fourier_table[month * design.fourier_columns]);
  }
  return design;
}

const double* Design::Fourier(MonthIndex month, std::vector<double>& scratch) const {
  if (!fourier_table.empty()) return &fourier_table[(month % 12) * fourier_columns];
  scratch.resize(fourier_columns);
  FourierRow(month, fourier_order, day_phase, scratch.data());
  return scratch.data();
}

}  // namespace segcast::internal
