// MAP fit: sigma and theta are optimised in turn (each step lowers the same posterior), theta by
// Ceres, sigma in closed form. Warm starts carry theta from one sigma round (or one validation
// fit) to the next.
#include <ceres/tiny_solver.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/module_loader.h"
#include "forecast/model.h"
#include "forecast/model_terms.h"
#include "forecast/nonlinear_fit_module.h"
#include "segcast/error.h"

namespace segcast::internal {
namespace {

constexpr double kTrendPriorScale = 5.0;  // Prophet: k, m ~ N(0, 5)
constexpr double kSigmaPriorScale = 0.5;  // Prophet: sigma ~ half-normal(0, 0.5)
constexpr int kMaxSigmaRounds = 8;
constexpr int kLeaveOneOutMonths = 24;
constexpr int kMaxMajorizeSweeps = 30;
constexpr double kMajorizeTolerance = 1e-5;
constexpr double kRelativeCostTolerance = 1e-5;

// Minimiser over sigma of n log sigma + A / (2 sigma^2) + sigma^2 / (2 * 0.5^2): the positive
// root of sigma^4 / 0.25 + n sigma^2 - A = 0.
double SigmaGivenResiduals(double sum_squares, double n) {
  const double a = 1.0 / (kSigmaPriorScale * kSigmaPriorScale);
  const double s2 = (-n + std::sqrt(n * n + 4.0 * a * sum_squares)) / (2.0 * a);
  return std::sqrt(std::max(s2, 1e-16));
}

std::vector<double> InitialTheta(const ScaledHistory& history, const Design& design,
                                 const ModelSpec& spec) {
  std::vector<double> theta(design.parameters(), 0.0);
  int first = -1, last = -1;
  for (int month = 0; month < history.n; ++month)
    if (std::isfinite(history.z[month])) {
      if (first < 0) first = month;
      last = month;
    }
  const double t0 = first * design.dt, t1 = last * design.dt;
  const double z0 = history.z[first], z1 = history.z[last];
  if (spec.growth == Growth::kLogistic) {
    // Prophet's logistic initialisation: the logistic through the first and last points.
    const double c = std::max(history.cap, 1e-9);
    const double r0 = std::clamp(z0 / c, 0.01, 0.99), r1 = std::clamp(z1 / c, 0.01, 0.99);
    const double l0 = std::log(1.0 / r0 - 1.0), l1 = std::log(1.0 / r1 - 1.0);
    double k = t1 > t0 ? (l0 - l1) / (t1 - t0) : 1.0;
    if (std::fabs(k) < 1e-3) k = 1.0;
    theta[0] = k;
    theta[1] = l0 / k + t0;
  } else {
    theta[0] = t1 > t0 ? (z1 - z0) / (t1 - t0) : 0.0;
    theta[1] = z0 - theta[0] * t0;
  }
  return theta;
}

void LinearRow(const Design& design, MonthIndex first_month, int month, double* row,
               std::vector<double>& scratch) {
  const double t = month * design.dt;
  row[0] = t;
  row[1] = 1.0;
  const int S = static_cast<int>(design.changepoint_t.size());
  for (int j = 0; j < S; ++j) row[2 + j] = std::max(0.0, t - design.changepoint_t[j]);
  if (design.fourier_order > 0) {
    const double* features = design.Fourier(first_month + month, scratch);
    std::copy_n(features, design.fourier_columns, row + 2 + S);
  }
}

// The weighted least-squares statistics of the linear model: X'WX, X'W^2X, X'Wz and z'Wz.
struct WeightedGrams {
  Eigen::MatrixXd gram, gram_squared_weights;
  Eigen::VectorXd moment;
  double zz = 0.0;
};

// From the design's structure (gram.cc) with month-of-year Fourier features: every later step
// costs O(p^2) or O(p^3) whatever the series length.
WeightedGrams StructuredGrams(const ScaledHistory& history, const Design& design) {
  WeightedGrams grams;
  std::vector<double> weight(history.n, 0.0), squared(history.n, 0.0);
  for (int month = 0; month < history.n; ++month)
    if (std::isfinite(history.z[month])) {
      weight[month] = history.weight[month];
      squared[month] = weight[month] * weight[month];
      grams.zz += weight[month] * history.z[month] * history.z[month];
    }
  StructuredGram(design, history.first_month, weight, grams.gram);
  StructuredGram(design, history.first_month, squared, grams.gram_squared_weights);
  StructuredMoment(design, history.first_month, weight, history.z, grams.moment);
  return grams;
}

// By blocked dense products of the design rows (Prophet's day phases).
WeightedGrams DenseGrams(const ScaledHistory& history, const Design& design) {
  const int p = design.parameters();
  Eigen::MatrixXd rows(history.finite, p);
  Eigen::VectorXd z(history.finite), w(history.finite);
  std::vector<double> scratch;
  Eigen::VectorXd row(p);
  for (int month = 0, r = 0; month < history.n; ++month) {
    if (!std::isfinite(history.z[month])) continue;
    LinearRow(design, history.first_month, month, row.data(), scratch);
    rows.row(r) = row.transpose();
    z[r] = history.z[month];
    w[r] = history.weight[month];
    ++r;
  }
  const Eigen::MatrixXd root_weighted = rows.array().colwise() * w.array().sqrt();
  const Eigen::MatrixXd weighted = rows.array().colwise() * w.array();
  WeightedGrams grams;
  grams.gram = Eigen::MatrixXd::Zero(p, p);
  grams.gram.selfadjointView<Eigen::Lower>().rankUpdate(root_weighted.transpose());
  grams.gram.triangularView<Eigen::StrictlyUpper>() = grams.gram.transpose();
  grams.gram_squared_weights = Eigen::MatrixXd::Zero(p, p);
  grams.gram_squared_weights.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
  grams.gram_squared_weights.triangularView<Eigen::StrictlyUpper>() =
      grams.gram_squared_weights.transpose();
  grams.moment = weighted.transpose() * z;
  grams.zz = z.dot(w.cwiseProduct(z));
  return grams;
}

// The negative log posterior of the linear model in (theta, sigma), up to a constant: weighted
// Gaussian likelihood, Gaussian priors on trend and season, Laplace (smoothed) on rate changes,
// half-normal on sigma.
class LinearPosterior {
 public:
  LinearPosterior(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                  WeightedGrams grams)
      : grams_(std::move(grams)),
        weight_sum_(history.weight_sum),
        first_delta_(2),
        deltas_(static_cast<int>(design.changepoint_t.size())),
        tau_(spec.changepoint_prior_scale),
        eps_(spec.laplace_smoothing),
        precision_(Eigen::VectorXd::Zero(design.parameters())) {
    precision_[0] = precision_[1] = 1.0 / (kTrendPriorScale * kTrendPriorScale);
    for (int column = design.first_beta(); column < design.parameters(); ++column)
      precision_[column] = 1.0 / (spec.seasonality_prior_scale * spec.seasonality_prior_scale);
    // Rate changes carry only the Laplace prior; a tiny ridge keeps the Cholesky factor defined
    // when two changepoints see the same data.
    jitter_ = 1e-10 * (1.0 + grams_.gram.diagonal().maxCoeff());
  }

  double SumSquares(const Eigen::VectorXd& value) const {
    return std::max(0.0, value.dot(grams_.gram * value) - 2.0 * value.dot(grams_.moment) + grams_.zz);
  }

  double Value(const Eigen::VectorXd& value, double sigma) const {
    double laplace = 0.0;
    for (int j = 0; j < deltas_; ++j) {
      const double delta = value[first_delta_ + j];
      laplace += std::sqrt(delta * delta + eps_ * eps_) - eps_;
    }
    return weight_sum_ * std::log(sigma) + SumSquares(value) / (2.0 * sigma * sigma) +
           0.5 * value.dot(precision_.cwiseProduct(value)) + laplace / tau_ +
           sigma * sigma / (2.0 * kSigmaPriorScale * kSigmaPriorScale);
  }

  double SigmaAt(const Eigen::VectorXd& value) const {
    return SigmaGivenResiduals(SumSquares(value), weight_sum_);
  }

  // X'WX plus the Gaussian priors at this sigma (and the jitter).
  Eigen::MatrixXd RegularisedGram(double sigma) const {
    Eigen::MatrixXd system = grams_.gram;
    system.diagonal() += sigma * sigma * precision_;
    system.diagonal().array() += jitter_;
    return system;
  }

  // The ridge system whose quadratic touches every smoothed Laplace term at `value`.
  Eigen::MatrixXd MajorisingSystem(const Eigen::VectorXd& value, double sigma) const {
    Eigen::MatrixXd system = grams_.gram;
    system.diagonal() += sigma * sigma * precision_;
    const double lambda = sigma * sigma / tau_;
    for (int j = 0; j < deltas_; ++j) {
      const double delta = value[first_delta_ + j];
      system(first_delta_ + j, first_delta_ + j) += lambda / std::sqrt(delta * delta + eps_ * eps_);
    }
    system.diagonal().array() += jitter_;
    return system;
  }

  // 0.5 * (sum of squares + sigma^2 * Gaussian prior terms): the smooth part Ceres minimises.
  double SmoothCost(const Eigen::VectorXd& value, double sigma) const {
    return 0.5 * SumSquares(value) + 0.5 * sigma * sigma * value.dot(precision_.cwiseProduct(value));
  }

  const WeightedGrams& grams() const { return grams_; }
  int first_delta() const { return first_delta_; }
  int deltas() const { return deltas_; }
  double tau() const { return tau_; }
  double eps() const { return eps_; }

 private:
  WeightedGrams grams_;
  double weight_sum_;
  int first_delta_, deltas_;
  double tau_, eps_;
  Eigen::VectorXd precision_;
  double jitter_ = 0.0;
};

// Majorise-minimise pre-solve (Hunter & Lange 2004, "A tutorial on MM algorithms"): each smooth
// Laplace term is bounded above by the quadratic touching it at the current delta, so every sweep
// is one ridge solve and the posterior never increases; sigma is updated in closed form in the
// same sweep. A cold start's first sweep (all delta = 0) is the Gaussian-prior fit.
void MajoriseMinimise(const LinearPosterior& posterior, bool warm_start, Eigen::VectorXd& x,
                        double& sigma) {
  double previous = posterior.Value(x, sigma);
  for (int sweep = 0; sweep < kMaxMajorizeSweeps; ++sweep) {
    x = posterior.MajorisingSystem(x, sigma).llt().solve(posterior.grams().moment);
    sigma = posterior.SigmaAt(x);
    const double current = posterior.Value(x, sigma);
    const bool settled = previous - current <= kMajorizeTolerance * (1.0 + std::fabs(current));
    previous = current;
    if (settled && (sweep > 0 || warm_start)) break;
  }
}

// Ceres finishes from the MM point, where Levenberg-Marquardt needs a few iterations; sigma is
// re-solved in closed form between rounds until it settles.
void SolveWithCeres(const LinearPosterior& posterior, double previous_cost, Eigen::VectorXd& x,
                    double& sigma, Fit& fit) {
  CompressedLinearObjective objective;
  objective.first_delta = posterior.first_delta();
  objective.deltas = posterior.deltas();
  objective.eps = posterior.eps();
  ceres::TinySolver<CompressedLinearObjective> solver;
  solver.options.max_num_iterations = 100;
  // The posterior has flat valleys (neighbouring changepoints can trade rate changes), so the
  // stopping rule is on the objective, which is what the forecast depends on.
  solver.options.gradient_tolerance = 1e-10;
  solver.options.parameter_tolerance = 1e-8;
  solver.options.function_tolerance = kRelativeCostTolerance * 2.0 * previous_cost;
  for (int round = 0; round < kMaxSigmaRounds; ++round) {
    Eigen::LLT<Eigen::MatrixXd> cholesky(posterior.RegularisedGram(sigma));
    objective.upper = cholesky.matrixU();
    objective.target = cholesky.matrixL().solve(posterior.grams().moment);
    objective.lambda = sigma * sigma / posterior.tau();
    const auto& summary = solver.Solve(objective, &x);
    fit.iterations += summary.iterations;
    fit.converged = summary.status != decltype(solver)::HIT_MAX_ITERATIONS;
    const double next = posterior.SigmaAt(x);
    const bool settled = std::fabs(next - sigma) <= 1e-3 * sigma;
    sigma = next;
    if (settled) break;
  }
}

// The MAP sigma is the in-sample scatter, which is too small out of sample when the effective
// sample (sum of weights) is not much larger than the parameters the priors leave free; the
// residual degrees of freedom correct it (the hat matrix of the ridge problem that majorises the
// posterior at the optimum). Prophet's MAP intervals also ignore the uncertainty of the fitted
// level, slope and season, which matters when the (weighted) history is short. theta =
// A^-1 X'W z, so with noise variance sigma^2 its covariance is sigma^2 A^-1 X'W^2X A^-1 (the
// sandwich form: the weights discount old months, they do not make them noisier). Kept factored:
// predictions need f' Cov f only. Returns A^-1.
Eigen::MatrixXd PredictiveSpread(const LinearPosterior& posterior, const ScaledHistory& history,
                                 const Eigen::VectorXd& x, double sigma, Fit& fit) {
  const int p = static_cast<int>(x.size());
  const Eigen::MatrixXd inverse =
      posterior.MajorisingSystem(x, sigma).llt().solve(Eigen::MatrixXd::Identity(p, p));
  const WeightedGrams& grams = posterior.grams();
  fit.effective_parameters = inverse.cwiseProduct(grams.gram).sum();  // trace(A^-1 X'WX), both symmetric
  const double residual_df = history.weight_sum - fit.effective_parameters;
  const double sum_squares = posterior.SumSquares(x);
  fit.predictive_sigma = residual_df > 1.0 ? std::sqrt(sum_squares / residual_df)
                                           : std::sqrt(sum_squares / history.weight_sum);
  fit.predictive_sigma = std::max(fit.predictive_sigma, sigma);
  fit.normal_inverse = inverse;
  fit.meat = grams.gram_squared_weights * (fit.predictive_sigma * fit.predictive_sigma);
  return inverse;
}

// Leave-one-out fitted values of the last months without refitting (the PRESS identity of a
// linear smoother, Allen 1974): z_i - e_i / (1 - h_ii), h_ii = w_i x_i' A^-1 x_i, exact for the
// ridge problem that majorises the posterior at the optimum.
std::vector<double> LeaveOneOut(const ScaledHistory& history, const Design& design,
                                const Eigen::MatrixXd& inverse, const Eigen::VectorXd& x) {
  std::vector<double> fitted(history.n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> scratch;
  Eigen::VectorXd row(x.size());
  for (int month = std::max(0, history.n - kLeaveOneOutMonths); month < history.n; ++month) {
    if (!std::isfinite(history.z[month])) continue;
    LinearRow(design, history.first_month, month, row.data(), scratch);
    const double leverage = history.weight[month] * row.dot(inverse * row);
    const double residual = history.z[month] - row.dot(x);
    if (leverage < 1.0) fitted[month] = history.z[month] - residual / (1.0 - leverage);
  }
  return fitted;
}

Fit FitLinear(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
              std::vector<double> theta, bool warm_start) {
  const int p = design.parameters();
  const LinearPosterior posterior(
      history, design, spec,
      HasStructuredGram(design) ? StructuredGrams(history, design) : DenseGrams(history, design));
  Eigen::VectorXd x = Eigen::Map<Eigen::VectorXd>(theta.data(), p);
  double sigma = posterior.SigmaAt(x);
  MajoriseMinimise(posterior, warm_start, x, sigma);
  Fit fit;
  SolveWithCeres(posterior, posterior.SmoothCost(x, sigma), x, sigma, fit);
  fit.theta.assign(x.data(), x.data() + p);
  fit.sigma = sigma;
  const Eigen::MatrixXd inverse = PredictiveSpread(posterior, history, x, sigma, fit);
  fit.leave_one_out = LeaveOneOut(history, design, inverse, x);
  return fit;
}

Fit FitNonlinear(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
                 std::vector<double> theta) {
  NonlinearData data;
  const int F = design.fourier_columns;
  data.fourier.resize(history.finite, F);
  for (int month = 0; month < history.n; ++month) {
    if (!std::isfinite(history.z[month])) continue;
    const int row = static_cast<int>(data.t.size());
    data.t.push_back(month * design.dt);
    data.z.push_back(history.z[month]);
    data.root_weight.push_back(std::sqrt(history.weight[month]));
    if (F > 0) {
      std::vector<double> features(F);
      FourierRow(history.first_month + month, design.fourier_order, design.day_phase, features.data());
      for (int column = 0; column < F; ++column) data.fourier(row, column) = features[column];
    }
  }
  data.changepoints = design.changepoint_t;
  data.logistic = spec.growth == Growth::kLogistic;
  data.multiplicative = spec.mode == SeasonalityMode::kMultiplicative;
  data.cap = history.cap;
  data.eps = spec.laplace_smoothing;
  NonlinearObjective objective{&data};
  const int rows = static_cast<int>(data.t.size());
  auto data_sum_squares = [&](const std::vector<double>& value) {
    std::vector<double> residuals(objective.residuals());
    const double* blocks[] = {value.data()};
    objective(blocks, residuals.data());
    double sum = 0.0;
    for (int row = 0; row < rows; ++row) sum += residuals[row] * residuals[row];
    return sum;
  };
  // The Ceres library (and its sparse/LAPACK chain) is mapped only by runs that reach this
  // variant (forecast/nonlinear_fit_module.h).
  const auto solve = LoadModuleEntry<ConfigError, NonlinearSolveFunction>(
      kCeresFitModule, kCeresFitModuleEntry,
      "libsegcast_ceres_fit.so beside the segcast executable (build the segcast_ceres_fit "
      "target; it needs libceres-dev)");
  Fit fit;
  double sigma = SigmaGivenResiduals(data_sum_squares(theta), history.weight_sum);
  for (int round = 0; round < kMaxSigmaRounds; ++round) {
    data.trend_prior = sigma / kTrendPriorScale;
    data.seasonality_prior = sigma / spec.seasonality_prior_scale;
    data.lambda = sigma * sigma / spec.changepoint_prior_scale;
    const NonlinearSolveSummary summary =
        solve(data, theta.data(), static_cast<int>(theta.size()));
    fit.iterations += summary.iterations;
    fit.converged = summary.converged;
    const double next = SigmaGivenResiduals(data_sum_squares(theta), history.weight_sum);
    const bool settled = std::fabs(next - sigma) <= 1e-3 * sigma;
    sigma = next;
    if (settled) break;
  }
  fit.theta = theta;
  fit.sigma = sigma;
  fit.predictive_sigma = sigma;
  return fit;
}

}  // namespace

Fit FitModel(const ScaledHistory& history, const Design& design, const ModelSpec& spec,
             const std::vector<double>& warm) {
  const bool warm_start = static_cast<int>(warm.size()) == design.parameters();
  std::vector<double> theta = warm_start ? warm : InitialTheta(history, design, spec);
  const bool linear = spec.growth == Growth::kLinear && spec.mode == SeasonalityMode::kAdditive;
  if (!linear) return FitNonlinear(history, design, spec, std::move(theta));
  Fit fit = FitLinear(history, design, spec, std::move(theta), warm_start);
  if (spec.robust_rounds == 0) return fit;
  // Huber's M-estimate by iteratively reweighted least squares (Huber 1964; Holland & Welsch
  // 1977): a month whose residual exceeds kHuber predictive sigmas keeps weight kHuber sigma / |r|,
  // so one outlying month cannot bend trend and season. 1.345 gives 95% efficiency under normal
  // errors. Each round is a warm-started fit on the reweighted likelihood.
  constexpr double kHuber = 1.345;
  const int iterations = fit.iterations;
  ScaledHistory reweighted = history;
  std::vector<double> row(design.parameters()), scratch;
  for (int round = 0; round < spec.robust_rounds; ++round) {
    const double threshold = kHuber * fit.predictive_sigma;
    reweighted.weight_sum = 0.0;
    for (int month = 0; month < history.n; ++month) {
      if (!std::isfinite(history.z[month])) continue;
      LinearRow(design, history.first_month, month, row.data(), scratch);
      double fitted = 0.0;
      for (int column = 0; column < design.parameters(); ++column) fitted += row[column] * fit.theta[column];
      const double residual = std::fabs(history.z[month] - fitted);
      reweighted.weight[month] =
          history.weight[month] * (residual > threshold ? threshold / residual : 1.0);
      reweighted.weight_sum += reweighted.weight[month];
    }
    fit = FitLinear(reweighted, design, spec, fit.theta, true);
  }
  fit.iterations += iterations;
  // The reweighting protects the fitted trend and season from outlying months; it does not make
  // future months less likely to be outlying, so the noise scale of the intervals comes from the
  // residuals under the original weights.
  double sum_squares = 0.0;
  for (int month = 0; month < history.n; ++month) {
    if (!std::isfinite(history.z[month])) continue;
    LinearRow(design, history.first_month, month, row.data(), scratch);
    double fitted = 0.0;
    for (int column = 0; column < design.parameters(); ++column) fitted += row[column] * fit.theta[column];
    sum_squares += history.weight[month] * (history.z[month] - fitted) * (history.z[month] - fitted);
  }
  const double residual_df = history.weight_sum - fit.effective_parameters;
  const double sigma = std::max(fit.sigma, std::sqrt(sum_squares / (residual_df > 1.0 ? residual_df
                                                                                      : history.weight_sum)));
  fit.meat *= (sigma * sigma) / (fit.predictive_sigma * fit.predictive_sigma);
  fit.predictive_sigma = sigma;
  return fit;
}

}  // namespace segcast::internal
