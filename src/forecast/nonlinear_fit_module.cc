// One Ceres solve of the nonlinear objective, built as the loadable module
// libsegcast_ceres_fit.so (forecast/nonlinear_fit_module.h).
#include <ceres/ceres.h>

#include <type_traits>

#include "forecast/nonlinear_fit_module.h"

// The module's only exported symbol (everything else is hidden).
extern "C" __attribute__((visibility("default"))) segcast::internal::NonlinearSolveSummary
segcast_ceres_fit_solve(const segcast::internal::NonlinearData& data, double* theta,
                        int parameters) {
  using segcast::internal::NonlinearObjective;
  static_assert(std::is_same_v<decltype(&segcast_ceres_fit_solve),
                               segcast::internal::NonlinearSolveFunction>);
  ceres::Problem::Options problem_options;
  problem_options.cost_function_ownership = ceres::TAKE_OWNERSHIP;
  ceres::Problem problem(problem_options);
  auto* cost =
      new ceres::DynamicAutoDiffCostFunction<NonlinearObjective, 8>(new NonlinearObjective{&data});
  cost->AddParameterBlock(parameters);
  cost->SetNumResiduals(NonlinearObjective{&data}.residuals());
  problem.AddResidualBlock(cost, nullptr, theta);
  ceres::Solver::Options options;
  options.linear_solver_type = ceres::DENSE_QR;
  options.max_num_iterations = 200;
  options.logging_type = ceres::SILENT;
  options.num_threads = 1;
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  return {static_cast<int>(summary.iterations.size()),
          summary.termination_type == ceres::CONVERGENCE};
}
