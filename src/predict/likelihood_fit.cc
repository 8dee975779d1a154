#include "predict/likelihood_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "forecast/gradient_minimize_module.h"

namespace segcast::internal {
namespace {

// On some logs the likelihood has no maximum inside the parameter space: its supremum lies where
// parameters run to 0 or infinity (nobody drops out; one purchase rate for every customer), and
// an unconstrained search follows them to 1e50 and beyond, where log-gamma differences lose every
// digit. The search therefore runs in z with log(parameter) = kBound tanh(z / kBound): the same
// answer inside the box |log parameter| < kBound, and a stop at its edge on the way to a limit,
// where the likelihood is already at its supremum to many digits.
constexpr double kBound = 18.0;

double ToLog(double z) { return kBound * std::tanh(z / kBound); }
double FromLog(double log_parameter) {
  return kBound * std::atanh(std::clamp(log_parameter / kBound, -0.999999, 0.999999));
}

// The minimiser sees -LL / customers in z: values near 1 whatever the number of customers.
bool MeanNegativeLogLikelihood(const double* z, double* cost, double* gradient, void* context) {
  const auto& likelihood = *static_cast<const LogLikelihood*>(context);
  const int n = likelihood.parameters();
  std::vector<double> log_parameters(n);
  for (int index = 0; index < n; ++index) log_parameters[index] = ToLog(z[index]);
  const double scale = -1.0 / likelihood.customers();
  const double value = likelihood.Evaluate(log_parameters.data(), gradient);
  if (!std::isfinite(value)) return false;
  *cost = scale * value;
  if (gradient != nullptr) {
    for (int index = 0; index < n; ++index) {
      const double slope = 1 - std::pow(std::tanh(z[index] / kBound), 2);
      gradient[index] *= scale * slope;
      if (!std::isfinite(gradient[index])) return false;
    }
  }
  return true;
}

// Observed information in log-parameters: minus the Hessian of LL, by central differences of the
// analytic gradient (step 1e-5 in log units), made symmetric.
Eigen::MatrixXd ObservedInformation(const LogLikelihood& likelihood,
                                    const std::vector<double>& at) {
  const int n = likelihood.parameters();
  constexpr double kStep = 1e-5;
  Eigen::MatrixXd hessian(n, n);
  std::vector<double> point = at, up(n), down(n);
  for (int column = 0; column < n; ++column) {
    point[column] = at[column] + kStep;
    likelihood.Evaluate(point.data(), up.data());
    point[column] = at[column] - kStep;
    likelihood.Evaluate(point.data(), down.data());
    point[column] = at[column];
    for (int row = 0; row < n; ++row) hessian(row, column) = (up[row] - down[row]) / (2 * kStep);
  }
  return -0.5 * (hessian + hessian.transpose());
}

}  // namespace

LikelihoodFit MaximizeLogLikelihood(const LogLikelihood& likelihood,
                                    std::vector<double>& log_parameters) {
  const int n = likelihood.parameters();
  std::vector<double> z(n);
  for (int index = 0; index < n; ++index) z[index] = FromLog(log_parameters[index]);
  const MinimizeSummary summary = MinimizeWithCeres(
      &MeanNegativeLogLikelihood, const_cast<LogLikelihood*>(&likelihood), z.data(), n);
  for (int index = 0; index < n; ++index) log_parameters[index] = ToLog(z[index]);
  LikelihoodFit fit;
  fit.customers = static_cast<int>(likelihood.customers());
  fit.iterations = summary.iterations;
  fit.converged = summary.converged;
  fit.log_likelihood = likelihood.Evaluate(log_parameters.data(), nullptr);
  for (int index = 0; index < n; ++index) {
    fit.at_limit = fit.at_limit || std::fabs(log_parameters[index]) > kBound - 1;
  }

  const Eigen::MatrixXd information = ObservedInformation(likelihood, log_parameters);
  const Eigen::LDLT<Eigen::MatrixXd> factor(information);
  const bool invertible = !fit.at_limit && factor.info() == Eigen::Success && factor.isPositive() &&
                          factor.vectorD().minCoeff() > 0;
  fit.log_covariance.assign(static_cast<size_t>(n) * n, std::numeric_limits<double>::quiet_NaN());
  fit.standard_errors.assign(n, std::numeric_limits<double>::quiet_NaN());
  if (invertible) {
    const Eigen::MatrixXd covariance = factor.solve(Eigen::MatrixXd::Identity(n, n));
    for (int row = 0; row < n; ++row) {
      for (int column = 0; column < n; ++column) {
        fit.log_covariance[static_cast<size_t>(row) * n + column] = covariance(row, column);
      }
      // Delta method: se(p) = p * se(log p).
      fit.standard_errors[row] = std::exp(log_parameters[row]) * std::sqrt(covariance(row, row));
    }
  }
  return fit;
}

}  // namespace segcast::internal
