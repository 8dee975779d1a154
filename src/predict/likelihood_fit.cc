#include "predict/likelihood_fit.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "forecast/gradient_minimize_module.h"

namespace segcast::internal {
namespace {

// The minimiser sees -LL / customers: values near 1 whatever the number of customers.
bool MeanNegativeLogLikelihood(const double* x, double* cost, double* gradient, void* context) {
  const auto& likelihood = *static_cast<const LogLikelihood*>(context);
  const double scale = -1.0 / likelihood.customers();
  const double value = likelihood.Evaluate(x, gradient);
  if (!std::isfinite(value)) return false;
  *cost = scale * value;
  if (gradient != nullptr) {
    for (int index = 0; index < likelihood.parameters(); ++index) {
      gradient[index] *= scale;
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
  const MinimizeSummary summary = MinimizeWithCeres(
      &MeanNegativeLogLikelihood, const_cast<LogLikelihood*>(&likelihood), log_parameters.data(), n);
  LikelihoodFit fit;
  fit.customers = static_cast<int>(likelihood.customers());
  fit.iterations = summary.iterations;
  fit.converged = summary.converged;
  fit.log_likelihood = likelihood.Evaluate(log_parameters.data(), nullptr);

  const Eigen::MatrixXd information = ObservedInformation(likelihood, log_parameters);
  const Eigen::LDLT<Eigen::MatrixXd> factor(information);
  const bool invertible = factor.info() == Eigen::Success && factor.isPositive() &&
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
