// Ceres' line-search minimiser for smooth objectives, the second entry point of the loadable module
// libsegcast_ceres_fit.so (forecast/gradient_minimize_module.h).
#include <ceres/ceres.h>

#include <type_traits>

#include "forecast/gradient_minimize_module.h"

namespace {

// Adapts the caller's function pointer to the interface Ceres evaluates.
class CallbackFunction final : public ceres::FirstOrderFunction {
 public:
  CallbackFunction(segcast::internal::SmoothObjective objective, void* context, int n)
      : objective_(objective), context_(context), n_(n) {}
  bool Evaluate(const double* x, double* cost, double* gradient) const override {
    return objective_(x, cost, gradient, context_);
  }
  int NumParameters() const override { return n_; }

 private:
  segcast::internal::SmoothObjective objective_;
  void* context_;
  int n_;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) segcast::internal::MinimizeSummary
segcast_ceres_minimize(segcast::internal::SmoothObjective objective, void* context, double* x,
                       int n) {
  static_assert(std::is_same_v<decltype(&segcast_ceres_minimize),
                               segcast::internal::GradientMinimizeFunction>);
  ceres::GradientProblem problem(new CallbackFunction(objective, context, n));
  ceres::GradientProblemSolver::Options options;
  options.line_search_direction_type = ceres::BFGS;
  options.max_num_iterations = 500;
  options.gradient_tolerance = 1e-10;
  options.function_tolerance = 1e-12;
  options.parameter_tolerance = 1e-12;
  options.logging_type = ceres::SILENT;
  ceres::GradientProblemSolver::Summary summary;
  ceres::Solve(options, problem, x, &summary);
  return {static_cast<int>(summary.iterations.size()),
          summary.termination_type == ceres::CONVERGENCE, summary.final_cost};
}
