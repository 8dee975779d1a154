// RunPipeline: the stages in order, each timed and logged; outputs published only at the end so
// that any failure leaves the previous run as it was.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>

#include <unistd.h>

#include "internal/parallel.h"
#include "pipeline/run_directory.h"
#include "pipeline/run_state.h"
#include "segcast/assign.h"
#include "segcast/cohort_backtest.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/k_selection.h"
#include "segcast/model.h"
#include "segcast/monthly_series.h"
#include "segcast/output_paths.h"
#include "segcast/segmentation.h"
#include "segcast/store.h"
#include "internal/text_output.h"

namespace segcast {
namespace {

using internal::WithThousands;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Above this many series an exact silhouette (N^2 / 2 distances) stops being interactive; the
// sweep then scores a seeded sample unless the user asked for a size.
constexpr int kExactSilhouetteLimit = 20000;
constexpr int kDefaultSilhouetteSample = 10000;


class StageClock {
 public:
  StageClock(internal::RunState& state, std::string stage)
      : state_(state), stage_(std::move(stage)), start_(Clock::now()) {}
  void Finish(const std::string& detail) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    state_.result.timings.push_back({stage_, seconds, detail});
    if (state_.options.log) {
      std::ostringstream line;
      line.precision(3);
      line << stage_ << ": " << detail << " (" << std::fixed << seconds << " s)";
      state_.options.log(line.str());
    }
  }

 private:
  internal::RunState& state_;
  std::string stage_;
  Clock::time_point start_;
};

void IngestStage(internal::RunState& state) {
  StageClock clock(state, "ingest");
  IngestOptions ingest = state.options.ingest;
  ingest.threads = state.options.threads;
  ingest.collect_rejects = true;
  IngestResult result = Ingest(ingest);
  if (result.report.rows_accepted == 0) {
    throw InputError("no row was accepted, so there are no customers to segment (see the "
                     "rejection counts: " + std::to_string(result.report.rejected_total()) +
                     " rows rejected)",
                     {.file = ingest.path});
  }
  state.transactions = std::move(result.transactions);
  state.rejects = std::move(result.rejects);
  state.result.ingest = std::move(result.report);
  const IngestReport& report = state.result.ingest;
  // The notes on dates (future_date rows, the slash-date order) go on the log line too.
  std::string notes = report.DatesNote();
  for (char& c : notes) c = c == '\n' ? ';' : c;
  if (!notes.empty()) notes = " (" + notes.substr(0, notes.size() - 1) + ")";
  clock.Finish(WithThousands(report.rows_accepted) + " of " + WithThousands(report.rows_read) +
               " rows accepted, " + WithThousands(report.customers) + " customers" + notes);
}

}  // namespace

namespace internal {

void PanelStage(internal::RunState& state, const Transactions& transactions) {
  StageClock clock(state, "panel");
  PanelOptions panel = state.options.panel;
  if (state.options.cluster.metric == Metric::kEuclidean) {
    panel.pre_acquisition = PreAcquisition::kZero;  // Euclidean needs equal lengths
  }
  state.panel = BuildPanel(transactions, panel);
  state.rfm = ComputeRfm(transactions, {.as_of = state.panel.as_of});
  state.result.as_of = state.panel.as_of;
  state.result.customers = state.panel.customer_count();
  state.result.months = state.panel.month_count;
  if (state.panel.customer_count() < 2) {
    throw InputError("fewer than two customers have purchases before the as-of date " +
                     FormatDay(state.panel.as_of) + ": nothing to segment",
                     {.file = state.options.ingest.path});
  }

  CustomerLevels levels = PanelCustomerLevels(state.panel);
  state.customer_revenue = std::move(levels.revenue);
  state.customer_levels = std::move(levels.levels);
  clock.Finish(WithThousands(state.panel.customer_count()) + " customers x " +
               std::to_string(state.panel.month_count) + " months from " + FormatMonth(state.panel.first_month) + ", as of " +
               FormatDay(state.panel.as_of));
}

void ScaleStage(internal::RunState& state) {
  StageClock clock(state, "scale");
  state.series = PanelToSeries(state.panel, state.options.scale, &state.scaler);
  state.series_customer.clear();
  int customer = 0;
  for (int index = 0; index < state.series.size(); ++index) {
    while (state.panel.customer_ids[customer] != state.series.ids[index]) ++customer;
    state.series_customer.push_back(customer++);
  }
  clock.Finish(std::string(PanelScalingName(state.options.scale.scaling)) +
               (state.options.scale.log1p_frequency_monetary ? " after log1p of F and M" : "") +
               ", " + WithThousands(state.series.size()) + " series");
}

ClusteringOptions StageClusteringOptions(const internal::RunState& state) {
  const RunOptions& options = state.options;
  ClusteringOptions clustering;
  clustering.k = options.k;
  if (clustering.k == 0 && state.previous && options.keep_previous_k) {
    clustering.k = static_cast<int>(state.previous->centroids.size());
  }
  KSelectionOptions& sweep = clustering.sweep;
  sweep.fit = options.cluster;
  sweep.fit.seed = options.seed;
  sweep.fit.threads = options.threads;
  sweep.silhouette = options.silhouette;
  sweep.silhouette.seed = options.seed;
  sweep.silhouette.threads = options.threads;
  if (sweep.silhouette.sample == 0 && state.series.size() > kExactSilhouetteLimit) {
    sweep.silhouette.sample = kDefaultSilhouetteSample;
  }
  sweep.k_min = options.k_min;
  sweep.k_max = std::min(options.k_max, state.series.size());
  sweep.choice = options.k_choice;
  sweep.sweep_sample = options.sweep_sample;
  if (clustering.k == 0 && sweep.k_max < sweep.k_min) {
    throw InputError("only " + std::to_string(state.series.size()) +
                     " customers: too few for the k range " + std::to_string(options.k_min) +
                     ".." + std::to_string(options.k_max),
                     {.file = options.ingest.path});
  }
  return clustering;
}

TsKMeansResult FitClusterLabels(const RunState& state) {
  ClusteringOptions clustering = StageClusteringOptions(state);
  // With a fixed k the silhouette only describes the fit; the caller reads labels alone.
  clustering.fixed_k_silhouette = false;
  const int sample_size = state.options.sweep_sample;
  if (sample_size == 0 || state.series.size() <= sample_size) return ClusterSeries(state.series, clustering).fit;
  // Above sweep_sample customers: the clustering of the k sweep's seeded sample, then every
  // customer to its nearest centroid. One assignment pass instead of a k-means run over everyone;
  // the run's own segments, above that size, also start from the sample's centroids.
  const std::vector<int> sample = SweepSample(state.series.size(), sample_size, state.options.seed);
  clustering.sweep.sweep_sample = 0;  // the sample is drawn
  TsKMeansResult fit = ClusterSeries(SeriesSubset(state.series, sample), clustering).fit;
  const TsKMeansOptions& options = clustering.sweep.fit;
  const std::vector<NearestTwo> nearest = NearestTwoCentroids(
      state.series, fit.centroids, fit.k, fit.length, options.metric, options.band, options.threads);
  fit.labels.resize(nearest.size());
  for (size_t index = 0; index < nearest.size(); ++index) fit.labels[index] = nearest[index].best;
  return fit;
}

void ClusterStage(internal::RunState& state) {
  StageClock clock(state, "cluster");
  const RunOptions& options = state.options;
  const ClusteringOptions clustering = StageClusteringOptions(state);
  const KSelectionOptions& sweep = clustering.sweep;
  ClusteringResult clustered = ClusterSeries(state.series, clustering);
  RunResult& result = state.result;
  result.fit = std::move(clustered.fit);
  result.silhouette = clustered.silhouette;
  result.k_selection = std::move(clustered.k_selection);
  result.k_choice = std::move(clustered.k_choice);
  result.k = result.fit.k;
  const TsKMeansOptions& fit = sweep.fit;
  result.davies_bouldin =
      DaviesBouldin(state.series, result.fit.labels, result.fit.centroids, result.fit.k,
                    result.fit.length, fit.metric, fit.band, options.threads);
  state.nearest = NearestTwoCentroids(state.series, result.fit.centroids, result.fit.k,
                                      result.fit.length, fit.metric, fit.band, options.threads);
  // Centroids in original units for the model and store; reports read the members' mean
  // trajectory by calendar month.
  state.original_centroids = CentroidsInOriginalUnits(state.panel, state.scaler, result.fit);
  state.member_trajectories = MemberTrajectories(state.panel, result.fit.labels, result.fit.k);
  const int k = result.k;
  const int fixed_k = clustering.k;
  std::ostringstream detail;
  detail.precision(3);
  detail << "k = " << k
         << (options.k > 0 ? "" : fixed_k > 0 ? " (the previous run's)" : " (k rule, see report.md)")
         << ", silhouette "
         << result.silhouette << ", Davies-Bouldin " << result.davies_bouldin << ", "
         << MetricName(fit.metric) << ", " << result.fit.iterations << " iterations";
  clock.Finish(detail.str());
}

}  // namespace internal

namespace {

// The Prophet-style model on each segment's revenue series (SegmentForecast::kSeries).
void SeriesForecastStage(internal::RunState& state) {
  StageClock clock(state, "forecast");
  const LrfmPanel& panel = state.panel;
  std::vector<int> labels(panel.customer_count(), -1);
  for (int index = 0; index < state.series.size(); ++index) {
    labels[state.series_customer[index]] = state.StableIdOfSeries(index);
  }
  std::vector<MonthlySeries> series = RevenueSeriesFromPanel(panel, labels, "segment_");
  ForecastOptions forecast = state.options.forecast;
  forecast.seed = state.options.seed;
  forecast.threads = state.options.threads;
  // The backtest comes first: with calibrate_intervals its points size the forecast's intervals.
  std::string backtest_detail;
  if (state.options.run_backtest) {
    BacktestOptions backtest = state.options.backtest;
    backtest.forecast = forecast;
    backtest.threads = state.options.threads;
    state.result.backtest = Backtest(series, backtest);
    backtest_detail = "; backtest on " + std::to_string(state.result.backtest->series_used) + " series";
    if (state.options.calibrate_intervals) {
      try {
        state.result.interval_calibration = CalibrateIntervals(*state.result.backtest);
        ScaleIntervals(forecast, state.result.interval_calibration->scale);
        std::ostringstream scaled;
        scaled.precision(3);
        scaled << "; intervals scaled by " << state.result.interval_calibration->scale
               << " (backtest coverage " << 100 * state.result.interval_calibration->coverage_before
               << "% -> " << 100 * state.result.interval_calibration->coverage_after << "%)";
        backtest_detail += scaled.str();
      } catch (const InputError& error) {
        // A scheduled job should still publish its forecasts; the note says they are unscaled.
        state.result.interval_calibration_note = error.message() + "; intervals left unscaled";
        backtest_detail += "; " + state.result.interval_calibration_note;
      }
    }
  }
  state.result.forecasts = ForecastAll(series, forecast);
  std::string detail = std::to_string(series.size()) + " series, " +
                       std::to_string(forecast.horizon) + " months ahead";
  if (!series.empty() && series.front().partial) {
    detail += "; " + FormatMonth(series.front().partial->month) + " is partial (" +
              std::to_string(series.front().partial->days_observed) + " of " +
              std::to_string(series.front().partial->days_in_month) + " days), left out of the fit";
  }
  detail += backtest_detail;
  clock.Finish(detail);
}

// The run's own cohort backtest: clustered with the run's k at an origin inside the history.
void RunOwnCohortBacktest(internal::RunState& state) {
  const RunOptions& options = state.options;
  const MonthIndex data_month = MonthOfDay(FirstPurchaseDay(state.transactions));
  const MonthIndex origin = MonthOfDay(state.panel.as_of) - options.backtest.horizon;
  if (origin - data_month < 3) {
    state.result.cohort_backtest_note =
        "no cohort backtest: an origin " + std::to_string(options.backtest.horizon) +
        " months before the as-of date leaves fewer than 3 whole months of history";
    return;
  }
  RunOptions at_origin = options;
  at_origin.log = nullptr;
  CohortBacktestOptions backtest;
  backtest.origins = {FirstDayOfMonth(origin)};
  backtest.horizon = options.backtest.horizon;
  backtest.k = state.result.k;
  // Only what the run itself saw: rows before its as-of date.
  try {
    state.result.cohort_backtest = CohortBacktest(at_origin, state.transactions, backtest);
  } catch (const Error& error) {
    state.result.cohort_backtest_note = "no cohort backtest: " + error.message();
  }
}

// Segment forecasts as sums over each segment's members (SegmentForecast::kCustomerBase).
void CustomerBaseForecastStage(internal::RunState& state) {
  StageClock clock(state, "forecast");
  const RunOptions& options = state.options;
  std::vector<int32_t> segment(state.transactions.customer_count(), -1);
  for (int index = 0; index < state.series.size(); ++index) {
    segment[state.panel.customer_index[state.series_customer[index]]] = state.StableIdOfSeries(index);
  }
  // The backtest first: its errors size the intervals.
  if (options.run_backtest) RunOwnCohortBacktest(state);
  CohortForecastOptions forecast = options.customer_base;
  forecast.customer_base.horizon = options.forecast.horizon;
  forecast.customer_base.threads = options.threads;
  forecast.interval = options.forecast.interval;
  forecast.samples = options.forecast.samples;
  forecast.seed = options.seed;
  if (state.result.cohort_backtest) {
    const ForecastLogErrors errors = CohortBacktestErrors(*state.result.cohort_backtest);
    if (errors.points >= 6) forecast.errors = errors;
  }
  state.result.customer_base = ForecastCohorts(state.transactions, state.panel.as_of, segment, forecast);
  state.result.forecasts = state.result.customer_base->forecasts;

  const CohortForecast& result = *state.result.customer_base;
  std::ostringstream detail;
  detail.precision(3);
  detail << "customer-base model on " << WithThousands(result.histories.size()) << " customers ("
         << WithThousands(result.fit.repeat_customers) << " repeat), " << options.forecast.horizon
         << " months ahead, rate factor " << result.rate.factor;
  if (state.result.cohort_backtest) {
    const CohortBacktestScore& score = state.result.cohort_backtest->scores.back();
    detail << "; cohort backtest WAPE " << score.wape << " vs naive "
           << std::min(score.wape_naive_last, score.wape_naive_mean3) << ", coverage "
           << 100 * score.coverage << "%";
  } else if (!state.result.cohort_backtest_note.empty()) {
    detail << "; " << state.result.cohort_backtest_note;
  }
  clock.Finish(detail.str());
}

void ForecastStage(internal::RunState& state) {
  if (state.options.segment_forecast == SegmentForecast::kSeries) {
    SeriesForecastStage(state);
  } else {
    CustomerBaseForecastStage(state);
  }
}

std::string ResolveStore(const RunOptions& options) {
  if (options.store.empty()) return "sqlite:" + (fs::path(options.output_dir) / "segcast.db").string();
  return options.store;
}

fs::path ModelsFolder(const RunOptions& options) {
  return options.models_dir.empty() ? fs::path(options.output_dir) / "models" : fs::path(options.models_dir);
}

// What the run reads, named as the user gave it.
std::vector<NamedPath> RunInputs(const RunOptions& options) {
  return {{"FILE", options.ingest.path},
          {"demographics", options.ingest.demographics_path},
          {"addresses", options.ingest.addresses_path},
          {"personas", options.persona_rules_path}};
}

// What the run writes: the store's files, OUT/latest and the lock; once the run id is known, the
// run and model folders that publishing replaces whole.
PlannedOutputs RunOutputs(const RunOptions& options, const std::string& run_id) {
  const fs::path output(options.output_dir);
  PlannedOutputs outputs;
  outputs.files = {{"output_dir", (output / kLatestRunName).string()},
                   {"output_dir", (output / ".segcast.lock").string()}};
  const std::string database = options.store == "none" ? "" : SqliteStorePath(ResolveStore(options));
  if (!database.empty()) {
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) outputs.files.push_back({"store", database + suffix});
  }
  if (!run_id.empty()) {
    outputs.replaced_folders = {{"output_dir", (output / "runs" / run_id).string()},
                                {"models_dir", (ModelsFolder(options) / run_id).string()}};
  }
  return outputs;
}

// OUT/latest is the link segcast points at the newest run folder; anything else there is the
// user's, and replacing it (or failing on it after the store commit) would lose data or leave
// the run half-published.
void RequireLatestIsOurs(const fs::path& output) {
  const fs::path latest = output / kLatestRunName;
  std::error_code error;
  const fs::file_status status = fs::symlink_status(latest, error);
  if (!fs::exists(status)) return;
  if (fs::is_symlink(status)) {
    const fs::path target = fs::read_symlink(latest, error);
    if (!error && target.parent_path() == "runs") return;
  }
  const std::string what = fs::is_symlink(status)  ? "a symbolic link to " + fs::read_symlink(latest, error).string()
                           : fs::is_directory(status) ? std::string("a folder")
                                                      : std::string("a file");
  throw InvalidArgument(
      "is " + what + " that segcast did not make: segcast keeps " + latest.string() +
          " as its link to the newest run folder (runs/<run id>) and will not replace it; move it "
          "away or choose another output folder",
      {.file = latest.string(), .field = "output_dir", .expected = "no " + std::string(kLatestRunName) +
                                                                 " there, or segcast's link"});
}

// Run folders with a manifest: runs this output folder has published.
int CountRunFolders(const fs::path& runs) {
  int count = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(runs, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && fs::is_regular_file(entry.path() / "manifest.json", error)) ++count;
  }
  return count;
}

// SQLite takes a zero-byte file for a new database. Beside earlier run folders such a file was
// truncated or replaced: writing into it would silently start the history of runs again.
void RefuseEmptiedStore(const std::string& connection, const fs::path& output) {
  const std::string path = SqliteStorePath(connection);
  std::error_code error;
  if (path.empty() || !fs::is_regular_file(path, error) || fs::file_size(path, error) != 0 || error) return;
  const int earlier = CountRunFolders(output / "runs");
  if (earlier == 0) return;
  throw DatabaseError("the store file is empty (0 bytes) while " + (output / "runs").string() +
                          " holds " + std::to_string(earlier) +
                          " earlier run" + (earlier == 1 ? "" : "s") +
                          ": it was truncated or replaced, and segcast will not start a new history "
                          "in it. To recover, move it aside (mv " + path + " " + path +
                          ".empty) and run again: a new store is created, and the earlier runs "
                          "stay whole in their run folders, which the dashboard reads (docs/store.md)",
                      {.file = "sqlite:" + path});
}

// Removes the staging folders of a run that fails before publishing them (a full disk needs the
// space back at once; the next run would only clean them up later).
class StagingGuard {
 public:
  ~StagingGuard() {
    if (published_) return;
    std::error_code ignored;
    for (const fs::path& folder : folders_) fs::remove_all(folder, ignored);
  }
  void Add(const fs::path& folder) { folders_.push_back(folder); }
  void Published() { published_ = true; }

 private:
  std::vector<fs::path> folders_;
  bool published_ = false;
};

// Stages, stores and publishes the run's outputs: the run folder and the model are staged, the
// store commits, then both are swapped in and OUT/latest follows.
void PublishOutputs(internal::RunState& state, ResultStore* store) {
  const RunOptions& options = state.options;
  RunResult& result = state.result;
  const fs::path output(options.output_dir);
  const fs::path runs = output / "runs";
  const fs::path models = ModelsFolder(options);
  StagingGuard guard;
  try {
    const fs::path staging = internal::MakeStagingDirectory(runs, result.run_id);
    guard.Add(staging);
    internal::WriteRunFiles(state, staging.string());
    // The model is staged as well and swapped in after the store commit, with the run folder: a
    // kill before the commit must leave the previous model, not one of a run that never completed.
    const fs::path model_staging = internal::MakeStagingDirectory(models, result.run_id);
    guard.Add(model_staging);
    SaveModel(internal::MakeModel(state), model_staging);
    if (store) store->WriteRun(internal::MakeStoredRun(state, staging.string()));
    internal::PublishDirectory(staging, runs / result.run_id);
    internal::PublishDirectory(model_staging, models / result.run_id);
    guard.Published();
    internal::PointSymlink(output / kLatestRunName, fs::path("runs") / result.run_id);
  } catch (const fs::filesystem_error& error) {
    if (!IsNoSpaceErrno(error.code().value())) throw;
    throw NoSpaceError("writing the run's outputs failed: " + error.code().message() +
                           "; free disk space (or raise the quota) and run again. Nothing was "
                           "published: the previous run is intact",
                       {.file = error.path1().string()});
  }
}

}  // namespace

void RefuseRunOverwrites(const RunOptions& options, const std::string& run_id,
                         const std::vector<NamedPath>& more_inputs) {
  std::vector<NamedPath> inputs = RunInputs(options);
  inputs.insert(inputs.end(), more_inputs.begin(), more_inputs.end());
  RefuseOutputsOverInputs(inputs, RunOutputs(options, run_id));
}

RunResult RunPipeline(const RunOptions& options) {
  const auto start = Clock::now();
  options.Validate();
  RefuseRunOverwrites(options, options.run_id);
  const fs::path output(options.output_dir);
  fs::create_directories(output);
  internal::DirectoryLock directory_lock(output);
  RequireLatestIsOurs(output);

  // The store and its lock come first: a busy store must fail before minutes of work.
  std::unique_ptr<ResultStore> store;
  std::unique_ptr<StoreLock> store_lock;
  if (options.store != "none") {
    RefuseEmptiedStore(ResolveStore(options), output);
    store = OpenStore(ResolveStore(options));
    store_lock = store->AcquireRunLock("segcast run pid " + std::to_string(::getpid()));
  }
  const PersonaRules rules = options.persona_rules_path.empty()
                                 ? DefaultPersonaRules()
                                 : LoadPersonaRules(options.persona_rules_path);

  internal::RunState state(options);
  IngestStage(state);
  PanelStage(state, state.transactions);
  state.result.run_id = options.run_id.empty() ? FormatDay(state.panel.as_of) : options.run_id;
  // Publishing replaces OUT/runs/<run id> and the model folder whole: no input may live there.
  RefuseRunOverwrites(options, state.result.run_id);
  ScaleStage(state);
  if (!options.previous.empty()) {
    state.previous = internal::LoadPreviousRun(options.previous, store.get(), state.scaler);
  }
  ClusterStage(state);
  {
    StageClock clock(state, "personas");
    internal::BuildSegments(state, rules);
    clock.Finish(std::to_string(state.result.segments.size()) + " segments named; " +
                 state.result.report.pareto_statement);
  }
  {
    StageClock clock(state, "align");
    internal::AlignWithPrevious(state, rules);
    internal::BuildRunMigration(state);
    clock.Finish(state.result.alignment.empty() ? "no previous run" : state.result.alignment);
  }
  ForecastStage(state);

  StageClock outputs_clock(state, "outputs");
  RunResult& result = state.result;
  result.run_dir = (output / "runs" / result.run_id).string();
  result.model_dir = (ModelsFolder(options) / result.run_id).string();
  result.store = store ? store->Describe() : "";
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  PublishOutputs(state, store.get());
  outputs_clock.Finish("run " + result.run_id + " in " + result.run_dir +
                       (store ? ", store " + result.store : ""));
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return std::move(state.result);
}

std::string RunResult::BriefReport() const {
  std::ostringstream text;
  text.precision(3);
  text << "run " << run_id << " (as of " << FormatDay(as_of) << "): " << customers
       << " customers x " << months << " months, k = " << k << ", silhouette " << silhouette
       << "\n";
  for (const RunSegment& segment : segments) {
    const auto& summary = report.segments;
    for (const auto& row : summary) {
      if (row.segment_id != segment.segment_id) continue;
      text << "  segment " << segment.segment_id << " " << segment.persona.name << ": "
           << row.customers << " customers (" << FormatPercent(row.customer_share) << "), "
           << FormatPercent(row.revenue_share) << " of revenue\n";
    }
  }
  if (!report.pareto_statement.empty()) text << "  " << report.pareto_statement << "\n";
  if (migration) text << "  migration: " << migration->BriefReport() << "\n";
  text << "  outputs: " << run_dir << "\n";
  return text.str();
}

}  // namespace segcast
