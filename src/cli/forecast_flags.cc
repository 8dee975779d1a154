#include "cli/forecast_flags.h"

#include <iostream>

#include "segcast/error.h"
#include "segcast/interval_calibration.h"
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

void AddModelFlags(CLI::App& command, ModelFlags& flags) {
  ForecastOptions& o = flags.options;
  command.add_option("--preset", flags.preset,
                     "monthly (segcast's defaults) or prophet (Prophet 1.0's defaults)")
      ->check(CLI::IsMember({"monthly", "prophet"}))->capture_default_str();
  command.add_option("--horizon", o.horizon, "Months to forecast")->capture_default_str();
  command.add_option("--interval", o.interval, "Central probability of the interval")->capture_default_str();
  command.add_option("--interval-scale", flags.interval_scale,
                     "Factor on every interval's distance from the forecast, e.g. the scale "
                     "`segcast backtest --calibrate` prints for your series")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command.add_option("--samples", o.samples, "Simulated paths for the interval; 0 = none")->capture_default_str();
  command.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  command.add_option("--selection", flags.selection,
                     "average (of the variants), validation (best rolling-origin variant) or fixed")
      ->check(CLI::IsMember({"average", "validation", "fixed"}))->capture_default_str();
  command.add_option("--half-lives", flags.half_lives,
                     "Half-lives (months) of the variants; default 9 18 36")->delimiter(',');
  command.add_option("--half-life", o.recency_half_life,
                     "With --selection fixed: half-life of the likelihood weights; 0 = equal")
      ->capture_default_str();
  command.add_option("--growth", flags.growth, "linear or logistic (needs --cap)")
      ->check(CLI::IsMember({"linear", "logistic"}))->capture_default_str();
  command.add_option("--cap", o.cap, "Logistic capacity in units of the series");
  command.add_option("--seasonality-mode", flags.seasonality_mode, "additive or multiplicative")
      ->check(CLI::IsMember({"additive", "multiplicative"}))->capture_default_str();
  command.add_option("--transform", flags.transform, "With --selection fixed: none or log")
      ->check(CLI::IsMember({"none", "log"}))->capture_default_str();
  command.add_option("--yearly", flags.yearly, "Yearly seasonality: auto (>= 24 months), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))->capture_default_str();
  command.add_option("--fourier-order", o.fourier_order, "Order of the yearly Fourier series")
      ->capture_default_str();
  command.add_option("--changepoints", o.changepoints, "Potential changepoints; -1 = one per year")
      ->capture_default_str();
  command.add_option("--changepoint-range", o.changepoint_range, "Share of history with changepoints")
      ->capture_default_str();
  command.add_option("--changepoint-prior-scale", o.changepoint_prior_scale,
                     "Laplace scale of rate changes")->capture_default_str();
  command.add_option("--seasonality-prior-scale", o.seasonality_prior_scale,
                     "Prior sd of Fourier coefficients")->capture_default_str();
  command.add_option("--theta-weight", o.theta_weight,
                     "Weight of the Theta method in the point forecast; 0 = the additive model alone")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command.add_option("--calibration-origins", o.calibration_origins,
                     "Earlier origins of each series whose errors size the intervals (split "
                     "conformal, pooled over the series); 0 = the fixed multiplier")
      ->capture_default_str()
      ->check(CLI::Range(0, 12));
  command.add_option("--calibration-step", o.calibration_step, "Months between calibration origins")
      ->capture_default_str()
      ->check(CLI::Range(1, 24));
  command.add_option("--calibration-samples", o.calibration_samples,
                     "Simulated paths of each calibration forecast (at most --samples)")
      ->capture_default_str()
      ->check(CLI::Range(20, 100000));
  command.add_option("--damping", o.trend_damping, "Trend damping per month beyond the data; 1 = none")
      ->capture_default_str();
}

ForecastOptions ResolveModelOptions(const CLI::App& command, const ModelFlags& flags) {
  ForecastOptions options = flags.options;
  if (flags.preset == "prophet") {
    // The preset replaces the model defaults; flags given explicitly still win.
    ForecastOptions prophet = ForecastOptions::Prophet();
    auto keep = [&](const char* name) { return command.get_option(name)->count() > 0; };
    if (!keep("--fourier-order")) options.fourier_order = prophet.fourier_order;
    if (!keep("--changepoints")) options.changepoints = prophet.changepoints;
    if (!keep("--damping")) options.trend_damping = prophet.trend_damping;
    if (!keep("--selection")) options.selection = prophet.selection;
    if (!keep("--theta-weight")) options.theta_weight = prophet.theta_weight;
    options.day_phase = prophet.day_phase;
    options.calibrated_intervals = prophet.calibrated_intervals;
    options.nonnegative = prophet.nonnegative;
  }
  if (command.get_option("--selection")->count() > 0 || flags.preset != "prophet")
    options.selection = flags.selection == "fixed"        ? Selection::kFixed
                        : flags.selection == "validation" ? Selection::kValidation
                                                          : Selection::kAverage;
  if (!flags.half_lives.empty()) options.variant_half_lives = flags.half_lives;
  options.growth = flags.growth == "logistic" ? Growth::kLogistic : Growth::kLinear;
  options.seasonality_mode = flags.seasonality_mode == "multiplicative" ? SeasonalityMode::kMultiplicative
                                                                        : SeasonalityMode::kAdditive;
  options.transform = flags.transform == "log" ? Transform::kLog : Transform::kNone;
  options.yearly = flags.yearly == "on" ? Toggle::kOn : flags.yearly == "off" ? Toggle::kOff : Toggle::kAuto;
  ScaleIntervals(options, flags.interval_scale);
  options.Validate();
  return options;
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
