// The contract between maximum-likelihood fits (the customer-base models, predict/) and the
// second entry point of the Ceres module (libsegcast_ceres_fit.so): Ceres' line-search minimiser
// (ceres::GradientProblemSolver, BFGS) over a smooth objective with an analytic gradient. The
// objective stays in the caller's library and is handed over as a function pointer and context, so
// the module holds only the Ceres call and the library is mapped only by commands that fit.
#pragma once

namespace segcast::internal {

inline constexpr const char* kCeresMinimizeEntry = "segcast_ceres_minimize";

//! Writes f(x) to *cost and, when gradient is not null, df/dx to gradient[0 .. n). Returns false
//! where f is not defined (the line search then steps back).
using SmoothObjective = bool (*)(const double* x, double* cost, double* gradient, void* context);

//! How one minimisation ended.
struct MinimizeSummary {
  int iterations = 0;      //!< line-search iterations, as Ceres counts them
  bool converged = false;  //!< Ceres reported CONVERGENCE
  double cost = 0;         //!< f at the returned x
};

//! Minimises objective over x[0 .. n) from and into x: BFGS, at most 500 iterations, gradient
//! tolerance 1e-10, function tolerance 1e-12.
using GradientMinimizeFunction = MinimizeSummary (*)(SmoothObjective objective, void* context,
                                                     double* x, int n);

//! Loads the module's entry point (ConfigError naming every path tried when missing) and
//! minimises.
MinimizeSummary MinimizeWithCeres(SmoothObjective objective, void* context, double* x, int n);

}  // namespace segcast::internal
