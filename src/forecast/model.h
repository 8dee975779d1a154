// Internal pieces of the additive model shared by fit, prediction, intervals and selection.
//
// Parameter vector layout (scaled units): [k, m, delta_1 .. delta_S, beta_1 .. beta_F].
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/forecast.h"

namespace segcast::internal {

//! One fully resolved model variant (what ForecastOptions leaves open is decided here).
struct ModelSpec {
  std::string name = "additive";
  Growth growth = Growth::kLinear;
  SeasonalityMode mode = SeasonalityMode::kAdditive;
  Transform transform = Transform::kNone;
  Toggle yearly = Toggle::kAuto;
  int fourier_order = 6;
  bool day_phase = false;
  int changepoints = -1;
  int months_per_changepoint = 12;
  double changepoint_range = 0.8;
  double changepoint_prior_scale = 0.05;
  double seasonality_prior_scale = 10.0;
  double trend_damping = 1.0;
  double laplace_smoothing = 1e-3;
  double cap = 0.0;  //!< in units of y
  double recency_half_life = 0.0;  //!< months; 0 = equal weights
  double seasonal_half_life = 0.0;  //!< months; used when longer than recency_half_life
  int level_correction_months = 0;  //!< 0 = off
  bool damping_spread = false;  //!< paths spread between the damped and undamped trend
  int robust_rounds = 0;  //!< Huber reweighting rounds after the least-squares fit; 0 = off
  bool calibrated_intervals = true;
};

ModelSpec SpecFromOptions(const ForecastOptions& options);

//! The history on the model's scale.
struct ScaledHistory {
  MonthIndex first_month = 0;
  int n = 0;                   //!< months, including missing ones
  std::vector<double> z;       //!< transformed, scaled values; NaN = missing
  double y_scale = 1.0;
  double shift = 0.0;
  double cap = 0.0;            //!< scaled capacity (logistic)
  bool has_negative = false;
  int finite = 0;              //!< non-missing months
  std::vector<double> weight;  //!< likelihood weight per month (1 without recency weighting)
  double weight_sum = 0.0;     //!< sum of weights over non-missing months
};

//! Scales (and transforms) values; y_scale = max |y| (1 when all zero).
ScaledHistory ScaleHistory(const std::vector<double>& values, MonthIndex first_month,
                           const ModelSpec& spec);
//! Inverse of the transform and scaling for one model-scale value.
double Unscale(double z, const ScaledHistory& history, const ModelSpec& spec);

//! Time grid, changepoints and Fourier columns of one fit.
struct Design {
  int n = 0;                       //!< history months; t = month / (n - 1)
  double dt = 1.0;                 //!< scaled time per month
  std::vector<double> changepoint_t;
  std::vector<int> changepoint_index;  //!< history month of each changepoint
  int fourier_order = 0;
  int fourier_columns = 0;
  bool day_phase = false;
  //! With month phases: the Fourier row of each month of the year (12 x fourier_columns).
  std::vector<double> fourier_table;
  //! Fourier features of a calendar month: a row of fourier_table, or computed (day phases).
  const double* Fourier(MonthIndex month, std::vector<double>& scratch) const;
  int parameters() const { return 2 + static_cast<int>(changepoint_t.size()) + fourier_columns; }
  int first_beta() const { return 2 + static_cast<int>(changepoint_t.size()); }
};

Design MakeDesign(const ScaledHistory& history, const ModelSpec& spec);

//! Writes the Fourier features of a calendar month (sin1, cos1, sin2, ...) into `out`.
void FourierRow(MonthIndex month, int order, bool day_phase, double* out);
int FourierColumns(int order, bool day_phase);

//! True when the design's Gram matrices can be built from its structure (month-phase Fourier
//! features or none); Prophet's day phases need the dense product.
bool HasStructuredGram(const Design& design);
//! X'VX of the linear additive design for per-month weights `weight` (0 for missing months), in
//! O(n + p^2) without forming X (gram.cc). Requires HasStructuredGram(design).
void StructuredGram(const Design& design, MonthIndex first_month, const std::vector<double>& weight,
                    Eigen::MatrixXd& gram);
//! X'Vz for the same design; months with weight 0 are skipped (their z may be NaN).
void StructuredMoment(const Design& design, MonthIndex first_month, const std::vector<double>& weight,
                      const std::vector<double>& z, Eigen::VectorXd& moment);

//! MAP estimate and how the solver ended.
struct Fit {
  std::vector<double> theta;
  double sigma = 0.0;
  //! Noise scale for simulated paths: the weighted residual variance divided by the residual
  //! degrees of freedom (sum of weights - trace of the hat matrix); sigma when not available.
  double predictive_sigma = 0.0;
  double effective_parameters = 0.0;  //!< trace of the hat matrix
  //! Covariance of theta in sandwich form B M B with B = normal_inverse (inverse of the
  //! majorising normal matrix A) and M = meat (predictive_sigma^2 X'W^2X); empty for the
  //! nonlinear variants.
  Eigen::MatrixXd normal_inverse, meat;
  //! Leave-one-out fitted values (model scale) of the last 24 history months, NaN elsewhere and
  //! for the nonlinear variants.
  std::vector<double> leave_one_out;
  bool converged = false;
  int iterations = 0;
};

//! Fits by MAP. `warm` (same layout) is the starting point when non-empty.
Fit FitModel(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
             const std::vector<double>& warm = {});

//! Trend and seasonal parts on the model scale for months 0 .. n + horizon - 1 of the grid.
struct Components {
  std::vector<double> trend, seasonal, yhat;  //!< yhat combines them per the mode
};
Components Predict(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                   const Fit& fit, int horizon);

//! Piecewise-logistic trend at times t (Prophet's continuity offsets gamma).
double LogisticTrend(double t, double cap, double k, double m, const std::vector<double>& changepoints,
                     const std::vector<double>& deltas);

//! Prophet's simulation of future paths (trend changes + noise), in units of y: sample s of
//! month h (1-based) goes to paths[(h - 1) * stride + offset + s], s < samples.
void SimulatePaths(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                   const Fit& fit, const Components& components, int horizon, int samples,
                   uint64_t seed, std::vector<double>& paths, int stride, int offset);

//! The low_probability and high_probability quantiles (low <= high) of values[0 .. count), each
//! with linear interpolation between order statistics (numpy's default, which Prophet uses);
//! reorders the values. count >= 1.
void CentralQuantiles(double* values, size_t count, double low_probability, double high_probability,
                      double& low, double& high);

}  // namespace segcast::internal
