// segcast backtest: rolling-origin evaluation of the model against naive, seasonal naive and
// drift on any set of monthly series.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/forecast_flags.h"
#include "segcast/backtest.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"

namespace segcast::cli {
namespace {

nlohmann::json RowsJson(const std::vector<BacktestRow>& rows) {
  nlohmann::json array = nlohmann::json::array();
  for (const BacktestRow& row : rows)
    array.push_back({{"method", row.method}, {"mae", row.mae}, {"rmse", row.rmse},
                     {"smape", row.smape}, {"mase", row.mase}, {"coverage", row.coverage},
                     {"width", row.width}, {"points", row.points}});
  return array;
}

nlohmann::json CalibrationJson(const IntervalCalibration& calibration) {
  nlohmann::json by_horizon = nlohmann::json::array();
  for (size_t h = 0; h < calibration.points_by_horizon.size(); ++h)
    by_horizon.push_back({{"months_ahead", h + 1},
                          {"points", calibration.points_by_horizon[h]},
                          {"coverage_before", calibration.coverage_before_by_horizon[h]},
                          {"coverage_after", calibration.coverage_after_by_horizon[h]}});
  return {{"scale", calibration.scale},
          {"interval", calibration.interval},
          {"points", calibration.points},
          {"coverage_before", calibration.coverage_before},
          {"coverage_after", calibration.coverage_after},
          {"by_months_ahead", by_horizon}};
}

struct BacktestFlags {
  SeriesFlags series;
  ModelFlags model;
  BacktestOptions backtest;
  bool calibrate = false;
  std::string output;
};

// The backtest, its report on stdout (stderr with --json) and its outputs.
void RunBacktest(const CLI::App& command, const BacktestFlags& flags) {
  BacktestOptions options = flags.backtest;
  options.forecast = ResolveModelOptions(command, flags.model);
  options.forecast.threads = flags.series.ingest.threads;
  options.threads = flags.series.ingest.threads;
  RefuseOverwrites(flags.series.ingest,
                   {{"--series", flags.series.series}, {"--assignments", flags.series.assignments}},
                   flags.output, {"backtest.csv", "backtest_by_origin.csv", "backtest.json"});
  nlohmann::json summary;
  std::vector<MonthlySeries> series = LoadSeries(flags.series, summary);
  BacktestResult result = Backtest(series, options);
  const std::string source = flags.series.series.empty() ? flags.series.ingest.file : flags.series.series;
  if (result.series_used == 0) {
    // A table of NaNs with exit code 0 would read as a result; say what the data lacks.
    throw InputError("no series is long enough for the backtest (" + std::to_string(series.size()) +
                         " series read)",
                     {.file = source, .line = 0, .field = "min_history",
                      .expected = "a series of at least " +
                                  std::to_string(options.min_history + options.horizon) +
                                  " months (--min-history " + std::to_string(options.min_history) +
                                  " + --backtest-horizon " + std::to_string(options.horizon) + ")"});
  }
  std::optional<IntervalCalibration> calibration;
  if (flags.calibrate) {
    IntervalCalibrationOptions calibration_options;
    calibration_options.current_scale = IntervalScaleFlag(flags.model);
    try {
      calibration = CalibrateIntervals(result, calibration_options);
    } catch (const InputError& error) {
      throw InputError(error.message(), {source, 0, error.location().field, error.location().expected});
    }
  }
  std::ostream& report = flags.series.ingest.json ? std::cerr : std::cout;
  report << result.Table();
  if (calibration) {
    report << calibration->Summary();
    char scale[32];
    std::snprintf(scale, sizeof scale, "%.6g", calibration->scale);
    report << "apply it: segcast forecast ... --interval-scale " << scale
           << (options.forecast.calibration_origins > 0 ? " --calibration-origins 0" : "")
           << " (segcast run: --interval-scale or forecast.interval_scale)\n";
    summary["interval_calibration"] = CalibrationJson(*calibration);
  }
  summary["rows"] = RowsJson(result.rows);
  nlohmann::json by_origin = nlohmann::json::array();
  for (const BacktestOriginResult& origin : result.by_origin)
    by_origin.push_back({{"months_before_end", origin.months_before_end},
                         {"forecasts", origin.forecasts},
                         {"rows", RowsJson(origin.rows)}});
  summary["by_origin"] = by_origin;
  summary["series_used"] = result.series_used;
  summary["series_skipped"] = result.series_skipped;
  summary["forecasts"] = result.forecasts;
  summary["origins"] = options.origins;
  summary["horizon"] = options.horizon;
  summary["step"] = options.step;
  summary["interval"] = result.interval;
  if (!flags.output.empty()) {
    const std::filesystem::path output(flags.output);
    std::filesystem::create_directories(output);
    WriteBacktestCsv(output.string(), result);
    std::ofstream json(output / "backtest.json");
    json << summary.dump(2) << '\n';
    if (!json) throw InputError("cannot write backtest outputs", {(output / "backtest.json").string(), 0, "", ""});
  }
  if (flags.series.ingest.json) std::cout << summary.dump(2) << "\n";
}

}  // namespace

void AddBacktestCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<BacktestFlags>();
  CLI::App* command = app.add_subcommand(
      "backtest", "Rolling-origin backtest of the forecast model vs naive, seasonal naive and drift");
  AddSeriesFlags(*command, flags->series);
  AddModelFlags(*command, flags->model);
  BacktestOptions& b = flags->backtest;
  command->add_option("--origins", b.origins, "Rolling origins per series")->capture_default_str();
  command->add_option("--backtest-horizon", b.horizon, "Months forecast from each origin")
      ->capture_default_str();
  command->add_option("--step", b.step, "Months between origins")->capture_default_str();
  command->add_option("--min-history", b.min_history, "Months required before the first origin")
      ->capture_default_str();
  command->add_flag("--calibrate", flags->calibrate,
                    "Also print the --interval-scale that brings the model's coverage on these "
                    "backtest points to --interval");
  command->add_option("-o,--output", flags->output, "Also write backtest.csv, backtest_by_origin.csv and backtest.json here");
  command->callback([flags, command, &context] {
    RunBacktest(*command, *flags);
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
