// Point predictions and Prophet's simulated intervals.
#include <algorithm>
#include <cmath>

#include "forecast/model.h"
#include "forecast/model_terms.h"
#include "forecast/random.h"

namespace segcast::internal {
namespace {

double SeasonalAt(const Design& design, const Fit& fit, MonthIndex month, std::vector<double>& row) {
  if (design.fourier_columns == 0) return 0.0;
  const double* features = design.Fourier(month, row);
  double value = 0.0;
  for (int column = 0; column < design.fourier_columns; ++column)
    value += fit.theta[design.first_beta() + column] * features[column];
  return value;
}

double Combine(const ModelSpec& spec, double trend, double seasonal) {
  return spec.mode == SeasonalityMode::kMultiplicative ? trend * (1.0 + seasonal) : trend + seasonal;
}

}  // namespace

double LogisticTrend(double t, double cap, double k, double m, const std::vector<double>& changepoints,
                     const std::vector<double>& deltas) {
  return LogisticAt(t, cap, k, m, changepoints, deltas.data());
}

Components Predict(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                   const Fit& fit, int horizon) {
  const int total = history.n + horizon;
  const int S = static_cast<int>(design.changepoint_t.size());
  Components components;
  components.trend.resize(total);
  components.seasonal.resize(total);
  components.yhat.resize(total);
  std::vector<double> deltas(fit.theta.begin() + 2, fit.theta.begin() + 2 + S);
  double rate_end = fit.theta[0];
  for (double delta : deltas) rate_end += delta;
  std::vector<double> row(std::max(1, design.fourier_columns));
  double damping_power = 1.0;
  for (int month = 0; month < total; ++month) {
    const double t = month * design.dt;
    double trend;
    if (spec.growth == Growth::kLogistic) {
      trend = LogisticTrend(t, history.cap, fit.theta[0], fit.theta[1], design.changepoint_t, deltas);
    } else if (month < history.n) {
      trend = fit.theta[0] * t + fit.theta[1];
      for (int j = 0; j < S; ++j) trend += deltas[j] * std::max(0.0, t - design.changepoint_t[j]);
    } else {
      // Damped continuation (Gardner & McKenzie 1985): the rate h months out is phi^h times the
      // last fitted rate, so the trend levels off instead of extrapolating a straight line.
      damping_power *= spec.trend_damping;
      trend = components.trend[month - 1] + damping_power * rate_end * design.dt;
    }
    components.trend[month] = trend;
    components.seasonal[month] = SeasonalAt(design, fit, history.first_month + month, row);
    components.yhat[month] = Combine(spec, trend, components.seasonal[month]);
  }
  return components;
}

void CentralQuantiles(double* values, size_t count, double low_probability, double high_probability,
                      double& low, double& high) {
  // One partition at the upper order statistic, a second one inside the part below it, and the
  // next order statistics by scanning what is left: about 1.9 n comparisons for both bounds.
  const double high_position = high_probability * static_cast<double>(count - 1);
  const size_t high_index = static_cast<size_t>(std::floor(high_position));
  std::nth_element(values, values + high_index, values + count);
  const double high_value = values[high_index];
  const double high_next =
      high_index + 1 < count ? *std::min_element(values + high_index + 1, values + count) : high_value;
  high = high_value + (high_position - static_cast<double>(high_index)) * (high_next - high_value);
  const double low_position = low_probability * static_cast<double>(count - 1);
  const size_t low_index = std::min(high_index, static_cast<size_t>(std::floor(low_position)));
  double low_value = high_value, low_next = high_next;
  if (low_index < high_index) {
    std::nth_element(values, values + low_index, values + high_index);
    low_value = values[low_index];
    // Everything from low_index + 1 up to high_index is >= low_value and the rest >= high_value.
    low_next = *std::min_element(values + low_index + 1, values + high_index + 1);
  }
  low = low_value + (low_position - static_cast<double>(low_index)) * (low_next - low_value);
}

namespace {

// Standard deviation of the fitted mean at each future month from the parameter covariance: the
// additive prediction is linear in theta, with gradient f_h below. Zero where the model has no
// calibrated covariance.
std::vector<double> ParameterSd(const ScaledHistory& history, const Design& design,
                                const ModelSpec& spec, const Fit& fit, int horizon) {
  std::vector<double> parameter_sd(horizon, 0.0);
  if (!(spec.calibrated_intervals && fit.meat.size() > 0 && spec.growth == Growth::kLinear &&
        spec.mode == SeasonalityMode::kAdditive)) {
    return parameter_sd;
  }
  const int S = static_cast<int>(design.changepoint_t.size());
  const int last = history.n - 1;
  const double t_last = last * design.dt;
  const int p = static_cast<int>(fit.theta.size());
  Eigen::MatrixXd gradients = Eigen::MatrixXd::Zero(p, horizon);  // column h - 1 is f_h
  std::vector<double> scratch;
  double reach = 0.0, damping_power = 1.0;  // C_h = dt * sum_{i<=h} phi^i
  for (int h = 1; h <= horizon; ++h) {
    damping_power *= spec.trend_damping;
    reach += damping_power * design.dt;
    auto gradient = gradients.col(h - 1);
    gradient[0] = t_last + reach;
    gradient[1] = 1.0;
    for (int j = 0; j < S; ++j) gradient[2 + j] = std::max(0.0, t_last - design.changepoint_t[j]) + reach;
    if (design.fourier_columns > 0) {
      const double* features = design.Fourier(history.first_month + last + h, scratch);
      for (int column = 0; column < design.fourier_columns; ++column)
        gradient[design.first_beta() + column] = features[column];
    }
  }
  // f_h' B M B f_h for every h at once: two p x p by p x horizon products.
  const Eigen::MatrixXd bread = fit.normal_inverse * gradients;
  const Eigen::MatrixXd filled = fit.meat * bread;
  for (int h = 0; h < horizon; ++h)
    parameter_sd[h] = std::sqrt(std::max(0.0, bread.col(h).dot(filled.col(h))));
  return parameter_sd;
}

// Undamped minus damped trend h months out, for a path whose damping is drawn.
std::vector<double> UndampedGap(const Design& design, const ModelSpec& spec, double rate_end, int horizon) {
  std::vector<double> gap(horizon, 0.0);
  double damped_reach = 0.0, damping_power = 1.0;
  for (int h = 1; h <= horizon; ++h) {
    damping_power *= spec.trend_damping;
    damped_reach += damping_power;
    gap[h - 1] = rate_end * design.dt * (h - damped_reach);
  }
  return gap;
}

// A linear path's trend: the point forecast's damped trend plus the damped effect of the path's
// own future rate changes (sorted times `change_t`, sizes `change_delta`).
void LinearPathTrend(const Design& design, const ModelSpec& spec, const Components& components,
                     int last, const std::vector<double>& change_t,
                     const std::vector<double>& change_delta, std::vector<double>& trend) {
  const int horizon = static_cast<int>(trend.size());
  const int changes = static_cast<int>(change_t.size());
  double drift = 0.0, extra_rate = 0.0, damping_power = 1.0;
  int next_change = 0;
  for (int h = 1; h <= horizon; ++h) {
    const double t1 = (last + h) * design.dt, t0 = t1 - design.dt;
    double increment = extra_rate * design.dt;
    while (next_change < changes && change_t[next_change] <= t1) {
      increment += change_delta[next_change] * (t1 - std::max(t0, change_t[next_change]));
      extra_rate += change_delta[next_change];
      ++next_change;
    }
    damping_power *= spec.trend_damping;
    drift += damping_power * increment;
    trend[h - 1] = components.trend[last + h] + drift;
  }
}

}  // namespace

void SimulatePaths(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                   const Fit& fit, const Components& components, int horizon, int samples,
                   uint64_t seed, std::vector<double>& paths, int stride, int offset) {
  const int S = static_cast<int>(design.changepoint_t.size());
  std::vector<double> deltas(fit.theta.begin() + 2, fit.theta.begin() + 2 + S);
  double mean_abs_delta = 0.0, rate_end = fit.theta[0];
  for (double delta : deltas) {
    mean_abs_delta += std::fabs(delta);
    rate_end += delta;
  }
  // Prophet: future changepoints at the historical rate S per unit of scaled time, magnitudes
  // Laplace with scale mean |delta| (+1e-8 so a flat history still varies a little).
  const double laplace_scale = (S > 0 ? mean_abs_delta / S : 0.0) + 1e-8;
  const int last = history.n - 1;
  const double t_last = last * design.dt;
  const double t_end = (last + horizon) * design.dt;
  const double expected_changes = S * (t_end - t_last);
  const std::vector<double> parameter_sd = ParameterSd(history, design, spec, fit, horizon);
  // Noise and parameter error are independent normals: one draw with the combined variance.
  const double noise_sd = spec.calibrated_intervals ? fit.predictive_sigma : fit.sigma;
  std::vector<double> point_sd(horizon);
  for (int h = 0; h < horizon; ++h)
    point_sd[h] = std::sqrt(noise_sd * noise_sd + parameter_sd[h] * parameter_sd[h]);
  const bool damping_spread = spec.damping_spread && spec.trend_damping < 1.0;
  const std::vector<double> undamped_gap = UndampedGap(design, spec, rate_end, horizon);
  XoshiroRandom random(seed);
  const bool logistic = spec.growth == Growth::kLogistic;
  const bool multiplicative = spec.mode == SeasonalityMode::kMultiplicative;
  const bool log_scale = spec.transform == Transform::kLog && !logistic;  // as Unscale
  const double poisson_limit = std::exp(-expected_changes);
  // Most linear paths have no future rate change, so only the noise is drawn for them.
  std::vector<double> change_t, change_delta, all_t, all_delta, trend(horizon);
  for (int sample = 0; sample < samples; ++sample) {
    const int changes = random.PoissonBelow(poisson_limit);
    change_t.resize(changes);
    change_delta.resize(changes);
    for (int c = 0; c < changes; ++c) change_t[c] = t_last + random.Uniform() * (t_end - t_last);
    std::sort(change_t.begin(), change_t.end());
    for (int c = 0; c < changes; ++c) change_delta[c] = random.Laplace(laplace_scale);
    if (logistic) {
      all_t = design.changepoint_t;
      all_delta = deltas;
      all_t.insert(all_t.end(), change_t.begin(), change_t.end());
      all_delta.insert(all_delta.end(), change_delta.begin(), change_delta.end());
      for (int h = 1; h <= horizon; ++h)
        trend[h - 1] = LogisticTrend((last + h) * design.dt, history.cap, fit.theta[0], fit.theta[1],
                                     all_t, all_delta);
    } else if (changes == 0) {
      std::copy_n(components.trend.begin() + last + 1, horizon, trend.begin());
    } else {
      LinearPathTrend(design, spec, components, last, change_t, change_delta, trend);
    }
    if (damping_spread && !logistic) {
      // The damping is a choice, not a fact: each path's trend lies a uniform share of the way
      // from the damped to the undamped continuation of the last rate.
      const double share = random.Uniform();
      for (int h = 0; h < horizon; ++h) trend[h] += share * undamped_gap[h];
    }
    double* out = paths.data() + offset + sample;
    for (int h = 1; h <= horizon; ++h, out += stride) {
      const double seasonal = components.seasonal[last + h];
      const double mean = multiplicative ? trend[h - 1] * (1.0 + seasonal) : trend[h - 1] + seasonal;
      const double value = mean + point_sd[h - 1] * random.Normal();
      *out = log_scale ? history.y_scale * (std::exp(value) - history.shift) : history.y_scale * value;
    }
  }
}

}  // namespace segcast::internal
