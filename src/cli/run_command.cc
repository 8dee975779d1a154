// segcast run: the whole job (ingest -> panel -> clusters -> personas -> forecasts -> outputs) from
// a TOML config, flags, or both (flags win). With neither, it runs on the bundled sample.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table_flags.h"
#include "segcast/cohort_backtest.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/pipeline.h"
#include "segcast/run_option_table.h"
#include "segcast/schema.h"

namespace segcast::cli {
namespace {

// The flags that are not run options: where the options come from and what to print.
struct RunFlags {
  std::string config;
  std::string file;
  std::vector<std::string> cohort_backtest;
  bool json = false;
  bool quiet = false;
};

struct RunCommand {
  RunFlags flags;
  TableFlags table_flags;
  CLI::App* command = nullptr;
  bool Given(const char* name) const { return command->get_option(name)->count() > 0; }
};

RunOptions ToOptions(const RunCommand& run) {
  const RunFlags& flags = run.flags;
  RunOptions options;
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
  ApplyTableFlags(run.table_flags, options);
  if (options.ingest.schema == SchemaPreset::kGeneric && options.ingest.mapping.customer.empty()) {
    throw InvalidArgument("--schema generic needs a column mapping",
                          {.field = "--columns",
                           .expected = "--columns role=Column,... (e.g. customer=client,date=day,amount=total) "
                                       "or columns under [input] in the run config"});
  }
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
  command->add_option("-c,--config", flags.config,
                      "Run configuration: TOML (docs/options.md), or a run's manifest.json to repeat it");
  AddTableFlags(*command, run->table_flags);
  command->add_option("--cohort-backtest", flags.cohort_backtest,
                      "Instead of the job: the cohort backtest at these origins (YYYY-MM-01, "
                      "comma-separated), --horizon months each; writes cohort_backtest*.csv to -o")
      ->delimiter(',');
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
