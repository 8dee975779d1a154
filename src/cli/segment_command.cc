// segcast segment: TimeSeries K-Means of customer trajectories (a transaction log through the LRFM
// panel) or of any series file (--series: UCR/UEA .ts or long CSV), for one k or a k range.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "cli/segment_outputs.h"
#include "cli/table_flags.h"
#include "internal/parallel.h"
#include "segcast/error.h"
#include "segcast/k_selection.h"
#include "segcast/panel.h"
#include "segcast/quality.h"
#include "segcast/scale.h"
#include "segcast/segmentation.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast::cli {
namespace {

struct SegmentFlags {
  IngestFlags ingest;
  std::string series_file;
  std::string output;
  int k = 4;
  std::string k_range;
  TableFlags table;  //!< the flags of SegmentTableOptions()
  std::string init = "kmeans++";
  std::string assignment = "pruned";
  std::string scaling;  // default depends on the input kind
  bool log1p = true;
  std::string as_of;
  int window = 0;
  bool silhouette = false;
  bool no_silhouette = false;
};

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the input turned into: the series to cluster, plus the LRFM context when there is one.
struct Prepared {
  TimeSeriesSet series;
  bool lrfm = false;
  LrfmPanel panel;
  PanelScaler scaler;
  nlohmann::json input;
};

Prepared Prepare(const SegmentFlags& flags, Metric metric) {
  Prepared prepared;
  if (!flags.series_file.empty()) {
    prepared.series = ReadSeriesFile(flags.series_file);
    const PanelScaling scaling =
        flags.scaling.empty() ? PanelScaling::kNone : ParsePanelScaling(flags.scaling);
    ScaleSeries(prepared.series, scaling, &prepared.scaler);
    prepared.input = {{"kind", "series"},
                      {"file", flags.series_file},
                      {"scaling", PanelScalingName(scaling)}};
    return prepared;
  }
  PanelOptions panel_options;
  panel_options.as_of = ParseAsOfFlag(flags.as_of);
  panel_options.window = flags.window;
  // Euclidean distances need equal lengths: months before the first purchase become zeros.
  panel_options.pre_acquisition =
      metric == Metric::kEuclidean ? PreAcquisition::kZero : PreAcquisition::kAbsent;
  panel_options.Validate();
  const auto start = Clock::now();
  IngestResult result = RunIngest(flags.ingest);
  RequireAcceptedRows(result.report);
  const double seconds_ingest = Since(start);
  const auto panel_start = Clock::now();
  prepared.panel = BuildPanel(result.transactions, panel_options);
  PanelScaleOptions scale_options;
  if (!flags.scaling.empty()) scale_options.scaling = ParsePanelScaling(flags.scaling);
  scale_options.log1p_frequency_monetary = flags.log1p;
  prepared.series = PanelToSeries(prepared.panel, scale_options, &prepared.scaler);
  prepared.lrfm = true;
  std::cerr << result.report.BriefReport();
  prepared.input = {{"kind", "transactions"},
                    {"file", flags.ingest.file},
                    {"as_of", FormatDay(prepared.panel.as_of)},
                    {"first_month", FormatMonth(prepared.panel.first_month)},
                    {"months", prepared.panel.month_count},
                    {"pre_acquisition", metric == Metric::kEuclidean ? "zero" : "absent"},
                    {"scaling", PanelScalingName(scale_options.scaling)},
                    {"log1p_frequency_monetary", scale_options.log1p_frequency_monetary},
                    {"seconds_ingest", seconds_ingest},
                    {"seconds_panel", Since(panel_start)}};
  return prepared;
}

// Centroids in original units (LRFM only) and a calendar-month label per centroid step: series
// end in the panel's last month, so step t of a centroid of length n is month (months - n + t).
void OriginalUnits(const Prepared& prepared, const TsKMeansResult& fit,
                   std::vector<double>& original, std::vector<std::string>& labels) {
  original.clear();
  labels.clear();
  if (!prepared.lrfm) {
    if (prepared.scaler.options.scaling == PanelScaling::kFeatureMinMax) {
      original = fit.centroids;
      for (int cluster = 0; cluster < fit.k; ++cluster) {
        prepared.scaler.Inverse(original.data() + static_cast<size_t>(cluster) * fit.length * fit.dims,
                                fit.length);
      }
    }
    return;
  }
  const int offset = prepared.panel.month_count - fit.length;
  for (int step = 0; step < fit.length; ++step) {
    labels.push_back(FormatMonth(prepared.panel.first_month + offset + step));
  }
  original = CentroidsInOriginalUnits(prepared.panel, prepared.scaler, fit);
}

// The entries of RunOptionTable() that are flags of `segcast segment` too.
const std::vector<std::string>& SegmentTableOptions() {
  static const std::vector<std::string> names = {
      "cluster.metric", "cluster.band", "cluster.band_fraction", "cluster.max_iter", "cluster.tol",
      "cluster.n_init", "cluster.silhouette_sample", "cluster.k_tolerance", "cluster.min_segment_share",
      "cluster.sweep_sample", "cluster.memory_budget_mib", "run.seed"};
  return names;
}

// The defaults of segment's table flags: the fit's and the silhouette's own (`segcast run` has
// the same).
RunOptions SegmentDefaults() {
  RunOptions defaults;
  defaults.cluster = TsKMeansOptions();
  defaults.silhouette = SilhouetteOptions();
  defaults.k_choice = KChoiceRule();
  defaults.sweep_sample = kDefaultSweepSample;
  defaults.seed = 0;
  return defaults;
}

TsKMeansOptions FitOptions(const SegmentFlags& flags, const RunOptions& table) {
  TsKMeansOptions fit = table.cluster;  // metric, band, max_iter, tol, n_init
  fit.k = flags.k;
  fit.seed = table.seed;
  fit.init = flags.init == "random" ? KMeansInit::kRandom : KMeansInit::kKMeansPlusPlus;
  fit.assignment =
      flags.assignment == "naive" ? AssignmentStrategy::kNaive : AssignmentStrategy::kPruned;
  fit.threads = flags.ingest.threads;
  fit.Validate();
  return fit;
}

ClusteringOptions Clustering(const SegmentFlags& flags) {
  RunOptions table = SegmentDefaults();
  ApplyTableFlags(flags.table, table);
  ClusteringOptions clustering;
  clustering.k = flags.k_range.empty() ? flags.k : 0;
  clustering.fixed_k_silhouette = flags.silhouette;
  KSelectionOptions& sweep = clustering.sweep;
  if (!flags.k_range.empty()) ParseKRange(flags.k_range, &sweep.k_min, &sweep.k_max);
  sweep.fit = FitOptions(flags, table);
  sweep.compute_silhouette = !flags.no_silhouette;
  sweep.choice = table.k_choice;
  sweep.choice.Validate();  // before the input is read, with a single k too
  sweep.sweep_sample = table.sweep_sample;
  if (sweep.sweep_sample < 0)
    throw InvalidArgument("out of range: '" + std::to_string(sweep.sweep_sample) + "'",
                          {.field = "--sweep-sample", .expected = "an integer >= 0 (0: sweep every customer)"});
  SilhouetteOptions& silhouette = sweep.silhouette;
  silhouette.metric = sweep.fit.metric;
  silhouette.band = sweep.fit.band;
  silhouette.sample = table.silhouette.sample;
  silhouette.memory_budget_bytes = table.silhouette.memory_budget_bytes;
  silhouette.seed = table.seed;
  silhouette.threads = flags.ingest.threads;
  silhouette.Validate();
  return clustering;
}

nlohmann::json InputJson(const TimeSeriesSet& series, const Prepared& prepared,
                         const TsKMeansOptions& fit, int threads) {
  nlohmann::json summary;
  summary["input"] = prepared.input;
  summary["series"] = series.size();
  summary["dims"] = series.dims;
  summary["min_length"] = series.MinLength();
  summary["max_length"] = series.MaxLength();
  summary["metric"] = MetricName(fit.metric);
  summary["band_radius"] = fit.band.radius;
  summary["band_fraction"] = fit.band.fraction;
  summary["seed"] = fit.seed;
  summary["threads"] = internal::ResolveThreads(threads);
  return summary;
}

void AddSweepJson(const std::string& k_range, const ClusteringResult& clustered, nlohmann::json& summary) {
  summary["k_range"] = k_range;
  summary["best_k"] = clustered.fit.k;
  summary["k_choice"] = clustered.k_choice;
  if (clustered.swept_series > 0) {  // only then, so that unsampled summaries keep their bytes
    summary["sweep_sample"] = {{"swept", clustered.swept_series},
                               {"series", clustered.series_count},
                               {"seconds_full_fit", clustered.seconds_full_fit}};
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : clustered.k_selection) {
    rows.push_back({{"k", row.k},
                    {"inertia", row.inertia},
                    {"silhouette", std::isnan(row.silhouette) ? nlohmann::json() : nlohmann::json(row.silhouette)},
                    {"davies_bouldin", row.davies_bouldin},
                    {"iterations", row.iterations},
                    {"converged", row.converged},
                    {"seconds_fit", row.seconds_fit},
                    {"min_segment_share", row.min_segment_share}});
  }
  summary["k_selection"] = rows;
  const SilhouetteResult& pass = clustered.silhouette_pass;
  summary["silhouette"] = {{"used_matrix", pass.used_matrix},
                           {"sample_size", pass.sample_size},
                           {"distance_computations", pass.distance_computations},
                           {"seconds", pass.seconds}};
  summary["sweep_dtw_calls"] = clustered.sweep_dtw_calls;
}

void AddFixedKSilhouetteJson(const ClusteringResult& clustered, nlohmann::json& summary) {
  const SilhouetteResult& pass = clustered.silhouette_pass;
  summary["silhouette"] = {{"score", clustered.silhouette},
                           {"used_matrix", pass.used_matrix},
                           {"sample_size", pass.sample_size},
                           {"seconds", pass.seconds}};
}

void WriteCentroidsFile(const std::filesystem::path& path, const Prepared& prepared,
                        const TsKMeansResult& chosen, nlohmann::json& summary) {
  std::vector<double> original;
  std::vector<std::string> step_labels;
  OriginalUnits(prepared, chosen, original, step_labels);
  std::vector<std::string> names = prepared.series.dim_names;
  if (names.empty()) {
    for (int dim = 0; dim < prepared.series.dims; ++dim) names.push_back("dim_" + std::to_string(dim));
  }
  WriteCentroids(path, chosen, names, original, step_labels);
  if (prepared.lrfm) {
    summary["centroids_units"] = prepared.scaler.Invertible() ? "inverse of the scaling"
                                                              : "members' mean by calendar month";
  }
}

void WriteSummary(const std::filesystem::path& path, const nlohmann::json& summary) {
  std::ofstream out(path);
  out << summary.dump(2) << "\n";
  if (!out) throw InputError("cannot write", {path.string(), 0, "", ""});
}

void Run(const SegmentFlags& flags) {
  const auto start = Clock::now();
  if (flags.series_file.empty() == flags.ingest.file.empty()) {
    throw InvalidArgument("give either a transaction log FILE or --series FILE",
                          {"", 0, "FILE / --series", "exactly one input"});
  }
  const ClusteringOptions clustering = Clustering(flags);
  const TsKMeansOptions& fit = clustering.sweep.fit;
  RefuseOverwrites(flags.ingest, {{"--series", flags.series_file}}, flags.output,
                   {"k_selection.csv", "assignments.csv", "centroids.csv", "summary.json"});
  const Prepared prepared = Prepare(flags, fit.metric);
  const TimeSeriesSet& series = prepared.series;
  std::filesystem::create_directories(flags.output);
  const std::filesystem::path output(flags.output);
  nlohmann::json summary = InputJson(series, prepared, fit, flags.ingest.threads);

  const auto fit_start = Clock::now();
  if (clustering.k == 0 && isatty(STDERR_FILENO) != 0) {
    std::cerr << "segment: fitting k = " << flags.k_range << " ...\n";
  }
  const ClusteringResult clustered = ClusterSeries(series, clustering);
  const TsKMeansResult& chosen = clustered.fit;
  if (clustering.k == 0) {
    WriteKSelection(output / "k_selection.csv", clustered.k_selection);
    AddSweepJson(flags.k_range, clustered, summary);
  } else if (flags.silhouette) {
    AddFixedKSilhouetteJson(clustered, summary);
  }
  summary["seconds_clustering"] = Since(fit_start);
  summary["fit"] = FitJson(chosen);
  summary["davies_bouldin"] = DaviesBouldin(series, chosen.labels, chosen.centroids, chosen.k,
                                            chosen.length, fit.metric, fit.band, fit.threads);

  WriteAssignments(output / "assignments.csv", series, chosen);
  WriteCentroidsFile(output / "centroids.csv", prepared, chosen, summary);
  summary["seconds_total"] = Since(start);
  WriteSummary(output / "summary.json", summary);
  std::cerr << "segment: " << series.size() << " series, " << chosen.BriefReport() << " -> "
            << output.string() << "\n";
  if (flags.ingest.json) std::cout << summary.dump(2) << "\n";
}

}  // namespace

void AddSegmentCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<SegmentFlags>();
  CLI::App* command = app.add_subcommand(
      "segment", "TimeSeries K-Means of LRFM trajectories (FILE) or of any series (--series FILE)");
  AddIngestFlags(*command, flags->ingest);
  command->get_option("FILE")->required(false);
  command->add_option("--series", flags->series_file,
                      "Cluster these series instead: UCR/UEA .ts[.gz] or long CSV id,step,dims...");
  command->add_option("-o,--output", flags->output, "Output directory")->required();
  command->add_option("-k,--k", flags->k, "Number of segments")->capture_default_str();
  command->add_option("--k-range", flags->k_range, "Sweep k over MIN..MAX (e.g. 2..8); k is the largest within --k-tolerance of the best silhouette with every segment >= --min-segment-share (docs/clustering.md)");
  AddTableFlags(*command, flags->table, SegmentDefaults(), SegmentTableOptions());
  command->add_option("--init", flags->init, "kmeans++ or random")
      ->check(CLI::IsMember({"kmeans++", "random"}))
      ->capture_default_str();
  command->add_option("--assignment", flags->assignment, "pruned (lower bounds) or naive; same result")
      ->check(CLI::IsMember({"pruned", "naive"}))
      ->capture_default_str();
  command->add_option("--scaling", flags->scaling,
                      "feature-minmax | series-minmax | znorm | none (default: feature-minmax for a "
                      "transaction log, none for --series)");
  command->add_flag("--log1p,!--no-log1p", flags->log1p, "log1p of F and M before scaling (LRFM; default on)");
  command->add_option("--as-of", flags->as_of, "Reference date YYYY-MM-DD (LRFM)");
  command->add_option("--window", flags->window, "Keep the last N months of the panel; 0 keeps all");
  command->add_flag("--silhouette", flags->silhouette, "With a single k, also compute its silhouette");
  command->add_flag("--no-silhouette", flags->no_silhouette, "With --k-range, skip silhouettes (pick by Davies-Bouldin)");
  command->callback([flags, &context] {
    Run(*flags);
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
