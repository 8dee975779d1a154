// Monthly forecasts with a Prophet-style additive model fitted with Ceres Solver.
//
// Model (Taylor & Letham 2017, "Forecasting at scale", The American Statistician 72(1)):
//   y(t) = g(t) + s(t) + e(t),  e ~ N(0, sigma^2)
//   g(t) piecewise linear, k + sum of rate changes delta_j after changepoint s_j (Laplace prior
//        with scale changepoint_prior_scale on each delta_j), or logistic with a capacity;
//   s(t) yearly Fourier series of order fourier_order (prior N(0, seasonality_prior_scale^2)),
//        added to g, or multiplied by it (seasonality_mode), or added on the log scale (transform);
//   k, m ~ N(0, 5^2); sigma half-normal N(0, 0.5^2); y divided by max |y|, time scaled to [0, 1].
// The MAP estimate is found with Ceres (ceres::TinySolver, Levenberg-Marquardt with analytic
// Jacobians for the linear-in-parameters model; ceres::Problem with automatic derivatives for the
// logistic / multiplicative variants). docs/forecasting.md explains the objective, how the Laplace
// prior is made smooth, and the defaults chosen for monthly data (with measurements).
// Intervals follow Prophet: future trend changes are simulated (Poisson count at the historical
// changepoint rate, Laplace magnitudes with scale mean |delta|) and Gaussian noise added.
//
//   segcast::ForecastOptions options;      // monthly defaults; ForecastOptions::Prophet() for R's
//   options.horizon = 12;
//   segcast::SeriesForecast result = segcast::ForecastSeries(series, options);
//   for (const segcast::ForecastPoint& point : result.points)
//     if (!point.is_history) std::cout << segcast::FormatMonth(point.month) << " " << point.yhat;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/monthly_series.h"

namespace segcast {

//! Shape of the trend g(t).
enum class Growth {
  kLinear,    //!< piecewise linear (default)
  kLogistic,  //!< piecewise logistic saturating at ForecastOptions::cap
};

//! How the yearly seasonality combines with the trend.
enum class SeasonalityMode {
  kAdditive,        //!< y = g + s (default)
  kMultiplicative,  //!< y = g * (1 + s), Prophet's multiplicative mode
};

//! Transform of y before fitting.
enum class Transform {
  kNone,  //!< fit y itself
  kLog,   //!< fit log(y + shift): seasonality and trend multiplicative in y; needs y >= 0
};

//! On / off / decided from the history.
enum class Toggle { kAuto, kOn, kOff };

//! How the model variant is chosen for each series.
enum class Selection {
  kFixed,       //!< use the options as given
  kValidation,  //!< the variant with the best rolling-origin validation sMAPE on the history
  kAverage,     //!< the equal-weight average of every variant (forecast combination)
};

//! How the members of Selection::kAverage are combined, month by month.
enum class Combination {
  kMean,      //!< equal weights
  kMedian,    //!< the median of the members' forecasts (mean of the middle two when even)
  kBestHalf,  //!< equal weights on the better half by rolling-origin validation on the history
  //! Equal weights on the better half by the leave-one-out sMAPE of the last 24 history months
  //! (from each fit's hat matrix, no extra fits; Allen 1974's PRESS).
  kLeaveOneOutBestHalf,
};

struct ForecastOptions {
  //! Months to forecast beyond the last complete month; 1 .. 240.
  int horizon = 6;
  //! Central probability of the interval [yhat_lower, yhat_upper]; 0 < interval < 1.
  double interval = 0.8;
  //! Simulated future paths for the interval; 0 = no intervals (lower = upper = yhat); <= 100000.
  int samples = 1000;
  //! All randomness derives from this seed and the series id; results do not depend on threads.
  uint64_t seed = 0;

  //! Trend shape. kLogistic needs `cap`.
  Growth growth = Growth::kLinear;
  //! Logistic capacity in the units of y; must exceed max y when growth is kLogistic.
  double cap = 0.0;
  //! Seasonality combination.
  SeasonalityMode seasonality_mode = SeasonalityMode::kAdditive;
  //! Transform of y. kLog is refused for series with negative values.
  Transform transform = Transform::kNone;

  //! Yearly seasonality; kAuto turns it on with at least 24 months of history (as Prophet).
  Toggle yearly = Toggle::kAuto;
  //! Fourier order of the yearly term; 1 .. 6 with month phases (6 = any 12-month pattern; the
  //! order-6 sine vanishes at whole months and is dropped), 1 .. 20 with day_phase.
  int fourier_order = 6;
  //! Prophet's phase: Fourier terms of (days since epoch) / 365.25 at each month's first day,
  //! instead of month-of-year / 12. Only for reproducing Prophet's behaviour on monthly data.
  bool day_phase = false;

  //! Potential changepoints; -1 = automatic: one per `months_per_changepoint` of the fitted range,
  //! at most 25 (Prophet: 25 always, fewer only when the history is shorter). >= -1.
  int changepoints = -1;
  //! With changepoints = -1: months of history per potential changepoint; >= 1.
  int months_per_changepoint = 12;
  //! Share of the history, from its start, where changepoints may lie; 0 < range <= 1.
  double changepoint_range = 0.8;
  //! Scale of the Laplace prior on rate changes (scaled y per unit scaled time); > 0.
  double changepoint_prior_scale = 0.05;
  //! Standard deviation of the Gaussian prior on Fourier coefficients (scaled y); > 0.
  double seasonality_prior_scale = 10.0;
  //! Per-month damping of the trend's rate beyond the data (Gardner & McKenzie 1985):
  //! the rate h months ahead is phi^h times the last rate. 1 = Prophet's straight line; 0 < phi <= 1.
  double trend_damping = 0.95;
  //! Half-life in months of the likelihood weights 0.5^(age / half_life) (discounted
  //! likelihood, as in exponential smoothing); 0 = every month weighs 1 (Prophet). >= 0.
  double recency_half_life = 0.0;
  //! Half-life in months of the weights that estimate the yearly pattern when it is longer than
  //! the trend's (recency_half_life or a member's half-life): the season is taken from a fit with
  //! this half-life and held fixed while level and trend are fitted with their own (shorter)
  //! weights, as exponential smoothing smooths level and season separately. 0 = one weighting
  //! for everything (the same fit). Linear additive / log variants only. >= 0.
  double seasonal_half_life = 0.0;
  //! Months whose mean residual (on the model's scale) is added to the forecast's level, so the
  //! forecast starts from where the last months actually were; 0 = off. 0 .. 24.
  int level_correction_months = 0;
  //! Rounds of Huber reweighting (threshold 1.345 predictive sigmas) after the least-squares
  //! fit, so single outlying months do not bend trend and season; 0 = plain least squares.
  //! Linear additive / log variants only. 0 .. 5.
  int robust_rounds = 0;
  //! Width eps of the smooth Laplace prior |d| ~ sqrt(d^2 + eps^2) - eps (scaled rate units); > 0.
  double laplace_smoothing = 1e-3;

  //! Intervals with the noise scale corrected for residual degrees of freedom and the fitted
  //! parameters' uncertainty added (linear additive variants); false = Prophet's procedure (MAP
  //! sigma, trend-change simulation only), whose monthly intervals are too narrow.
  bool calibrated_intervals = true;
  //! Calibration of the simulated intervals by horizon: the distance from the point forecast to
  //! each bound h months ahead is multiplied by interval_scale_h1 + interval_scale_slope * (h - 1)
  //! (floored at 0.1). 1 and 0 leave the simulated quantiles as they are. > 0.
  //! Default learned on the tourism validation folds (scripts/bench/studies/forecast_calibration.py).
  double interval_scale_h1 = 0.90;
  //! Change of that multiplier per month of horizon (see interval_scale_h1); any finite value.
  double interval_scale_slope = 0.017;
  //! Simulated paths count the damping as uncertain: each path's trend lies a uniform share of
  //! the way from the damped to the undamped continuation of the last fitted rate (linear
  //! growth with trend_damping < 1 only).
  bool damping_spread = true;
  //! How variants are used; kFixed fits exactly the options above.
  Selection selection = Selection::kAverage;
  //! The variants of kAverage and kValidation: each of these half-lives (months; 0 = equal
  //! weights) in place of recency_half_life, each on y and on log y (the log only for series
  //! without negatives). Chosen on the tourism training parts (docs/forecasting.md).
  std::vector<double> variant_half_lives = {9, 18, 36};
  //! How Selection::kAverage combines its members. The leave-one-out best half was chosen by
  //! rolling-origin validation folds on the tourism training parts (docs/forecasting.md).
  Combination combination = Combination::kLeaveOneOutBestHalf;
  //! Rolling origins used by Selection::kValidation (the last ones of the history); 1 .. 12.
  int validation_origins = 3;
  //! Months between validation origins; 1 .. 24.
  int validation_step = 6;
  //! Months forecast from each validation origin (at most `horizon`); 1 .. 36.
  int validation_horizon = 12;
  //! Weight of the Theta method (Assimakopoulos & Nikolopoulos 2000: exponential smoothing with
  //! half the least-squares drift, on the seasonally adjusted series) in the future point
  //! forecasts; the rest goes to the additive model's combination. Its level adapts to the last
  //! months where the additive model's fitted level lags. Linear growth only; 0 = off. 0 .. 1.
  //! Chosen on rolling-origin folds of the tourism and M1 training parts (docs/forecasting.md).
  double theta_weight = 0.4;
  //! Intervals that calibrate themselves (ForecastAll and Backtest): every series is first
  //! forecast from this many earlier origins, `calibration_step` months apart, the last one
  //! `horizon` months before its end; the split-conformal factor of those forecasts' misses
  //! (pooled over the run's series; per month ahead where each month has at least
  //! `calibration_points_per_horizon` points) multiplies interval_scale_h1/slope. With fewer than
  //! 30 points the fixed multiplier stays, and SeriesForecast::intervals says so. 0 = off. 0 .. 12.
  int calibration_origins = 2;
  //! Months between calibration origins; 1 .. 24.
  int calibration_step = 6;
  //! Simulated paths of each calibration forecast. Only the distance from forecast to bound is
  //! kept from them, and the factor pools thousands of such distances, so a quarter of `samples`
  //! sizes the intervals as well at a quarter of the simulation's cost (docs/forecasting.md);
  //! at most `samples`. 20 .. 100000.
  int calibration_samples = 250;
  //! Points per month ahead needed for a factor per month ahead instead of one pooled factor; >= 30.
  int calibration_points_per_horizon = 200;
  //! Clamp forecasts and bounds at 0 when the history has no negative value.
  bool nonnegative = true;
  //! Threads for ForecastAll; 0 = all cores.
  int threads = 0;

  //! Prophet 1.0's defaults as R's prophet() applies them to monthly data: 25 changepoints,
  //! order-10 yearly term on day phases, no damping, no variant selection.
  static ForecastOptions Prophet();
  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

//! One month of output: history (fitted) or future (forecast).
struct ForecastPoint {
  MonthIndex month = 0;
  double yhat = 0.0;        //!< point forecast (fitted value in history), units of y
  double yhat_lower = 0.0;  //!< lower bound of the central `interval`
  double yhat_upper = 0.0;  //!< upper bound
  double trend = 0.0;       //!< g(t) in units of y (with kLog: exp(g) - shift)
  double seasonal = 0.0;    //!< yhat - trend
  bool is_history = false;  //!< true for months the model was fitted on
  double actual = 0.0;      //!< observed value; NaN when unknown (future, missing month)
};

//! Fitted parameters on the model's scale (y / y_scale, after the transform; t in [0, 1]).
struct FittedParameters {
  std::string variant;                  //!< name of the chosen variant ("additive", "log", ...)
  Transform transform = Transform::kNone;
  SeasonalityMode seasonality_mode = SeasonalityMode::kAdditive;
  Growth growth = Growth::kLinear;
  double y_scale = 1.0;                 //!< divisor applied to y (max |y|)
  double shift = 0.0;                   //!< added to y / y_scale before the log (kLog only)
  double k = 0.0;                       //!< initial growth rate
  double m = 0.0;                       //!< offset
  std::vector<MonthIndex> changepoint_months;  //!< calendar month of each potential changepoint
  std::vector<double> changepoint_t;    //!< their scaled times in (0, 1)
  std::vector<double> delta;            //!< rate change at each changepoint
  std::vector<double> beta;             //!< Fourier coefficients: sin1, cos1, sin2, cos2, ...
  int fourier_order = 0;                //!< 0 when seasonality is off
  double sigma = 0.0;                   //!< noise standard deviation (scaled units)
  double trend_damping = 1.0;           //!< phi used beyond the data
  double recency_half_life = 0.0;       //!< months; 0 = equal likelihood weights
  double history_months = 0;            //!< months spanned by t in [0, 1] plus one
};

//! The forecast of one series.
struct SeriesForecast {
  std::string series_id;
  std::vector<ForecastPoint> points;     //!< history months then `horizon` future months
  //! The fitted model; with Selection::kAverage the first member, variant "median(a+b+...)"
  //! (or "average(...)", "best_half(...)" per ForecastOptions::combination).
  FittedParameters parameters;
  //! Every fitted member (one unless Selection::kAverage).
  std::vector<FittedParameters> members;
  bool converged = false;                //!< the final fit met Ceres's convergence tests
  int iterations = 0;                    //!< solver iterations of the final fit, all sigma rounds
  std::string message;                   //!< why the fit is degenerate, empty when fine
  std::optional<PartialMonth> partial;   //!< the short final month left out of the fit
  //! Validation error (mean sMAPE over origins) of each candidate variant, when selected; with
  //! Combination::kLeaveOneOutBestHalf each member's leave-one-out sMAPE (names end in "_loo").
  std::vector<std::pair<std::string, double>> validation;
  //! How the intervals were sized: "self-calibrated ..." with the factors and point count, or
  //! "fixed multiplier" and why.
  std::string intervals;
};

//! The segment a forecast series stands for, from its id: the stable id of "segment_<id>",
//! kTotalSeries for "total", kExistingSeries for "existing" (every customer known at the as-of
//! date) and kNewSeries for "new" (customers not yet acquired). Throws InvalidArgument otherwise.
inline constexpr int32_t kTotalSeries = -1, kExistingSeries = -2, kNewSeries = -3;
int32_t SeriesSegment(const std::string& series_id);
//! The inverse of SeriesSegment.
std::string SeriesIdOfSegment(int32_t segment);

//! Fits and forecasts one series. Series with fewer than 3 finite values get a flat forecast at
//! the last value and a message. Throws InvalidArgument for bad options.
SeriesForecast ForecastSeries(const MonthlySeries& series, const ForecastOptions& options);

//! ForecastSeries over many series in parallel (OpenMP, options.threads); output order = input.
std::vector<SeriesForecast> ForecastAll(const std::vector<MonthlySeries>& series,
                                        const ForecastOptions& options);

//! Writes forecast.csv: series,month,yhat,yhat_lower,yhat_upper,trend,seasonal,is_history,actual
//! (month "YYYY-MM", actual empty when unknown). Throws InputError if the file cannot be written.
void WriteForecastCsv(const std::string& path, const std::vector<SeriesForecast>& forecasts);
//! Writes the same rows as JSON, with each series' partial month and validation scores.
void WriteForecastJson(const std::string& path, const std::vector<SeriesForecast>& forecasts,
                       const ForecastOptions& options);
//! Writes every series' FittedParameters as JSON.
void WriteParametersJson(const std::string& path, const std::vector<SeriesForecast>& forecasts);

}  // namespace segcast
