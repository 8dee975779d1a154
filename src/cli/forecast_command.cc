// segcast forecast FILE -o DIR | --series FILE.csv -o DIR: monthly forecasts with intervals
// (forecast.csv, forecast.json, parameters.json).
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/forecast_flags.h"
#include "segcast/forecast.h"

namespace segcast::cli {
namespace {

struct ForecastFlags {
  SeriesFlags series;
  ModelFlags model;
  std::string output;
};

}  // namespace

void AddForecastCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<ForecastFlags>();
  CLI::App* command = app.add_subcommand(
      "forecast", "Monthly revenue forecasts with intervals: the total and each segment of a "
                  "transaction log, or every series of --series");
  AddSeriesFlags(*command, flags->series);
  AddModelFlags(*command, flags->model);
  command->add_option("-o,--output", flags->output, "Output directory")->required();
  command->callback([flags, command, &context] {
    ForecastOptions options = ResolveModelOptions(*command, flags->model);
    options.threads = flags->series.ingest.threads;
    RefuseOverwrites(flags->series.ingest,
                     {{"--series", flags->series.series}, {"--assignments", flags->series.assignments}},
                     flags->output, {"forecast.csv", "forecast.json", "parameters.json"});
    nlohmann::json summary;
    std::vector<MonthlySeries> series = LoadSeries(flags->series, summary);
    std::vector<SeriesForecast> forecasts = ForecastAll(series, options);
    const std::filesystem::path output(flags->output);
    std::filesystem::create_directories(output);
    WriteForecastCsv((output / "forecast.csv").string(), forecasts);
    WriteForecastJson((output / "forecast.json").string(), forecasts, options);
    WriteParametersJson((output / "parameters.json").string(), forecasts);

    nlohmann::json rows = nlohmann::json::array();
    int degenerate = 0;
    for (const SeriesForecast& forecast : forecasts) {
      if (!forecast.message.empty()) ++degenerate;
      const ForecastPoint* first_future = nullptr;
      for (const ForecastPoint& point : forecast.points)
        if (!point.is_history) {
          first_future = &point;
          break;
        }
      nlohmann::json row = {{"series", forecast.series_id}, {"variant", forecast.parameters.variant}};
      if (forecast.partial && first_future != nullptr) {
        // The short month is the first forecast month: show its actual so far next to it.
        const PartialMonth& partial = *forecast.partial;
        row["partial_month"] = {{"month", FormatMonth(partial.month)},
                                {"days_observed", partial.days_observed},
                                {"days_in_month", partial.days_in_month},
                                {"actual_to_date", partial.actual_to_date},
                                {"forecast", first_future->yhat},
                                {"forecast_lower", first_future->yhat_lower},
                                {"forecast_upper", first_future->yhat_upper}};
        if (forecast.series_id == "total")
          std::cerr << "forecast: " << FormatMonth(partial.month) << " is cut short by the as-of date ("
                    << partial.days_observed << " of " << partial.days_in_month
                    << " days): left out of the fit; actual to date " << partial.actual_to_date
                    << ", forecast for the whole month " << first_future->yhat << " ["
                    << first_future->yhat_lower << ", " << first_future->yhat_upper << "]\n";
      }
      rows.push_back(row);
    }
    std::cerr << "forecast: " << forecasts.size() << " series, horizon " << options.horizon
              << " months, " << 100 * options.interval << "% intervals";
    if (degenerate > 0) std::cerr << ", " << degenerate << " with a warning (see forecast.json)";
    std::cerr << " -> " << output.string() << "/forecast.csv\n";
    if (!forecasts.empty()) std::cerr << "forecast: intervals " << forecasts.front().intervals << "\n";
    if (flags->series.ingest.json) {
      summary["series"] = rows;
      summary["horizon"] = options.horizon;
      summary["interval"] = options.interval;
      summary["output"] = output.string();
      std::cout << summary.dump(2) << "\n";
    }
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
