// The contract between the forecast stage and the nonlinear-fit module (libsegcast_ceres_fit.so,
// loaded on demand by core/module_loader.h). Only the logistic-growth and multiplicative-
// seasonality variants need the Ceres library (ceres::Problem, ceres::Solve, automatic
// derivatives); the default additive fit uses the header-only ceres::TinySolver. Linking libceres
// into every binary mapped its sparse and LAPACK chain (glog, gflags, CHOLMOD, CXSparse, LAPACK,
// ATLAS, gfortran, METIS, ...), about 5 ms, at the start of every command.
#pragma once

#include "forecast/model_terms.h"

namespace segcast::internal {

inline constexpr const char* kCeresFitModule = "segcast_ceres_fit";
inline constexpr const char* kCeresFitModuleEntry = "segcast_ceres_fit_solve";

//! How one Ceres solve ended.
struct NonlinearSolveSummary {
  int iterations = 0;      //!< Levenberg-Marquardt iterations, as Ceres counts them
  bool converged = false;  //!< Ceres reported CONVERGENCE
};

//! Minimises 1/2 |NonlinearObjective{&data}(theta)|^2 (dense QR Levenberg-Marquardt, automatic
//! derivatives, at most 200 iterations, one thread) starting from and overwriting
//! theta[0 .. parameters), parameters = 2 + changepoints + Fourier columns.
using NonlinearSolveFunction = NonlinearSolveSummary (*)(const NonlinearData& data, double* theta,
                                                         int parameters);

}  // namespace segcast::internal
