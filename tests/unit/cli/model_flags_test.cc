// The model flags of `segcast forecast` and `segcast backtest`: those that are run options come
// from RunOptionTable() and set exactly what the same flag of `segcast run` sets; flags given win
// over --preset prophet; a bad value names its flag.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>

#include "cli/forecast_flags.h"
#include "cli/table_flags.h"
#include "segcast/error.h"
#include "segcast/run_option_table.h"

using namespace segcast;
using namespace segcast::cli;

namespace {

// The model options `segcast forecast ARGS` forecasts with.
ForecastOptions ForecastFrom(const std::string& args) {
  CLI::App app;
  ModelFlags flags;
  AddModelFlags(app, flags);
  app.parse(args, false);
  return ResolveModelOptions(app, flags);
}

// The options `segcast run ARGS` runs with.
RunOptions RunFrom(const std::string& args) {
  CLI::App app;
  TableFlags flags;
  AddTableFlags(app, flags);
  app.parse(args, false);
  RunOptions options;
  ApplyTableFlags(flags, options);
  return options;
}

const RunOptionSpec& Spec(const std::string& name) {
  for (const RunOptionSpec& spec : RunOptionTable())
    if (spec.Name() == name) return spec;
  FAIL("no run option " << name);
  throw;
}

// The flag an InvalidArgument of `segcast forecast ARGS` names; "" when none is thrown.
std::string RefusedFlag(const std::string& args) {
  try {
    ForecastFrom(args);
  } catch (const InvalidArgument& error) {
    return error.location().field;
  }
  return "";
}

}  // namespace

TEST_CASE("each model flag of segcast forecast sets what the same flag of segcast run sets") {
  // A valid value other than the default for each; a new entry of ModelTableOptions() needs one.
  const std::map<std::string, std::string> values = {{"forecast.horizon", "7"},
                                                     {"forecast.interval", "0.9"},
                                                     {"forecast.interval_scale", "1.5"},
                                                     {"forecast.samples", "500"},
                                                     {"forecast.theta_weight", "0.25"},
                                                     {"forecast.calibration_origins", "4"},
                                                     {"forecast.calibration_step", "2"},
                                                     {"forecast.calibration_samples", "300"},
                                                     {"forecast.damping", "0.9"},
                                                     {"forecast.yearly", "on"},
                                                     {"forecast.fourier_order", "4"},
                                                     {"forecast.changepoints", "3"},
                                                     {"forecast.changepoint_range", "0.7"},
                                                     {"forecast.changepoint_prior_scale", "0.1"},
                                                     {"forecast.seasonality_prior_scale", "5"},
                                                     {"run.seed", "42"}};
  REQUIRE(values.size() == ModelTableOptions().size());
  for (const std::string& name : ModelTableOptions()) {
    INFO(name);
    REQUIRE(values.count(name) == 1);
    const RunOptionSpec& spec = Spec(name);
    const std::string args = spec.LongFlag() + " " + values.at(name);
    const RunOptions from_run = RunFrom(args);
    RunOptions from_forecast;
    from_forecast.forecast = ForecastFrom(args);
    from_forecast.seed = from_forecast.forecast.seed;
    CHECK(spec.get(from_run) != spec.get(RunOptions()));
    CHECK(spec.get(from_forecast) == spec.get(from_run));
    // And nothing else: every option of the two reads the same.
    CHECK(RunOptionsJson(from_forecast) == RunOptionsJson(from_run));
  }
  // The model's defaults are the run's.
  RunOptions defaults;
  defaults.forecast = ForecastFrom("");
  CHECK(RunOptionsJson(defaults) == RunOptionsJson(RunOptions()));
}

TEST_CASE("flags given override the prophet preset; the others take its values") {
  const ForecastOptions prophet = ForecastFrom("--preset prophet");
  const ForecastOptions expected = ForecastOptions::Prophet();
  CHECK(prophet.fourier_order == expected.fourier_order);
  CHECK(prophet.changepoints == expected.changepoints);
  CHECK(prophet.trend_damping == expected.trend_damping);
  CHECK(prophet.theta_weight == expected.theta_weight);
  CHECK(prophet.selection == expected.selection);
  CHECK(prophet.day_phase);
  CHECK(prophet.horizon == ForecastOptions().horizon);

  const ForecastOptions given = ForecastFrom(
      "--preset prophet --fourier-order 12 --changepoints 3 --damping 0.9 --theta-weight 0.5 "
      "--selection average --horizon 9");
  CHECK(given.fourier_order == 12);  // within the 1 .. 20 of the preset's day phases
  CHECK(given.changepoints == 3);
  CHECK(given.trend_damping == 0.9);
  CHECK(given.theta_weight == 0.5);
  CHECK(given.selection == Selection::kAverage);
  CHECK(given.horizon == 9);
  CHECK(given.day_phase);
  CHECK_FALSE(given.calibrated_intervals);
}

TEST_CASE("a model flag's bad value is refused naming the flag") {
  CHECK(RefusedFlag("--interval-scale 0") == "--interval-scale");
  CHECK(RefusedFlag("--seed -1") == "--seed");
  CHECK(RefusedFlag("--yearly sometimes") == "--yearly");
  CHECK(RefusedFlag("--horizon 99999999999") == "--horizon");
  CHECK(RefusedFlag("--interval nan") == "--interval");
  // Beyond what the flag's integer holds: refused, not clamped.
  CHECK_THROWS_AS(ForecastFrom("--seed 99999999999999999999"), CLI::ValidationError);
  CHECK_THROWS_AS(RunFrom("--seed 99999999999999999999"), CLI::ValidationError);
  // Ranges that the options check together: ForecastOptions::Validate, naming the option.
  CHECK(RefusedFlag("--interval 1.5") == "interval");
  CHECK(RefusedFlag("--theta-weight 2") == "theta_weight");
  CHECK(RefusedFlag("--interval 0.9").empty());
}

TEST_CASE("backtest --calibrate reads the --interval-scale given") {
  for (const auto& [args, scale] :
       {std::pair<std::string, double>{"", 1.0}, {"--interval-scale 0.87", 0.87}}) {
    CLI::App app;
    ModelFlags flags;
    AddModelFlags(app, flags);
    app.parse(args, false);
    CHECK(IntervalScaleFlag(flags) == scale);
  }
}
