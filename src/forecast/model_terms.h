// The model's terms as Ceres functors (private to the forecast stage).
//
// The negative log posterior, multiplied by sigma^2 so that the data term is a plain sum of
// squares, is
//   1/2 sum_i (z_i - yhat_i)^2 + sigma^2 [ k^2/(2*5^2) + m^2/(2*5^2) + sum beta^2/(2 sp^2)
//                                            + sum_j |delta_j| / tau ].
// Ceres minimises 1/2 sum r^2, so the non-smooth |delta| of the Laplace prior is replaced by the
// pseudo-Huber function sqrt(delta^2 + eps^2) - eps (Charbonnier et al. 1997), written as the
// signed residual r = sqrt(2 lambda) delta / sqrt(sqrt(delta^2 + eps^2) + eps), lambda = sigma^2/tau,
// whose square is exactly 2 lambda (sqrt(delta^2 + eps^2) - eps) and which is smooth at 0.
#pragma once

#include <ceres/jet.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <vector>

namespace segcast::internal {

//! Signed smooth Laplace residual (see file comment).
template <typename T>
T SmoothLaplaceResidual(const T& delta, double lambda, double eps) {
  using std::sqrt;
  const T s = sqrt(delta * delta + T(eps * eps));
  return std::sqrt(2.0 * lambda) * delta / sqrt(s + T(eps));
}

//! d/d delta of SmoothLaplaceResidual.
inline double SmoothLaplaceDerivative(double delta, double lambda, double eps) {
  const double s = std::sqrt(delta * delta + eps * eps);
  const double u = s + eps;
  return std::sqrt(2.0 * lambda / u) * (1.0 - delta * delta / (2.0 * s * u));
}

//! The linear-in-parameters objective compressed to p residuals for ceres::TinySolver.
//!
//! For the additive model yhat = X theta, so 1/2 |X theta - z|^2 + Gaussian priors equals
//! 1/2 |U theta - c|^2 + const with U^T U = X^T X + sigma^2 P (Cholesky) and c = U^-T X^T z.
//! The solver then works on (p + S) x p Jacobians whatever the series length.
struct CompressedLinearObjective {
  using Scalar = double;
  enum { NUM_RESIDUALS = Eigen::Dynamic, NUM_PARAMETERS = Eigen::Dynamic };

  Eigen::MatrixXd upper;  //!< U, p x p upper triangular
  Eigen::VectorXd target; //!< c
  int first_delta = 2;
  int deltas = 0;
  double lambda = 0.0;
  double eps = 1e-4;

  int NumResiduals() const { return static_cast<int>(upper.rows()) + deltas; }
  int NumParameters() const { return static_cast<int>(upper.cols()); }

  bool operator()(const double* parameters, double* residuals, double* jacobian) const {
    const int p = NumParameters();
    const int rows = NumResiduals();
    Eigen::Map<const Eigen::VectorXd> theta(parameters, p);
    Eigen::Map<Eigen::VectorXd> r(residuals, rows);
    r.head(p).noalias() = upper.triangularView<Eigen::Upper>() * theta;
    r.head(p) -= target;
    for (int j = 0; j < deltas; ++j)
      r[p + j] = SmoothLaplaceResidual(theta[first_delta + j], lambda, eps);
    if (jacobian != nullptr) {
      Eigen::Map<Eigen::MatrixXd> J(jacobian, rows, p);  // column-major, as TinySolver expects
      J.setZero();
      J.topRows(p) = upper.triangularView<Eigen::Upper>();
      for (int j = 0; j < deltas; ++j)
        J(p + j, first_delta + j) = SmoothLaplaceDerivative(theta[first_delta + j], lambda, eps);
    }
    return true;
  }
};

//! Inputs of the full (uncompressed) objective used when yhat is not linear in theta.
struct NonlinearData {
  std::vector<double> t, z;          //!< finite history rows
  std::vector<double> root_weight;   //!< square roots of the likelihood weights
  Eigen::MatrixXd fourier;           //!< rows x F
  std::vector<double> changepoints;  //!< scaled times
  bool logistic = false;
  bool multiplicative = false;
  double cap = 1.0;
  double trend_prior = 0.0;          //!< sigma / 5
  double seasonality_prior = 0.0;    //!< sigma / seasonality_prior_scale
  double lambda = 0.0, eps = 1e-4;
};

//! Piecewise-logistic trend of Prophet: rate k + sum delta_j after s_j, offsets gamma_j keep it
//! continuous (Taylor & Letham 2017, eq. 3).
template <typename T>
T LogisticAt(double t, double cap, const T& k, const T& m, const std::vector<double>& changepoints,
             const T* deltas) {
  using std::exp;
  T rate = k, offset = m, gamma_sum = T(0.0);
  T k_previous = k;
  for (size_t j = 0; j < changepoints.size(); ++j) {
    const T k_next = k_previous + deltas[j];
    const T gamma = (changepoints[j] - m - gamma_sum) * (1.0 - k_previous / k_next);
    gamma_sum += gamma;
    k_previous = k_next;
    if (t >= changepoints[j]) {
      rate = k_next;
      offset = m + gamma_sum;
    }
  }
  return cap / (1.0 + exp(-rate * (t - offset)));
}

//! Residuals: data rows, then k, m and beta Gaussian priors, then smooth Laplace priors.
struct NonlinearObjective {
  const NonlinearData* data;
  int deltas() const { return static_cast<int>(data->changepoints.size()); }
  int residuals() const {
    return static_cast<int>(data->t.size()) + 2 + static_cast<int>(data->fourier.cols()) + deltas();
  }
  template <typename T>
  bool operator()(T const* const* parameters, T* residuals) const {
    const T* theta = parameters[0];
    const int S = deltas();
    const int F = static_cast<int>(data->fourier.cols());
    const T* delta = theta + 2;
    const T* beta = theta + 2 + S;
    const int rows = static_cast<int>(data->t.size());
    for (int row = 0; row < rows; ++row) {
      const double t = data->t[row];
      T trend;
      if (data->logistic) {
        trend = LogisticAt(t, data->cap, theta[0], theta[1], data->changepoints, delta);
      } else {
        trend = theta[0] * t + theta[1];
        for (int j = 0; j < S; ++j)
          if (t > data->changepoints[j]) trend += delta[j] * (t - data->changepoints[j]);
      }
      T seasonal = T(0.0);
      for (int column = 0; column < F; ++column) seasonal += beta[column] * data->fourier(row, column);
      const T yhat = data->multiplicative ? trend * (1.0 + seasonal) : trend + seasonal;
      residuals[row] = (yhat - data->z[row]) * data->root_weight[row];
    }
    residuals[rows] = theta[0] * data->trend_prior;
    residuals[rows + 1] = theta[1] * data->trend_prior;
    for (int column = 0; column < F; ++column)
      residuals[rows + 2 + column] = beta[column] * data->seasonality_prior;
    for (int j = 0; j < S; ++j)
      residuals[rows + 2 + F + j] = SmoothLaplaceResidual(delta[j], data->lambda, data->eps);
    return true;
  }
};

}  // namespace segcast::internal
