// ThetaForecast: seasonality test, classical decomposition, exponential smoothing with drift.
#include "forecast/theta.h"

#include <algorithm>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

namespace segcast::internal {
namespace {

constexpr int kPeriod = 12;
// One-sided 95% normal quantile: the yearly autocorrelation must be significant at 90% (the
// test of R's forecast::thetaf).
constexpr double kSeasonalityCritical = 1.6448536269514722;
constexpr double kMinAlpha = 1e-4, kMaxAlpha = 0.9999;

// The observed span with inner gaps filled by linear interpolation and trailing gaps by the last
// value; leading missing months are dropped (first_observed tells how many).
std::vector<double> FilledHistory(const std::vector<double>& values, int& first_observed) {
  const int n = static_cast<int>(values.size());
  first_observed = 0;
  while (first_observed < n && !std::isfinite(values[first_observed])) ++first_observed;
  std::vector<double> filled(values.begin() + first_observed, values.end());
  int previous = -1;
  for (int i = 0; i < static_cast<int>(filled.size()); ++i) {
    if (!std::isfinite(filled[i])) continue;
    if (previous >= 0 && i - previous > 1)
      for (int gap = previous + 1; gap < i; ++gap)
        filled[gap] = filled[previous] +
                      (filled[i] - filled[previous]) * (gap - previous) / static_cast<double>(i - previous);
    previous = i;
  }
  for (int i = previous + 1; i < static_cast<int>(filled.size()); ++i) filled[i] = filled[previous];
  return filled;
}

// Autocorrelation at `lag` (denominator: the whole series' sum of squares, as R's acf).
double Autocorrelation(const std::vector<double>& x, double mean, double sum_squares, int lag) {
  double sum = 0.0;
  for (size_t t = lag; t < x.size(); ++t) sum += (x[t] - mean) * (x[t - lag] - mean);
  return sum / sum_squares;
}

// The yearly autocorrelation against its standard error under no seasonality (Bartlett).
bool HasYearlySeasonality(const std::vector<double>& x) {
  const int n = static_cast<int>(x.size());
  if (n < 2 * kPeriod + 1) return false;
  double mean = 0.0;
  for (double value : x) mean += value;
  mean /= n;
  double sum_squares = 0.0;
  for (double value : x) sum_squares += (value - mean) * (value - mean);
  if (!(sum_squares > 0)) return false;
  double variance_sum = 1.0;
  for (int lag = 1; lag < kPeriod; ++lag) {
    const double r = Autocorrelation(x, mean, sum_squares, lag);
    variance_sum += 2.0 * r * r;
  }
  const double yearly = Autocorrelation(x, mean, sum_squares, kPeriod);
  return std::fabs(yearly) / std::sqrt(variance_sum / n) > kSeasonalityCritical;
}

// Classical decomposition's seasonal indices by month of year (index = calendar month - 1):
// the mean ratio (multiplicative) or difference (additive) of the series to its centred 2x12
// moving average, normalised to mean 1 (or 0).
std::vector<double> SeasonalIndices(const std::vector<double>& x, MonthIndex first_month,
                                    bool multiplicative) {
  const int n = static_cast<int>(x.size());
  std::vector<double> sum(kPeriod, 0.0);
  std::vector<int> count(kPeriod, 0);
  for (int t = kPeriod / 2; t + kPeriod / 2 < n; ++t) {
    double trend = 0.5 * (x[t - kPeriod / 2] + x[t + kPeriod / 2]);
    for (int offset = -kPeriod / 2 + 1; offset < kPeriod / 2; ++offset) trend += x[t + offset];
    trend /= kPeriod;
    const int position = static_cast<int>(((first_month + t) % kPeriod + kPeriod) % kPeriod);
    sum[position] += multiplicative ? x[t] / trend : x[t] - trend;
    ++count[position];
  }
  std::vector<double> index(kPeriod);
  double average = 0.0;
  for (int position = 0; position < kPeriod; ++position) {
    index[position] = count[position] > 0 ? sum[position] / count[position] : (multiplicative ? 1.0 : 0.0);
    average += index[position] / kPeriod;
  }
  for (double& value : index) value = multiplicative ? value / average : value - average;
  return index;
}

int Position(MonthIndex month) { return static_cast<int>((month % kPeriod + kPeriod) % kPeriod); }

// One-step squared errors of exponential smoothing with `alpha`, the initial level chosen
// optimally: level_{t-1} = c_{t-1} l0 + d_{t-1} with c = (1 - alpha)^t and d the smoothing of y
// started at 0, so the error y_t - level_{t-1} is linear in l0.
SesFit SesAt(const std::vector<double>& y, double alpha) {
  double c = 1.0, d = 0.0, cc = 0.0, cr = 0.0;
  for (double value : y) {
    cc += c * c;
    cr += c * (value - d);
    d = alpha * value + (1.0 - alpha) * d;
    c *= 1.0 - alpha;
  }
  SesFit fit;
  fit.alpha = alpha;
  fit.initial_level = cc > 0 ? cr / cc : y.front();
  double level = fit.initial_level;
  for (double value : y) {
    const double error = value - level;
    fit.sse += error * error;
    level += alpha * error;
  }
  fit.final_level = level;
  return fit;
}

// Half the slope of the least-squares line through x against 0 .. n-1.
double HalfSlope(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double t_mean = (n - 1) / 2.0;
  double x_mean = 0.0;
  for (double value : x) x_mean += value;
  x_mean /= n;
  double sxy = 0.0, sxx = 0.0;
  for (size_t t = 0; t < x.size(); ++t) {
    sxy += (t - t_mean) * (x[t] - x_mean);
    sxx += (t - t_mean) * (t - t_mean);
  }
  return sxx > 0 ? 0.5 * sxy / sxx : 0.0;
}

}  // namespace

SesFit FitSimpleExponentialSmoothing(const std::vector<double>& y) {
  // Brent's method to 2^-20 relative precision in alpha; the grid's best start guards against a
  // local minimum at the other end of [kMinAlpha, kMaxAlpha].
  const auto sse = [&](double alpha) { return SesAt(y, alpha).sse; };
  std::uintmax_t iterations = 100;
  const std::pair<double, double> best =
      boost::math::tools::brent_find_minima(sse, kMinAlpha, kMaxAlpha, 20, iterations);
  SesFit fit = SesAt(y, best.first);
  for (double alpha : {kMinAlpha, kMaxAlpha}) {
    SesFit edge = SesAt(y, alpha);
    if (edge.sse < fit.sse) fit = edge;
  }
  return fit;
}

ThetaResult ThetaForecast(const std::vector<double>& values, MonthIndex first_month, int horizon) {
  ThetaResult result;
  int first_observed = 0;
  const std::vector<double> x = FilledHistory(values, first_observed);
  const int n = static_cast<int>(x.size());
  if (std::count_if(values.begin(), values.end(), [](double v) { return std::isfinite(v); }) < 3)
    return result;
  const MonthIndex start = first_month + first_observed;

  result.seasonal = HasYearlySeasonality(x);
  const bool multiplicative =
      std::all_of(x.begin(), x.end(), [](double value) { return value > 0; });
  std::vector<double> index(kPeriod, multiplicative ? 1.0 : 0.0);
  if (result.seasonal) index = SeasonalIndices(x, start, multiplicative);
  auto adjust = [&](double value, MonthIndex month) {
    return multiplicative ? value / index[Position(month)] : value - index[Position(month)];
  };
  std::vector<double> adjusted(n);
  for (int t = 0; t < n; ++t) adjusted[t] = adjust(x[t], start + t);

  const SesFit ses = FitSimpleExponentialSmoothing(adjusted);
  const double drift = HalfSlope(adjusted);
  const double catch_up = (1.0 - std::pow(1.0 - ses.alpha, n)) / ses.alpha;
  result.alpha = ses.alpha;
  result.mean.resize(horizon);
  const MonthIndex last = start + n - 1;
  for (int h = 1; h <= horizon; ++h) {
    const double level = ses.final_level + drift * (h - 1 + catch_up);
    const int position = Position(last + h);
    result.mean[h - 1] = multiplicative ? level * index[position] : level + index[position];
  }
  result.usable = true;
  return result;
}

}  // namespace segcast::internal
