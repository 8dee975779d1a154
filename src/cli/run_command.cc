// segcast run: the whole job (ingest -> panel -> clusters -> personas -> forecasts -> outputs) from
// a TOML config, flags, or both (flags win). With neither, it runs on the bundled sample.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "cli/k_choice_flags.h"
#include "segcast/cohort_backtest.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/pipeline.h"

namespace segcast::cli {
namespace {

struct RunFlags {
  std::string config;
  std::string file;
  std::string output;
  std::string schema;
  std::string columns;
  std::string demographics;
  std::string addresses;
  std::string duplicates;
  bool net_cancellations = false;
  bool normalise_customer_ids = false;
  std::string as_of;
  std::string date_order = "auto";
  std::string latest_date;
  int window = 0;
  int k = 0;
  std::string k_range;
  KChoiceRule k_choice;
  int sweep_sample = kDefaultSweepSample;
  std::string metric;
  int band = -1;
  std::string scaling;
  bool no_log1p = false;
  std::string personas;
  std::vector<std::string> mix_columns;
  int horizon = 6;
  double interval = 0.8;
  double interval_scale = 1.0;
  bool calibrate_intervals = false;
  bool no_backtest = false;
  std::string segment_forecast;
  std::string rate_adjustment;
  std::vector<std::string> cohort_backtest;
  int holdout_months = 3;
  int clv_months = 12;
  double discount = 0.01;
  bool sweep_k = false;
  std::string db;
  std::string models;
  std::string previous;
  std::string run_id;
  uint64_t seed = 0;
  int threads = 0;
  bool json = false;
  bool quiet = false;
};

struct RunCommand {
  RunFlags flags;
  CLI::App* command = nullptr;
  bool Given(const char* name) const { return command->get_option(name)->count() > 0; }
};

RunOptions ToOptions(const RunCommand& run) {
  const RunFlags& flags = run.flags;
  RunOptions options;
  options.output_dir = "segcast-out";
  if (!flags.config.empty()) LoadRunConfig(flags.config, options);
  if (run.Given("FILE")) options.ingest.path = flags.file;
  if (options.ingest.path.empty() && !flags.config.empty())
    throw InvalidArgument("no transaction log: the config " + flags.config + " names no input.path",
                          {.field = "FILE", .expected = "the log as `segcast run FILE --config " +
                                                         flags.config + "`, or path under [input]"});
  if (options.ingest.path.empty()) {
    options.ingest.path = std::string(SEGCAST_DATA_DIR) + "/online_retail_sample.csv.gz";
    std::cerr << "run: no input given; using the bundled sample " << options.ingest.path << "\n";
  }
  if (run.Given("--output")) options.output_dir = flags.output;
  if (run.Given("--schema")) {
    const auto preset = ParsePresetName(flags.schema);
    if (!preset) {
      throw InvalidArgument("unknown schema '" + flags.schema + "'",
                            {.field = "--schema", .expected = PresetNames()});
    }
    options.ingest.schema = *preset;
  }
  if (run.Given("--columns")) {
    if (options.ingest.schema == SchemaPreset::kAuto) options.ingest.schema = SchemaPreset::kGeneric;
    if (options.ingest.schema != SchemaPreset::kGeneric)
      throw InvalidArgument("--columns goes with --schema generic", {.field = "--columns"});
    options.ingest.mapping = ParseColumnMapping(flags.columns);
  } else if (options.ingest.schema == SchemaPreset::kGeneric && options.ingest.mapping.customer.empty()) {
    throw InvalidArgument("--schema generic needs a column mapping",
                          {.field = "--columns",
                           .expected = "--columns role=Column,... (e.g. customer=client,date=day,amount=total) "
                                       "or columns under [input] in the run config"});
  }
  if (run.Given("--demographics")) options.ingest.demographics_path = flags.demographics;
  if (run.Given("--addresses")) options.ingest.addresses_path = flags.addresses;
  if (run.Given("--duplicates")) {
    const auto rule = ParseDuplicateRule(flags.duplicates);
    if (!rule) {
      throw InvalidArgument("unknown duplicate rule '" + flags.duplicates + "'",
                            {.field = "--duplicates", .expected = "auto, drop or keep"});
    }
    options.ingest.duplicates = *rule;
  }
  if (flags.net_cancellations) options.ingest.net_cancellations = true;
  if (flags.normalise_customer_ids) options.ingest.normalise_customer_ids = true;
  if (run.Given("--as-of")) {
    const auto day = ParseIsoDay(flags.as_of);
    if (!day) {
      throw InvalidArgument("not a date: '" + flags.as_of + "'",
                            {.field = "--as-of", .expected = "YYYY-MM-DD"});
    }
    options.panel.as_of = *day;
  }
  if (run.Given("--date-order")) options.ingest.date_order = ParseDateOrderFlag(flags.date_order);
  if (run.Given("--latest-date")) options.ingest.latest_day = ParseLatestDateFlag(flags.latest_date);
  if (run.Given("--window")) options.panel.window = flags.window;
  if (run.Given("--k")) options.k = flags.k;
  if (run.Given("--k-range")) {
    ParseKRange(flags.k_range, &options.k_min, &options.k_max);
    if (!run.Given("--k")) options.k = 0;
  }
  if (run.Given("--k-tolerance")) options.k_choice.silhouette_tolerance = flags.k_choice.silhouette_tolerance;
  if (run.Given("--min-segment-share")) options.k_choice.min_segment_share = flags.k_choice.min_segment_share;
  if (run.Given("--sweep-sample")) options.sweep_sample = flags.sweep_sample;
  if (run.Given("--metric")) options.cluster.metric = ParseMetric(flags.metric);
  if (run.Given("--band")) options.cluster.band.radius = flags.band;
  if (run.Given("--scaling")) options.scale.scaling = ParsePanelScaling(flags.scaling);
  if (flags.no_log1p) options.scale.log1p_frequency_monetary = false;
  if (run.Given("--personas")) options.persona_rules_path = flags.personas;
  if (run.Given("--mix")) options.mix_columns = flags.mix_columns;
  if (run.Given("--horizon")) options.forecast.horizon = flags.horizon;
  if (run.Given("--interval")) options.forecast.interval = flags.interval;
  if (run.Given("--interval-scale")) {
    // Replaces a config file's forecast.interval_scale rather than compounding with it.
    const ForecastOptions defaults;
    options.forecast.interval_scale_h1 = defaults.interval_scale_h1;
    options.forecast.interval_scale_slope = defaults.interval_scale_slope;
    ScaleIntervals(options.forecast, flags.interval_scale);
  }
  if (flags.no_backtest) options.run_backtest = false;
  if (run.Given("--segment-forecast")) {
    const auto model = ParseSegmentForecast(flags.segment_forecast);
    if (!model) {
      throw InvalidArgument("unknown segment forecast '" + flags.segment_forecast + "'",
                            {.field = "--segment-forecast", .expected = "customer-base or series"});
    }
    options.segment_forecast = *model;
  }
  if (run.Given("--rate-adjustment")) {
    const auto adjustment = ParseRateAdjustment(flags.rate_adjustment);
    if (!adjustment) {
      throw InvalidArgument("unknown rate adjustment '" + flags.rate_adjustment + "'",
                            {.field = "--rate-adjustment", .expected = "none, pooled or segment"});
    }
    options.customer_base.rate_adjustment = *adjustment;
  }
  if (run.Given("--holdout-months")) options.customer_base.holdout_months = flags.holdout_months;
  if (run.Given("--clv-months")) options.customer_base.customer_base.clv_months = flags.clv_months;
  if (run.Given("--discount")) options.customer_base.customer_base.monthly_discount = flags.discount;
  if (flags.calibrate_intervals) options.calibrate_intervals = true;
  if (run.Given("--db")) options.store = flags.db;
  if (run.Given("--models")) options.models_dir = flags.models;
  if (run.Given("--previous")) options.previous = flags.previous;
  if (flags.sweep_k) options.keep_previous_k = false;
  if (run.Given("--run-id")) options.run_id = flags.run_id;
  if (run.Given("--seed")) options.seed = flags.seed;
  if (run.Given("--threads")) options.threads = flags.threads;
  if (!flags.quiet) {
    options.log = [](const std::string& line) { std::cerr << "segcast run: " << line << "\n"; };
  }
  return options;
}

nlohmann::json SummaryJson(const RunResult& result) {
  nlohmann::json segments = nlohmann::json::array();
  for (const SegmentSummary& summary : result.report.segments) {
    std::string name;
    for (const RunSegment& segment : result.segments) {
      if (segment.segment_id == summary.segment_id) name = segment.persona.name;
    }
    segments.push_back({{"segment", summary.segment_id},
                        {"name", name},
                        {"customers", summary.customers},
                        {"revenue_share", summary.revenue_share}});
  }
  nlohmann::json timings = nlohmann::json::array();
  for (const StageTiming& timing : result.timings) {
    timings.push_back({{"stage", timing.stage}, {"seconds", timing.seconds}});
  }
  return {{"run_id", result.run_id},
          {"as_of", FormatDay(result.as_of)},
          {"run_dir", result.run_dir},
          {"model_dir", result.model_dir},
          {"store", result.store},
          {"customers", result.customers},
          {"months", result.months},
          {"k", result.k},
          {"silhouette", std::isfinite(result.silhouette) ? nlohmann::json(result.silhouette) : nlohmann::json()},
          {"segments", segments},
          {"alignment", result.alignment},
          {"interval_scale", result.interval_calibration ? nlohmann::json(result.interval_calibration->scale)
                                                         : nlohmann::json()},
          {"timings", timings},
          {"seconds", result.seconds}};
}

// `segcast run --cohort-backtest DATES`: the backtest alone, with the run's options.
void RunCohortBacktestOnly(const RunCommand& run) {
  const RunOptions options = ToOptions(run);
  CohortBacktestOptions backtest;
  backtest.horizon = options.forecast.horizon;
  backtest.k = options.k;
  for (const std::string& text : run.flags.cohort_backtest) {
    const auto day = ParseIsoDay(text);
    if (!day) {
      throw InvalidArgument("not a date: '" + text + "'",
                            {.field = "--cohort-backtest", .expected = "YYYY-MM-01"});
    }
    backtest.origins.push_back(*day);
  }
  const std::filesystem::path output(options.output_dir);
  RefuseOutputsOverInputs({{"FILE", options.ingest.path},
                           {"--demographics", options.ingest.demographics_path},
                           {"--addresses", options.ingest.addresses_path},
                           {"--config", run.flags.config}},
                          {.files = {{"-o", (output / "cohort_backtest.csv").string()},
                                     {"-o", (output / "cohort_backtest_scores.csv").string()}}});
  const CohortBacktestResult result = RunCohortBacktest(options, backtest);
  std::filesystem::create_directories(options.output_dir);
  WriteCohortBacktestCsv(options.output_dir, result);
  std::cout << result.Table();
}

}  // namespace

void AddRunCommand(CLI::App& app, CommandContext& context) {
  auto run = std::make_shared<RunCommand>();
  RunFlags& flags = run->flags;
  CLI::App* command = app.add_subcommand(
      "run", "Run the whole job: clean, panel, segments, personas, forecasts, store, model");
  run->command = command;
  command->add_option("FILE", flags.file, "Transaction log (CSV or gzip); default: the bundled sample");
  command->add_option("-c,--config", flags.config, "TOML run configuration (docs/pipeline.md)");
  command->add_option("-o,--output", flags.output, "Output directory (default segcast-out)");
  command->add_option("--schema", flags.schema, "Column preset: " + PresetNames());
  command->add_option("--columns", flags.columns,
                      "Column mapping for --schema generic (implies it), e.g. customer=client,date=day,amount=total; "
                      "config key: columns under [input]");
  command->add_option("--demographics", flags.demographics, "Per-customer table to left-join");
  command->add_option("--addresses", flags.addresses, "Second per-customer table to left-join");
  command->add_option("--duplicates", flags.duplicates,
                      "Exact duplicate rows: drop, keep, or auto (default: drop when the log has an invoice column)");
  command->add_flag("--net-cancellations", flags.net_cancellations,
                    "Take cancellation invoices' units off the earlier purchases they cancel");
  command->add_flag("--normalise-customer-ids", flags.normalise_customer_ids,
                    "Read numeric customer ids as integers (017850 = 17850.0 = 17850)");
  command->add_option("--as-of", flags.as_of, "Reference date YYYY-MM-DD (default: day after the last purchase)");
  AddDateFlags(*command, flags.date_order, flags.latest_date);
  command->add_option("--window", flags.window, "Keep only the last N months (0 = all)");
  command->add_option("-k,--k", flags.k, "Fixed number of segments (default: choose in --k-range)");
  command->add_option("--k-range", flags.k_range, "Range of k searched by silhouette (default 2..8)");
  AddKChoiceFlags(*command, flags.k_choice);
  AddSweepSampleFlag(*command, flags.sweep_sample);
  command->add_option("--metric", flags.metric, "dtw (default) or euclidean");
  command->add_option("--band", flags.band, "Sakoe-Chiba radius in months (-1 = none)");
  command->add_option("--scaling", flags.scaling,
                      "feature-minmax (default), series-minmax, znorm or none");
  command->add_flag("--no-log1p", flags.no_log1p, "Do not take log1p of F and M before scaling");
  command->add_option("--personas", flags.personas, "Persona rules file (default: built-in models/personas.toml)");
  command->add_option("--mix", flags.mix_columns,
                      "Joined columns whose mix each segment reports (default: the categorical ones)")
      ->delimiter(',');
  command->add_option("--horizon", flags.horizon, "Forecast months ahead (default 6)");
  command->add_option("--interval", flags.interval, "Forecast interval probability (default 0.8)");
  command->add_option("--interval-scale", flags.interval_scale,
                      "Factor on every interval's distance from the forecast (default 1), e.g. "
                      "from `segcast backtest --calibrate`")
      ->check(CLI::PositiveNumber);
  command->add_flag("--calibrate-intervals", flags.calibrate_intervals,
                    "Scale the forecast intervals so they cover --interval of this run's backtest "
                    "points (as `segcast backtest --calibrate`)");
  command->add_flag("--no-backtest", flags.no_backtest, "Skip the backtest");
  command->add_option("--segment-forecast", flags.segment_forecast,
                      "customer-base (default: segments as sums of their members' expected "
                      "revenue) or series (the Prophet-style model on each segment's revenue)");
  command->add_option("--rate-adjustment", flags.rate_adjustment,
                      "Correction of the customer-base model from the history's last months: "
                      "pooled (default), segment or none");
  command->add_option("--holdout-months", flags.holdout_months,
                      "Months at the end of the history that measure the rate correction "
                      "(default 3; 0 = none)");
  command->add_option("--clv-months", flags.clv_months, "Months of customer lifetime value (default 12)");
  command->add_option("--discount", flags.discount, "Monthly discount rate of the lifetime value (default 0.01)");
  command->add_option("--cohort-backtest", flags.cohort_backtest,
                      "Instead of the job: the cohort backtest at these origins (YYYY-MM-01, "
                      "comma-separated), --horizon months each; writes cohort_backtest*.csv to -o")
      ->delimiter(',');
  command->add_option("--db", flags.db, "Store: sqlite:PATH, postgresql://..., or none (default OUT/segcast.db)");
  command->add_option("--models", flags.models, "Folder for saved models (default OUT/models)");
  command->add_option("--previous", flags.previous,
                      "Previous run id (in the store) or model folder to keep segment ids stable");
  command->add_flag("--sweep-k", flags.sweep_k,
                    "With --previous: sweep --k-range instead of reusing the previous run's k");
  command->add_option("--run-id", flags.run_id, "Id of this run (default: the as-of date)");
  command->add_option("--seed", flags.seed, "Seed of every random choice (default 0)");
  command->add_option("--threads", flags.threads, "Threads (0 = all cores)");
  command->add_flag("--json", flags.json, "Print a JSON summary on stdout");
  command->add_flag("-q,--quiet", flags.quiet, "No per-stage log lines on stderr");
  command->callback([run, &context] {
    if (!run->flags.cohort_backtest.empty()) {
      RunCohortBacktestOnly(*run);
      context.exit_code = 0;
      return;
    }
    const RunOptions options = ToOptions(*run);
    RefuseRunOverwrites(options, options.run_id, {{"--config", run->flags.config}});
    const RunResult result = RunPipeline(options);
    if (run->flags.json) {
      std::cout << SummaryJson(result).dump(2) << "\n";
    } else {
      std::cout << result.BriefReport();
    }
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
