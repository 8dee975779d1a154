// Maximum likelihood over log-parameters, shared by the BG/NBD and Gamma-Gamma fits: Ceres'
// line-search minimiser on the mean negative log-likelihood, then the observed information from
// central differences of the analytic gradient, for standard errors and the covariance the
// interval simulation draws parameters from.
#pragma once

#include <cmath>
#include <vector>

#include "segcast/customer_base.h"

namespace segcast::internal {

//! A log-likelihood summed over customers, as a function of log-parameters.
class LogLikelihood {
 public:
  virtual ~LogLikelihood() = default;
  //! Number of parameters.
  virtual int parameters() const = 0;
  //! Customers the sum runs over (the objective is divided by it, for conditioning).
  virtual double customers() const = 0;
  //! The log-likelihood at exp(log_parameters); its gradient in log-parameters into `gradient`
  //! when not null. NaN or infinite where undefined.
  virtual double Evaluate(const double* log_parameters, double* gradient) const = 0;
};

//! Maximises `likelihood` from and into `log_parameters`.
LikelihoodFit MaximizeLogLikelihood(const LogLikelihood& likelihood,
                                    std::vector<double>& log_parameters);

//! log(exp(x) + exp(y)) without overflow.
inline double LogAddExp(double x, double y) {
  const double high = x > y ? x : y;
  return high + std::log1p(std::exp((x > y ? y : x) - high));
}

}  // namespace segcast::internal
