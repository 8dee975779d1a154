#include "cli/forecast_flags.h"

#include <iostream>

#include "segcast/error.h"
#include "segcast/panel.h"

namespace segcast::cli {

void AddSeriesFlags(CLI::App& command, SeriesFlags& flags) {
  AddIngestFlags(command, flags.ingest);
  // FILE is optional here: --series replaces it.
  command.get_option("FILE")->required(false);
  command.add_option("--series", flags.series,
                     "Monthly series as a long CSV: series_id,month (YYYY-MM),value; .gz allowed");
  command.add_option("--assignments", flags.assignments,
                     "With FILE: segment per customer (id,segment,... as written by segcast segment)");
  command.add_option("--as-of", flags.as_of,
                     "With FILE: reference date YYYY-MM-DD (default: day after the last purchase)");
}

const std::vector<std::string>& ModelTableOptions() {
  static const std::vector<std::string> names = {
      "forecast.horizon", "forecast.interval", "forecast.interval_scale", "forecast.samples",
      "forecast.theta_weight", "forecast.calibration_origins", "forecast.calibration_step",
      "forecast.calibration_samples", "forecast.damping", "forecast.yearly", "forecast.fourier_order",
      "forecast.changepoints", "forecast.changepoint_range", "forecast.changepoint_prior_scale",
      "forecast.seasonality_prior_scale", "run.seed"};
  return names;
}

void AddModelFlags(CLI::App& command, ModelFlags& flags) {
  command.add_option("--preset", flags.preset,
                     "monthly (segcast's defaults) or prophet (Prophet 1.0's defaults; flags given "
                     "still win)")
      ->check(CLI::IsMember({"monthly", "prophet"}))->capture_default_str();
  RunOptions defaults;  // the help's defaults: the model's own (`segcast run` has the same)
  defaults.forecast = ForecastOptions();
  AddTableFlags(command, flags.table, defaults, ModelTableOptions());
  command.add_option("--selection", flags.selection,
                     "average (of the variants), validation (best rolling-origin variant) or fixed")
      ->check(CLI::IsMember({"average", "validation", "fixed"}))->capture_default_str();
  command.add_option("--half-lives", flags.half_lives,
                     "Half-lives (months) of the variants; default 9 18 36")->delimiter(',');
  command.add_option("--half-life", flags.options.recency_half_life,
                     "With --selection fixed: half-life of the likelihood weights; 0 = equal")
      ->capture_default_str();
  command.add_option("--growth", flags.growth, "linear or logistic (needs --cap)")
      ->check(CLI::IsMember({"linear", "logistic"}))->capture_default_str();
  command.add_option("--cap", flags.options.cap, "Logistic capacity in units of the series");
  command.add_option("--seasonality-mode", flags.seasonality_mode, "additive or multiplicative")
      ->check(CLI::IsMember({"additive", "multiplicative"}))->capture_default_str();
  command.add_option("--transform", flags.transform, "With --selection fixed: none or log")
      ->check(CLI::IsMember({"none", "log"}))->capture_default_str();
}

ForecastOptions ResolveModelOptions(const CLI::App& command, const ModelFlags& flags) {
  RunOptions run;  // the table's setters address a RunOptions: its forecast, and its seed
  ForecastOptions& options = run.forecast;
  options = flags.options;
  const bool prophet = flags.preset == "prophet";
  if (prophet) {
    // The preset replaces the model defaults; the flags given, applied next, still win.
    const ForecastOptions preset = ForecastOptions::Prophet();
    options.fourier_order = preset.fourier_order;
    options.changepoints = preset.changepoints;
    options.trend_damping = preset.trend_damping;
    options.theta_weight = preset.theta_weight;
    options.selection = preset.selection;
    options.day_phase = preset.day_phase;
    options.calibrated_intervals = preset.calibrated_intervals;
    options.nonnegative = preset.nonnegative;
  }
  run.seed = options.seed;
  ApplyTableFlags(flags.table, run);
  options.seed = run.seed;
  if (command.get_option("--selection")->count() > 0 || !prophet)
    options.selection = flags.selection == "fixed"        ? Selection::kFixed
                        : flags.selection == "validation" ? Selection::kValidation
                                                          : Selection::kAverage;
  if (!flags.half_lives.empty()) options.variant_half_lives = flags.half_lives;
  options.growth = flags.growth == "logistic" ? Growth::kLogistic : Growth::kLinear;
  options.seasonality_mode = flags.seasonality_mode == "multiplicative" ? SeasonalityMode::kMultiplicative
                                                                        : SeasonalityMode::kAdditive;
  options.transform = flags.transform == "log" ? Transform::kLog : Transform::kNone;
  options.Validate();
  return options;
}

double IntervalScaleFlag(const ModelFlags& flags) {
  const TableFlag& scale = flags.table.Of("forecast.interval_scale");
  return scale.Given() ? scale.number : 1.0;
}

std::vector<MonthlySeries> LoadSeries(const SeriesFlags& flags, nlohmann::json& summary) {
  if (flags.series.empty() == flags.ingest.file.empty())
    throw InvalidArgument("give either a transaction log FILE or --series FILE.csv",
                          {"", 0, "--series", "exactly one input"});
  if (!flags.series.empty()) {
    if (!flags.assignments.empty())
      throw InvalidArgument("--assignments needs a transaction log FILE, not --series",
                            {"", 0, "--assignments", "FILE"});
    MonthlySeriesSet set = ReadLongSeriesCsv(flags.series);
    std::cerr << "series: " << set.series.size() << " from " << flags.series << " (" << set.rows_read
              << " rows, " << set.rows_rejected << " rejected, " << set.missing_months
              << " missing months)\n";
    for (const std::string& example : set.reject_examples) std::cerr << "  rejected " << example << "\n";
    summary["input"] = {{"series_file", flags.series},
                        {"rows", set.rows_read},
                        {"rows_rejected", set.rows_rejected},
                        {"missing_months", set.missing_months},
                        {"reject_examples", set.reject_examples}};
    return std::move(set.series);
  }
  IngestResult ingest = RunIngest(flags.ingest);
  RequireAcceptedRows(ingest.report);
  PanelOptions panel_options;
  panel_options.as_of = ParseAsOfFlag(flags.as_of);
  panel_options.Validate();
  LrfmPanel panel = BuildPanel(ingest.transactions, panel_options);
  std::cerr << ingest.report.BriefReport();
  std::vector<int> labels;
  summary["input"] = {{"transactions", flags.ingest.file},
                      {"ingest", ReportJson(ingest.report)},
                      {"as_of", FormatDay(panel.as_of)},
                      {"customers", panel.customer_count()}};
  if (!flags.assignments.empty()) {
    PanelLabels read = ReadPanelLabels(flags.assignments, panel);
    labels = std::move(read.labels);
    std::cerr << "assignments: " << read.rows_read << " rows, " << read.rows_unmatched
              << " ids not in the panel, " << read.rows_rejected << " bad segment values, "
              << read.customers_unassigned << " panel customers without a segment (in the total only)\n";
    summary["assignments"] = {{"file", flags.assignments},
                              {"rows", read.rows_read},
                              {"rows_unmatched", read.rows_unmatched},
                              {"rows_rejected", read.rows_rejected},
                              {"customers_unassigned", read.customers_unassigned}};
  }
  return RevenueSeriesFromPanel(panel, labels);
}

}  // namespace segcast::cli
