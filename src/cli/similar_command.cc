// segcast similar: the n customers (or series) whose trajectories are nearest to one customer's,
// under DTW with the lower-bound cascade. Prints rank,id,distance as CSV on stdout.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "segcast/error.h"
#include "segcast/nearest.h"
#include "segcast/panel.h"
#include "segcast/scale.h"
#include "segcast/series.h"

namespace segcast::cli {
namespace {

struct SimilarFlags {
  IngestFlags ingest;
  std::string series_file;
  std::string id;
  int count = 10;
  std::string metric = "dtw";
  int band = -1;
  std::string scaling;
  bool log1p = true;
  std::string as_of;
};

void Run(const SimilarFlags& flags) {
  if (flags.series_file.empty() == flags.ingest.file.empty()) {
    throw InvalidArgument("give either a transaction log FILE or --series FILE",
                          {"", 0, "FILE / --series", "exactly one input"});
  }
  NearestOptions options;
  options.count = flags.count;
  options.metric = ParseMetric(flags.metric);
  options.band.radius = flags.band;
  options.threads = flags.ingest.threads;
  options.Validate();
  TimeSeriesSet series;
  if (!flags.series_file.empty()) {
    series = ReadSeriesFile(flags.series_file);
    ScaleSeries(series, flags.scaling.empty() ? PanelScaling::kNone : ParsePanelScaling(flags.scaling),
                nullptr);
  } else {
    PanelOptions panel_options;
    panel_options.as_of = ParseAsOfFlag(flags.as_of);
    panel_options.pre_acquisition = options.metric == Metric::kEuclidean ? PreAcquisition::kZero
                                                                         : PreAcquisition::kAbsent;
    IngestResult result = RunIngest(flags.ingest);
    RequireAcceptedRows(result.report);
    PanelScaleOptions scale;
    if (!flags.scaling.empty()) scale.scaling = ParsePanelScaling(flags.scaling);
    scale.log1p_frequency_monetary = flags.log1p;
    series = PanelToSeries(BuildPanel(result.transactions, panel_options), scale, nullptr);
  }
  int query = -1;
  for (int index = 0; index < series.size(); ++index) {
    if (series.ids[index] == flags.id) query = index;
  }
  if (query < 0) {
    throw InvalidArgument("no customer or series '" + flags.id + "'",
                          {"", 0, "customer", "an id present in the input"});
  }
  const NearestResult result =
      NearestSeries(series, series.Data(query), series.Length(query), query, options);
  std::cout << "rank,id,distance\n";
  for (size_t rank = 0; rank < result.hits.size(); ++rank) {
    std::cout << rank + 1 << ',' << CsvField(series.ids[result.hits[rank].index]) << ','
              << FormatNumber(result.hits[rank].distance) << '\n';
  }
  std::cerr << "similar: " << result.candidates << " candidates, " << result.pruned
            << " pruned by lower bounds, " << result.abandoned << " abandoned early\n";
}

}  // namespace

void AddSimilarCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<SimilarFlags>();
  CLI::App* command = app.add_subcommand(
      "similar", "Nearest trajectories to one customer (or series) under DTW, as CSV on stdout");
  AddIngestFlags(*command, flags->ingest);
  command->get_option("FILE")->required(false);
  command->add_option("--series", flags->series_file, "Search these series instead (.ts[.gz] or long CSV)");
  command->add_option("--customer,--id", flags->id, "Customer id (or series id) to start from")->required();
  command->add_option("-n", flags->count, "Neighbours to list")->capture_default_str();
  command->add_option("--metric", flags->metric, "dtw or euclidean")
      ->check(CLI::IsMember({"dtw", "euclidean"}))
      ->capture_default_str();
  command->add_option("--band", flags->band, "Sakoe-Chiba radius in steps; -1 = full window")->capture_default_str();
  command->add_option("--scaling", flags->scaling,
                      "feature-minmax | series-minmax | znorm | none (as segment)");
  command->add_flag("--log1p,!--no-log1p", flags->log1p, "log1p of F and M before scaling (LRFM)");
  command->add_option("--as-of", flags->as_of, "Reference date YYYY-MM-DD (LRFM)");
  command->callback([flags, &context] {
    Run(*flags);
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
