// ForecastSeries: chooses a variant by rolling-origin validation, fits it on the whole history,
// predicts, and simulates intervals.
#include "segcast/forecast.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

#include "forecast/model.h"
#include "forecast/random.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void Require(bool condition, const char* field, const char* expected) {
  if (!condition)
    throw InvalidArgument(std::string("forecast option ") + field + " out of range",
                          ErrorLocation{"", 0, field, expected});
}

double Smape(const std::vector<double>& actual, const std::vector<double>& forecast) {
  double sum = 0.0;
  int count = 0;
  for (size_t month = 0; month < actual.size(); ++month) {
    if (!std::isfinite(actual[month])) continue;
    const double denominator = std::fabs(actual[month]) + std::fabs(forecast[month]);
    sum += denominator > 0 ? 200.0 * std::fabs(actual[month] - forecast[month]) / denominator : 0.0;
    ++count;
  }
  return count > 0 ? sum / count : kNaN;
}

// The candidates of Selection::kValidation: the configured model on y, and the same on log y
// (multiplicative seasonality and trend) when the series is positive enough to take logs.
std::vector<internal::ModelSpec> Candidates(const ForecastOptions& options, bool has_negative) {
  internal::ModelSpec base = internal::SpecFromOptions(options);
  if (options.selection == Selection::kFixed || options.growth == Growth::kLogistic)
    return {base};
  std::vector<internal::ModelSpec> candidates;
  base.transform = Transform::kNone;
  base.name = options.seasonality_mode == SeasonalityMode::kMultiplicative ? "multiplicative"
                                                                            : "additive";
  candidates.push_back(base);
  if (!has_negative) {
    internal::ModelSpec log = base;
    log.transform = Transform::kLog;
    log.mode = SeasonalityMode::kAdditive;
    log.name = "log";
    candidates.push_back(log);
  }
  return candidates;
}

// Forecasts of `horizon` months after values[0 .. cutoff) with one spec, in units of y.
std::vector<double> PointForecast(const std::vector<double>& values, int cutoff,
                                  MonthIndex first_month, const internal::ModelSpec& spec,
                                  int horizon, std::vector<double>& warm) {
  std::vector<double> head(values.begin(), values.begin() + cutoff);
  internal::ScaledHistory history = internal::ScaleHistory(head, first_month, spec);
  internal::Design design = internal::MakeDesign(history, spec);
  internal::Fit fit = internal::FitModel(history, design, spec, warm);
  warm = fit.theta;
  internal::Components components = internal::Predict(history, design, spec, fit, horizon);
  std::vector<double> forecast(horizon);
  for (int h = 0; h < horizon; ++h)
    forecast[h] = internal::Unscale(components.yhat[cutoff + h], history, spec);
  return forecast;
}

SeriesForecast FlatForecast(const MonthlySeries& series, const ForecastOptions& options) {
  SeriesForecast result;
  result.series_id = series.id;
  result.partial = series.partial;
  result.message = "fewer than 3 observed months: flat forecast at the last value";
  double last = kNaN;
  for (int month = 0; month < series.size(); ++month) {
    const double value = series.values[month];
    if (std::isfinite(value)) last = value;
    result.points.push_back({series.first_month + month, value, value, value, value, 0.0, true, value});
  }
  for (int h = 1; h <= options.horizon; ++h)
    result.points.push_back({series.last_month() + h, last, last, last, last, 0.0, false, kNaN});
  return result;
}

}  // namespace

ForecastOptions ForecastOptions::Prophet() {
  ForecastOptions options;
  options.fourier_order = 10;
  options.day_phase = true;
  options.changepoints = 25;
  options.trend_damping = 1.0;
  options.selection = Selection::kFixed;
  options.nonnegative = false;
  return options;
}

void ForecastOptions::Validate() const {
  Require(horizon >= 1 && horizon <= 240, "horizon", "1 .. 240 months");
  Require(interval > 0 && interval < 1, "interval", "a probability strictly between 0 and 1");
  Require(samples >= 0 && samples <= 100000, "samples", "0 .. 100000");
  Require(growth != Growth::kLogistic || cap > 0, "cap", "a positive capacity with logistic growth");
  Require(fourier_order >= 1 && fourier_order <= (day_phase ? 20 : 6), "fourier_order",
          "1 .. 6 with month phases, 1 .. 20 with day phases");
  Require(changepoints >= -1, "changepoints", ">= -1 (-1 = automatic)");
  Require(months_per_changepoint >= 1, "months_per_changepoint", ">= 1");
  Require(changepoint_range > 0 && changepoint_range <= 1, "changepoint_range", "0 < range <= 1");
  Require(changepoint_prior_scale > 0, "changepoint_prior_scale", "> 0");
  Require(seasonality_prior_scale > 0, "seasonality_prior_scale", "> 0");
  Require(trend_damping > 0 && trend_damping <= 1, "trend_damping", "0 < phi <= 1");
  Require(laplace_smoothing > 0, "laplace_smoothing", "> 0");
  Require(validation_origins >= 1 && validation_origins <= 12, "validation_origins", "1 .. 12");
  Require(validation_step >= 1 && validation_step <= 24, "validation_step", "1 .. 24");
}

SeriesForecast ForecastSeries(const MonthlySeries& series, const ForecastOptions& options) {
  options.Validate();
  int finite = 0;
  bool has_negative = false;
  double max_value = -std::numeric_limits<double>::infinity();
  for (double value : series.values)
    if (std::isfinite(value)) {
      ++finite;
      has_negative = has_negative || value < 0;
      max_value = std::max(max_value, value);
    }
  if (finite < 3) return FlatForecast(series, options);
  if (options.growth == Growth::kLogistic && options.cap <= max_value)
    throw InvalidArgument("logistic growth needs a capacity above the series' maximum (" +
                              std::to_string(max_value) + ") in series " + series.id,
                          ErrorLocation{"", 0, "cap", "cap > max y"});

  SeriesForecast result;
  result.series_id = series.id;
  result.partial = series.partial;
  const int n = series.size();
  std::vector<internal::ModelSpec> candidates = Candidates(options, has_negative);
  size_t chosen = 0;
  if (candidates.size() > 1) {
    // Rolling-origin validation on the history: the last origins, `validation_step` apart, each
    // forecasting min(horizon, 12) months; origins keep at least 24 months of training data.
    const int validation_horizon = std::min(options.horizon, 12);
    double best = std::numeric_limits<double>::infinity();
    for (size_t candidate = 0; candidate < candidates.size(); ++candidate) {
      std::vector<double> warm;
      double total = 0.0;
      int origins = 0;
      for (int origin = options.validation_origins - 1; origin >= 0; --origin) {
        const int cutoff = n - validation_horizon - origin * options.validation_step;
        if (cutoff < 24) continue;
        std::vector<double> forecast = PointForecast(series.values, cutoff, series.first_month,
                                                     candidates[candidate], validation_horizon, warm);
        std::vector<double> actual(series.values.begin() + cutoff,
                                   series.values.begin() + cutoff + validation_horizon);
        const double error = Smape(actual, forecast);
        if (std::isfinite(error)) {
          total += error;
          ++origins;
        }
      }
      const double score = origins > 0 ? total / origins : kNaN;
      result.validation.emplace_back(candidates[candidate].name, score);
      if (origins > 0 && score < best) {
        best = score;
        chosen = candidate;
      }
    }
  }
  const internal::ModelSpec& spec = candidates[chosen];
  internal::ScaledHistory history = internal::ScaleHistory(series.values, series.first_month, spec);
  internal::Design design = internal::MakeDesign(history, spec);
  internal::Fit fit = internal::FitModel(history, design, spec);
  internal::Components components = internal::Predict(history, design, spec, fit, options.horizon);
  result.converged = fit.converged;
  result.iterations = fit.iterations;

  std::vector<double> lower, upper;
  if (options.samples > 0) {
    internal::SimulateIntervals(history, design, spec, fit, components, options.horizon,
                                options.samples, options.interval,
                                internal::SeedFor(options.seed, series.id), lower, upper);
  }
  const double z = boost::math::quantile(boost::math::normal(), (1.0 + options.interval) / 2.0);
  const bool clamp = options.nonnegative && !history.has_negative;
  auto clamped = [&](double value) { return clamp ? std::max(0.0, value) : value; };
  result.points.reserve(n + options.horizon);
  for (int month = 0; month < n + options.horizon; ++month) {
    ForecastPoint point;
    point.month = series.first_month + month;
    point.is_history = month < n;
    point.actual = point.is_history ? series.values[month] : kNaN;
    const double yhat_model = components.yhat[month];
    point.yhat = clamped(internal::Unscale(yhat_model, history, spec));
    point.trend = internal::Unscale(components.trend[month], history, spec);
    if (spec.mode == SeasonalityMode::kMultiplicative)
      point.trend = history.y_scale * components.trend[month];
    point.seasonal = point.yhat - point.trend;
    if (point.is_history || options.samples == 0) {
      // In the history Prophet's only uncertainty is the observation noise: exact normal bounds.
      const double spread = point.is_history ? z * fit.sigma : 0.0;
      point.yhat_lower = clamped(internal::Unscale(yhat_model - spread, history, spec));
      point.yhat_upper = clamped(internal::Unscale(yhat_model + spread, history, spec));
    } else {
      point.yhat_lower = clamped(lower[month - n]);
      point.yhat_upper = clamped(upper[month - n]);
    }
    result.points.push_back(point);
  }

  FittedParameters& parameters = result.parameters;
  const int S = static_cast<int>(design.changepoint_t.size());
  parameters.variant = spec.name;
  parameters.transform = spec.transform;
  parameters.seasonality_mode = spec.mode;
  parameters.growth = spec.growth;
  parameters.y_scale = history.y_scale;
  parameters.shift = history.shift;
  parameters.k = fit.theta[0];
  parameters.m = fit.theta[1];
  parameters.changepoint_t = design.changepoint_t;
  for (int index : design.changepoint_index)
    parameters.changepoint_months.push_back(series.first_month + index);
  parameters.delta.assign(fit.theta.begin() + 2, fit.theta.begin() + 2 + S);
  parameters.beta.assign(fit.theta.begin() + design.first_beta(), fit.theta.end());
  parameters.fourier_order = design.fourier_order;
  parameters.sigma = fit.sigma;
  parameters.trend_damping = spec.growth == Growth::kLinear ? spec.trend_damping : 1.0;
  parameters.history_months = n;
  if (!fit.converged) result.message = "solver hit its iteration limit";
  return result;
}

std::vector<SeriesForecast> ForecastAll(const std::vector<MonthlySeries>& series,
                                        const ForecastOptions& options) {
  options.Validate();
  std::vector<SeriesForecast> results(series.size());
  internal::ExceptionCapture capture;
  const int64_t count = static_cast<int64_t>(series.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(internal::ResolveThreads(options.threads))
  for (int64_t index = 0; index < count; ++index)
    capture.Run([&] { results[index] = ForecastSeries(series[index], options); });
  capture.Rethrow();
  return results;
}

}  // namespace segcast
