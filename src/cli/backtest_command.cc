// segcast backtest: rolling-origin evaluation of the model against naive, seasonal naive and
// drift on any set of monthly series.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/forecast_flags.h"
#include "segcast/backtest.h"
#include "segcast/error.h"

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

struct BacktestFlags {
  SeriesFlags series;
  ModelFlags model;
  BacktestOptions backtest;
  std::string output;
};

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
  command->add_option("-o,--output", flags->output, "Also write backtest.csv, backtest_by_origin.csv and backtest.json here");
  command->callback([flags, command, &context] {
    BacktestOptions options = flags->backtest;
    options.forecast = ResolveModelOptions(*command, flags->model);
    options.forecast.threads = flags->series.ingest.threads;
    options.threads = flags->series.ingest.threads;
    nlohmann::json summary;
    std::vector<MonthlySeries> series = LoadSeries(flags->series, summary);
    BacktestResult result = Backtest(series, options);
    if (result.series_used == 0) {
      // A table of NaNs with exit code 0 would read as a result; say what the data lacks.
      const std::string source = flags->series.series.empty() ? flags->series.ingest.file : flags->series.series;
      throw InputError("no series is long enough for the backtest (" + std::to_string(series.size()) +
                           " series read)",
                       {.file = source, .line = 0, .field = "min_history",
                        .expected = "a series of at least " +
                                    std::to_string(options.min_history + options.horizon) +
                                    " months (--min-history " + std::to_string(options.min_history) +
                                    " + --backtest-horizon " + std::to_string(options.horizon) + ")"});
    }
    (flags->series.ingest.json ? std::cerr : std::cout) << result.Table();
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
    if (!flags->output.empty()) {
      const std::filesystem::path output(flags->output);
      std::filesystem::create_directories(output);
      WriteBacktestCsv(output.string(), result);
      std::ofstream json(output / "backtest.json");
      json << summary.dump(2) << '\n';
      if (!json) throw InputError("cannot write backtest outputs", {(output / "backtest.json").string(), 0, "", ""});
    }
    if (flags->series.ingest.json) std::cout << summary.dump(2) << "\n";
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
