// Loads the Ceres module's minimiser on first use (forecast/gradient_minimize_module.h).
#include "core/module_loader.h"
#include "forecast/gradient_minimize_module.h"
#include "forecast/nonlinear_fit_module.h"

namespace segcast::internal {

MinimizeSummary MinimizeWithCeres(SmoothObjective objective, void* context, double* x, int n) {
  const auto minimize = LoadModuleEntry<ConfigError, GradientMinimizeFunction>(
      kCeresFitModule, kCeresMinimizeEntry,
      "libsegcast_ceres_fit.so beside the segcast executable (build the segcast_ceres_fit "
      "target; it needs libceres-dev)");
  return minimize(objective, context, x, n);
}

}  // namespace segcast::internal
