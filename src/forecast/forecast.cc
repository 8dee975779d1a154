// ForecastSeries: chooses a variant by rolling-origin validation, fits it on the whole history,
// predicts, and simulates intervals.
#include "segcast/forecast.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdio>
#include <limits>

#include "forecast/model.h"
#include "forecast/random.h"
#include "forecast/self_calibration.h"
#include "forecast/theta.h"
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

// The candidates of Selection::kValidation: the configured model on y and on log y
// (multiplicative seasonality and trend) when the series has no negatives, each with every
// half-life of variant_half_lives.
std::vector<internal::ModelSpec> Candidates(const ForecastOptions& options, bool has_negative) {
  internal::ModelSpec base = internal::SpecFromOptions(options);
  if (options.selection == Selection::kFixed || options.growth == Growth::kLogistic)
    return {base};
  // Averaging and validation vary the half-life and the transform; the other settings stay.
  std::vector<internal::ModelSpec> candidates;
  for (Transform transform : {Transform::kNone, Transform::kLog}) {
    if (transform == Transform::kLog && has_negative) continue;
    for (double half_life : options.variant_half_lives) {
      internal::ModelSpec spec = base;
      spec.transform = transform;
      spec.recency_half_life = half_life;
      if (transform == Transform::kLog) spec.mode = SeasonalityMode::kAdditive;
      spec.name = transform == Transform::kLog ? "log"
                  : spec.mode == SeasonalityMode::kMultiplicative ? "multiplicative"
                                                                  : "additive";
      char suffix[32];
      std::snprintf(suffix, sizeof suffix, "_hl%g", half_life);
      spec.name += suffix;
      candidates.push_back(spec);
    }
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

struct FittedMember {
  internal::ModelSpec spec;
  internal::ScaledHistory history;
  internal::Design design;
  internal::Fit fit;
  internal::Components components;
};

bool IsLinearAdditive(const internal::ModelSpec& spec) {
  return spec.growth == Growth::kLinear && spec.mode == SeasonalityMode::kAdditive;
}

// True when the member's season comes from a fit with the longer seasonal_half_life.
bool SeparateSeason(const internal::ModelSpec& spec) {
  return IsLinearAdditive(spec) && spec.seasonal_half_life > 0 && spec.recency_half_life > 0 &&
         spec.seasonal_half_life > spec.recency_half_life;
}

// The fit of `spec` with the season held at `beta` (Fourier coefficients from the fit with the
// seasonal half-life): level and trend are fitted to z minus that season with the member's own
// weights. A near-zero prior scale on the Fourier terms pins them (the layout of theta, and so
// prediction and simulation, stay those of the full model); beta is added back afterwards.
internal::Fit FitWithSeason(const internal::ScaledHistory& history, const internal::Design& design,
                            const internal::ModelSpec& spec, const std::vector<double>& beta) {
  constexpr double kPinnedPriorScale = 1e-6;
  internal::ScaledHistory deseasonalised = history;
  std::vector<double> scratch;
  for (int month = 0; month < history.n; ++month) {
    if (!std::isfinite(history.z[month])) continue;
    const double* features = design.Fourier(history.first_month + month, scratch);
    for (int column = 0; column < design.fourier_columns; ++column)
      deseasonalised.z[month] -= beta[column] * features[column];
  }
  internal::ModelSpec pinned = spec;
  pinned.seasonality_prior_scale = kPinnedPriorScale;
  internal::Fit fit = internal::FitModel(deseasonalised, design, pinned);
  for (int column = 0; column < design.fourier_columns; ++column)
    fit.theta[design.first_beta() + column] += beta[column];
  return fit;
}

// `season` (may be null): a fitted member with the same transform whose half-life is this
// member's seasonal_half_life; its Fourier coefficients are reused instead of a second fit.
FittedMember FitMember(const MonthlySeries& series, const internal::ModelSpec& spec, int horizon,
                 const FittedMember* season = nullptr) {
  FittedMember member;
  member.spec = spec;
  member.history = internal::ScaleHistory(series.values, series.first_month, spec);
  member.design = internal::MakeDesign(member.history, spec);
  if (SeparateSeason(spec) && member.design.fourier_columns > 0) {
    std::vector<double> beta;
    if (season != nullptr && season->design.fourier_columns == member.design.fourier_columns) {
      beta.assign(season->fit.theta.begin() + season->design.first_beta(), season->fit.theta.end());
    } else {
      internal::ModelSpec seasonal_spec = spec;
      seasonal_spec.recency_half_life = spec.seasonal_half_life;
      internal::ScaledHistory seasonal_history =
          internal::ScaleHistory(series.values, series.first_month, seasonal_spec);
      internal::Fit seasonal_fit = internal::FitModel(seasonal_history, member.design, seasonal_spec);
      beta.assign(seasonal_fit.theta.begin() + member.design.first_beta(), seasonal_fit.theta.end());
    }
    member.fit = FitWithSeason(member.history, member.design, spec, beta);
  } else {
    member.fit = internal::FitModel(member.history, member.design, spec);
  }
  member.components = internal::Predict(member.history, member.design, spec, member.fit, horizon);
  if (spec.level_correction_months > 0 && IsLinearAdditive(spec)) {
    // The recency-weighted fit still pulls the level towards older months; the mean residual of
    // the last months says how far the data ended from the fitted level (on the model's scale).
    double sum = 0.0;
    int used = 0;
    for (int month = member.history.n - 1; month >= 0 && used < spec.level_correction_months; --month)
      if (std::isfinite(member.history.z[month])) {
        sum += member.history.z[month] - member.components.yhat[month];
        ++used;
      }
    const double correction = used > 0 ? sum / used : 0.0;
    for (size_t month = member.history.n; month < member.components.yhat.size(); ++month) {
      member.components.trend[month] += correction;
      member.components.yhat[month] += correction;
    }
  }
  return member;
}

FittedParameters Parameters(const MonthlySeries& series, const FittedMember& member) {
  FittedParameters parameters;
  const int S = static_cast<int>(member.design.changepoint_t.size());
  const std::vector<double>& theta = member.fit.theta;
  parameters.variant = member.spec.name;
  parameters.transform = member.spec.transform;
  parameters.seasonality_mode = member.spec.mode;
  parameters.growth = member.spec.growth;
  parameters.y_scale = member.history.y_scale;
  parameters.shift = member.history.shift;
  parameters.k = theta[0];
  parameters.m = theta[1];
  parameters.changepoint_t = member.design.changepoint_t;
  for (int index : member.design.changepoint_index)
    parameters.changepoint_months.push_back(series.first_month + index);
  parameters.delta.assign(theta.begin() + 2, theta.begin() + 2 + S);
  parameters.beta.assign(theta.begin() + member.design.first_beta(), theta.end());
  parameters.fourier_order = member.design.fourier_order;
  parameters.sigma = member.fit.sigma;
  parameters.trend_damping = member.spec.growth == Growth::kLinear ? member.spec.trend_damping : 1.0;
  parameters.recency_half_life = member.spec.recency_half_life;
  parameters.history_months = series.size();
  return parameters;
}

// Rolling-origin validation on the history: the last origins, `validation_step` apart, each
// forecasting validation_horizon months; origins keep at least 24 months of training data.
// Returns the index of the candidate with the lowest mean sMAPE (the first when none can be scored).
size_t Select(const MonthlySeries& series, const ForecastOptions& options,
              const std::vector<internal::ModelSpec>& candidates,
              std::vector<std::pair<std::string, double>>& scores) {
  const int n = series.size();
  const int validation_horizon = std::min(options.horizon, options.validation_horizon);
  size_t chosen = 0;
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
    scores.emplace_back(candidates[candidate].name, score);
    if (origins > 0 && score < best) {
      best = score;
      chosen = candidate;
    }
  }
  return chosen;
}

double IntervalScale(const ForecastOptions& options, int h) {
  return std::max(0.1, options.interval_scale_h1 + options.interval_scale_slope * (h - 1));
}

double FactorAt(const internal::IntervalFactors& factors, int h) {
  if (factors.by_horizon.empty()) return 1.0;
  return factors.by_horizon[std::min<size_t>(h, factors.by_horizon.size()) - 1];
}

// Equal weights, in every month, on the better half (rounded up) of the members with a finite
// score (lower is better); ties keep member order so the choice is deterministic. Without any
// finite score the weights are left as they are.
void WeighBetterHalf(const std::vector<double>& score, int total, std::vector<double>& weights) {
  const int count = static_cast<int>(score.size());
  std::vector<int> order;
  for (int member = 0; member < count; ++member)
    if (std::isfinite(score[member])) order.push_back(member);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return score[a] < score[b]; });
  const int kept = static_cast<int>(order.size() + 1) / 2;
  if (kept == 0) return;
  std::vector<double> row(count, 0.0);
  for (int rank = 0; rank < kept; ++rank) row[order[rank]] = 1.0 / kept;
  for (int month = 0; month < total; ++month)
    std::copy(row.begin(), row.end(), weights.begin() + static_cast<size_t>(month) * count);
}

// Moves the future point forecasts `theta_weight` of the way to the Theta method's; false (and
// `combined` unchanged) when it is off or the series is too short for it.
bool BlendTheta(const MonthlySeries& series, const ForecastOptions& options,
                std::vector<double>& combined) {
  if (options.theta_weight <= 0 || options.growth != Growth::kLinear) return false;
  const internal::ThetaResult theta =
      internal::ThetaForecast(series.values, series.first_month, options.horizon);
  if (!theta.usable) return false;
  for (int h = 0; h < options.horizon; ++h)
    combined[h] = (1.0 - options.theta_weight) * combined[h] + options.theta_weight * theta.mean[h];
  return true;
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
  options.calibrated_intervals = false;
  options.seasonal_half_life = 0.0;
  options.level_correction_months = 0;
  options.robust_rounds = 0;
  options.damping_spread = false;
  options.interval_scale_h1 = 1.0;
  options.interval_scale_slope = 0.0;
  options.theta_weight = 0.0;
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
  Require(recency_half_life >= 0, "recency_half_life", ">= 0 months (0 = equal weights)");
  Require(seasonal_half_life >= 0, "seasonal_half_life", ">= 0 months (0 = as the trend)");
  Require(level_correction_months >= 0 && level_correction_months <= 24, "level_correction_months",
          "0 .. 24 months");
  Require(robust_rounds >= 0 && robust_rounds <= 5, "robust_rounds", "0 .. 5");
  Require(interval_scale_h1 > 0 && std::isfinite(interval_scale_h1), "interval_scale_h1", "> 0");
  Require(std::isfinite(interval_scale_slope), "interval_scale_slope", "a finite number");
  Require(calibration_origins >= 0 && calibration_origins <= 12, "calibration_origins", "0 .. 12");
  Require(calibration_step >= 1 && calibration_step <= 24, "calibration_step", "1 .. 24 months");
  Require(calibration_samples >= 20 && calibration_samples <= 100000, "calibration_samples",
          "20 .. 100000 paths");
  Require(calibration_points_per_horizon >= 30, "calibration_points_per_horizon", ">= 30");
  Require(theta_weight >= 0 && theta_weight <= 1, "theta_weight", "0 .. 1");
  Require(validation_origins >= 1 && validation_origins <= 12, "validation_origins", "1 .. 12");
  Require(validation_step >= 1 && validation_step <= 24, "validation_step", "1 .. 24");
  Require(validation_horizon >= 1 && validation_horizon <= 36, "validation_horizon", "1 .. 36");
  for (double half_life : variant_half_lives)
    Require(half_life >= 0, "variant_half_lives", "half-lives >= 0 months");
  Require(!variant_half_lives.empty() || selection == Selection::kFixed, "variant_half_lives",
          "at least one half-life with selection = validation");
}

SeriesForecast ForecastSeries(const MonthlySeries& series, const ForecastOptions& options) {
  internal::IntervalFactors fixed;
  fixed.description = "fixed multiplier (a single series; ForecastAll calibrates on the run's series)";
  return internal::ForecastSeriesScaled(series, options, fixed);
}

namespace {

// What the forecast needs to know of the history before fitting anything.
struct HistoryFacts {
  int finite = 0;
  bool has_negative = false;
  double max_value = -std::numeric_limits<double>::infinity();
};

HistoryFacts Inspect(const MonthlySeries& series) {
  HistoryFacts facts;
  for (double value : series.values)
    if (std::isfinite(value)) {
      ++facts.finite;
      facts.has_negative = facts.has_negative || value < 0;
      facts.max_value = std::max(facts.max_value, value);
    }
  return facts;
}

// The candidates that are fitted: all of them for an average, else the one validation selects.
std::vector<internal::ModelSpec> ChooseSpecs(const MonthlySeries& series, const ForecastOptions& options,
                                             const std::vector<internal::ModelSpec>& candidates,
                                             std::vector<std::pair<std::string, double>>& validation) {
  if (options.selection == Selection::kAverage || candidates.size() <= 1) return candidates;
  return {candidates[Select(series, options, candidates, validation)]};
}

// Members whose season comes from a longer half-life are fitted after the others, so the fit with
// that half-life (usually a member itself) is reused; the order of the result stays that of
// `specs`.
std::vector<FittedMember> FitMembers(const MonthlySeries& series,
                                     const std::vector<internal::ModelSpec>& specs, int horizon) {
  std::vector<FittedMember> members(specs.size());
  for (size_t index = 0; index < specs.size(); ++index)
    if (!SeparateSeason(specs[index])) members[index] = FitMember(series, specs[index], horizon);
  for (size_t index = 0; index < specs.size(); ++index) {
    const internal::ModelSpec& spec = specs[index];
    if (!SeparateSeason(spec)) continue;
    const FittedMember* season = nullptr;
    for (size_t other = 0; other < specs.size(); ++other)
      if (!SeparateSeason(specs[other]) && specs[other].transform == spec.transform &&
          specs[other].recency_half_life == spec.seasonal_half_life)
        season = &members[other];
    members[index] = FitMember(series, spec, horizon, season);
  }
  return members;
}

// Each member's fitted and forecast values in units of y: members x total months.
std::vector<std::vector<double>> UnscaledForecasts(const std::vector<FittedMember>& members, int total) {
  std::vector<std::vector<double>> unscaled(members.size(), std::vector<double>(total));
  for (size_t member = 0; member < members.size(); ++member)
    for (int month = 0; month < total; ++month)
      unscaled[member][month] = internal::Unscale(members[member].components.yhat[month],
                                                  members[member].history, members[member].spec);
  return unscaled;
}

// Combination::kMedian: per month, all weight on the middle member (half on each of the two middle
// ones for an even count). Ties keep member order, so the choice is deterministic.
void WeighMedian(const std::vector<std::vector<double>>& unscaled, int total, std::vector<double>& weights) {
  const int count = static_cast<int>(unscaled.size());
  std::vector<int> order(count);
  for (int month = 0; month < total; ++month) {
    for (int member = 0; member < count; ++member) order[member] = member;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return unscaled[a][month] < unscaled[b][month]; });
    double* row = &weights[static_cast<size_t>(month) * count];
    std::fill(row, row + count, 0.0);
    if (count % 2 == 1) {
      row[order[count / 2]] = 1.0;
    } else {
      row[order[count / 2 - 1]] = 0.5;
      row[order[count / 2]] = 0.5;
    }
  }
}

// Each member's sMAPE on its own leave-one-out fitted values (NaN without them).
std::vector<double> LeaveOneOutScores(const MonthlySeries& series, const std::vector<FittedMember>& members) {
  std::vector<double> score(members.size(), kNaN);
  for (size_t member = 0; member < members.size(); ++member) {
    const FittedMember& m = members[member];
    if (m.fit.leave_one_out.empty()) continue;
    std::vector<double> actual, fitted;
    for (int month = 0; month < series.size(); ++month)
      if (std::isfinite(m.fit.leave_one_out[month]) && std::isfinite(series.values[month])) {
        actual.push_back(series.values[month]);
        fitted.push_back(internal::Unscale(m.fit.leave_one_out[month], m.history, m.spec));
      }
    score[member] = Smape(actual, fitted);
  }
  return score;
}

// The weight of every member in every month (total x members, row-major) under the combination
// rule; equal weights unless a rule says otherwise. Scores a rule computes join `validation`.
std::vector<double> CombinationWeights(const MonthlySeries& series, const ForecastOptions& options,
                                       const std::vector<internal::ModelSpec>& candidates,
                                       const std::vector<FittedMember>& members,
                                       const std::vector<std::vector<double>>& unscaled, int total,
                                       std::vector<std::pair<std::string, double>>& validation) {
  const int count = static_cast<int>(members.size());
  std::vector<double> weights(static_cast<size_t>(total) * count, 1.0 / count);
  if (count < 2) return weights;
  if (options.combination == Combination::kMedian) {
    WeighMedian(unscaled, total, weights);
  } else if (options.combination == Combination::kBestHalf) {
    Select(series, options, candidates, validation);
    std::vector<double> score(count);
    for (int member = 0; member < count; ++member) score[member] = validation[member].second;
    WeighBetterHalf(score, total, weights);
  } else if (options.combination == Combination::kLeaveOneOutBestHalf) {
    const std::vector<double> score = LeaveOneOutScores(series, members);
    WeighBetterHalf(score, total, weights);
    for (int member = 0; member < count; ++member)
      validation.emplace_back(members[member].spec.name + "_loo", score[member]);
  }
  return weights;
}

// The members' forecasts and weights of the future months, and which members carry any weight.
struct Combined {
  std::vector<double> future;  //!< the combined forecast per future month
  std::vector<int> drawing;    //!< members with a weight above 0 in some future month
};

Combined CombineFuture(const std::vector<std::vector<double>>& unscaled, const std::vector<double>& weights,
                       int n, int horizon) {
  const int count = static_cast<int>(unscaled.size());
  Combined combined;
  combined.future.assign(horizon, 0.0);
  for (int member = 0; member < count; ++member) {
    bool used = false;
    for (int h = 0; h < horizon; ++h) {
      const double weight = weights[static_cast<size_t>(n + h) * count + member];
      combined.future[h] += weight * unscaled[member][n + h];
      used = used || weight > 0;
    }
    if (used) combined.drawing.push_back(member);
  }
  return combined;
}

// Future bounds from the simulated paths of every drawing member, each re-centred on the combined
// forecast: the average's error is spread like its members' errors, without the spread between
// the members' means (which would widen the intervals of every average). Then the horizon
// calibration moves both bounds away from (or towards) the point forecast by the same factor,
// which keeps the simulated asymmetry (log members) and the nesting of intervals of different
// levels.
void SimulatedBounds(const MonthlySeries& series, const ForecastOptions& options,
                     const internal::IntervalFactors& factors, const std::vector<FittedMember>& members,
                     const std::vector<std::vector<double>>& unscaled, const Combined& combined,
                     bool recentre, std::vector<double>& lower, std::vector<double>& upper) {
  const int n = series.size();
  const int horizon = options.horizon;
  const int drawn = static_cast<int>(combined.drawing.size());
  std::vector<double> paths(static_cast<size_t>(horizon) * options.samples);
  const uint64_t seed = internal::SeedFor(options.seed, series.id);
  int offset = 0;
  for (int rank = 0; rank < drawn; ++rank) {
    const int member = combined.drawing[rank];
    const int share = options.samples / drawn + (rank < options.samples % drawn ? 1 : 0);
    const FittedMember& m = members[member];
    internal::SimulatePaths(m.history, m.design, m.spec, m.fit, m.components, horizon, share,
                            seed + 0x9e3779b97f4a7c15ULL * member, paths, options.samples, offset);
    if (recentre)
      for (int h = 0; h < horizon; ++h) {
        const double shift = combined.future[h] - unscaled[member][n + h];
        double* slice = paths.data() + static_cast<size_t>(h) * options.samples + offset;
        for (int sample = 0; sample < share; ++sample) slice[sample] += shift;
      }
    offset += share;
  }
  // The paths are not needed afterwards: each month's samples are partitioned in place.
  for (int h = 0; h < horizon; ++h)
    internal::CentralQuantiles(paths.data() + static_cast<size_t>(h) * options.samples,
                               static_cast<size_t>(options.samples), (1.0 - options.interval) / 2.0,
                               (1.0 + options.interval) / 2.0, lower[h], upper[h]);
  for (int h = 0; h < horizon; ++h) {
    const double point = combined.future[h];
    const double scale = IntervalScale(options, h + 1) * FactorAt(factors, h + 1);
    lower[h] = point - scale * (point - lower[h]);
    upper[h] = point + scale * (upper[h] - point);
    // With damping_spread every path of a strongly trending series can lie on one side of the
    // damped point forecast; the interval still contains the forecast it is reported with.
    lower[h] = std::min(lower[h], point);
    upper[h] = std::max(upper[h], point);
  }
}

// Every month of history and horizon: the weighted members' fit, trend and bounds; in the future
// the combined forecast and the simulated bounds.
std::vector<ForecastPoint> AssemblePoints(const MonthlySeries& series, const ForecastOptions& options,
                                          const std::vector<FittedMember>& members,
                                          const std::vector<std::vector<double>>& unscaled,
                                          const std::vector<double>& weights, const Combined& combined,
                                          const std::vector<double>& lower,
                                          const std::vector<double>& upper, bool clamp) {
  const int n = series.size();
  const int count = static_cast<int>(members.size());
  const double z = boost::math::quantile(boost::math::normal(), (1.0 + options.interval) / 2.0);
  auto clamped = [&](double value) { return clamp ? std::max(0.0, value) : value; };
  std::vector<ForecastPoint> points;
  points.reserve(n + options.horizon);
  for (int month = 0; month < n + options.horizon; ++month) {
    ForecastPoint point;
    point.month = series.first_month + month;
    point.is_history = month < n;
    point.actual = point.is_history ? series.values[month] : kNaN;
    double yhat = 0.0, trend = 0.0, history_lower = 0.0, history_upper = 0.0;
    for (int member = 0; member < count; ++member) {
      const FittedMember& m = members[member];
      const double weight = weights[static_cast<size_t>(month) * count + member];
      if (weight == 0.0) continue;
      const double yhat_model = m.components.yhat[month];
      yhat += weight * unscaled[member][month];
      trend += weight * (m.spec.mode == SeasonalityMode::kMultiplicative
                             ? m.history.y_scale * m.components.trend[month]
                             : internal::Unscale(m.components.trend[month], m.history, m.spec));
      // In the history Prophet's only uncertainty is the observation noise: normal bounds
      // (averaged over members when several are combined).
      const double spread = point.is_history ? z * m.fit.sigma : 0.0;
      history_lower += weight * internal::Unscale(yhat_model - spread, m.history, m.spec);
      history_upper += weight * internal::Unscale(yhat_model + spread, m.history, m.spec);
    }
    if (!point.is_history) {
      // Theta's share moves the level: it belongs to the trend, the season stays the model's.
      trend += combined.future[month - n] - yhat;
      yhat = combined.future[month - n];
    }
    point.yhat = clamped(yhat);
    point.trend = trend;
    point.seasonal = point.yhat - point.trend;
    const bool simulated = !point.is_history && options.samples > 0;
    point.yhat_lower = clamped(simulated ? lower[month - n] : history_lower);
    point.yhat_upper = clamped(simulated ? upper[month - n] : history_upper);
    points.push_back(point);
  }
  return points;
}

// Members' parameters, convergence, and the variant name: "median(a+b)", "0.3*theta+0.7*a", ...
void DescribeFit(const MonthlySeries& series, const ForecastOptions& options,
                 const std::vector<FittedMember>& members, bool with_theta, SeriesForecast& result) {
  result.converged = true;
  for (const FittedMember& m : members) {
    result.members.push_back(Parameters(series, m));
    result.converged = result.converged && m.fit.converged;
    result.iterations += m.fit.iterations;
  }
  result.parameters = result.members.front();
  if (members.size() > 1) {
    std::string names;
    for (const FittedMember& m : members) names += (names.empty() ? "" : "+") + m.spec.name;
    const char* rule = options.combination == Combination::kMedian       ? "median("
                       : options.combination == Combination::kBestHalf   ? "best_half("
                       : options.combination == Combination::kLeaveOneOutBestHalf ? "loo_best_half("
                                                                         : "average(";
    result.parameters.variant = rule + names + ")";
  }
  if (with_theta) {
    char share[48];
    std::snprintf(share, sizeof share, "%g*theta+%g*", options.theta_weight, 1.0 - options.theta_weight);
    result.parameters.variant = share + result.parameters.variant;
  }
  if (!result.converged) result.message = "solver hit its iteration limit";
}

}  // namespace

SeriesForecast internal::ForecastSeriesScaled(const MonthlySeries& series, const ForecastOptions& options,
                                              const IntervalFactors& factors) {
  options.Validate();
  const HistoryFacts facts = Inspect(series);
  if (facts.finite < 3) return FlatForecast(series, options);
  if (options.growth == Growth::kLogistic && options.cap <= facts.max_value)
    throw InvalidArgument("logistic growth needs a capacity above the series' maximum (" +
                              std::to_string(facts.max_value) + ") in series " + series.id,
                          ErrorLocation{"", 0, "cap", "cap > max y"});

  SeriesForecast result;
  result.series_id = series.id;
  result.partial = series.partial;
  result.intervals = options.samples > 0 ? factors.description : "none (samples = 0)";
  const int n = series.size();
  const int horizon = options.horizon;
  const std::vector<internal::ModelSpec> candidates = Candidates(options, facts.has_negative);
  const std::vector<FittedMember> members =
      FitMembers(series, ChooseSpecs(series, options, candidates, result.validation), horizon);
  const std::vector<std::vector<double>> unscaled = UnscaledForecasts(members, n + horizon);
  const std::vector<double> weights =
      CombinationWeights(series, options, candidates, members, unscaled, n + horizon, result.validation);
  Combined combined = CombineFuture(unscaled, weights, n, horizon);
  const bool with_theta = BlendTheta(series, options, combined.future);
  std::vector<double> lower(horizon, 0.0), upper(horizon, 0.0);
  if (options.samples > 0) {
    SimulatedBounds(series, options, factors, members, unscaled, combined,
                    members.size() > 1 || with_theta, lower, upper);
  }
  result.points = AssemblePoints(series, options, members, unscaled, weights, combined, lower, upper,
                                 options.nonnegative && !facts.has_negative);
  DescribeFit(series, options, members, with_theta, result);
  return result;
}

std::vector<SeriesForecast> ForecastAll(const std::vector<MonthlySeries>& series,
                                        const ForecastOptions& options) {
  options.Validate();
  const internal::IntervalFactors factors = internal::SelfCalibrate(series, options);
  std::vector<SeriesForecast> results(series.size());
  internal::ExceptionCapture capture;
  const int64_t count = static_cast<int64_t>(series.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(internal::ResolveThreads(options.threads))
  for (int64_t index = 0; index < count; ++index)
    capture.Run([&] { results[index] = internal::ForecastSeriesScaled(series[index], options, factors); });
  capture.Rethrow();
  return results;
}

}  // namespace segcast
