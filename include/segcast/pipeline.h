// The whole job: ingest -> clean -> LRFM panel -> scale -> cluster (fixed k or a k range) ->
// personas -> forecasts -> outputs, store and saved model; optionally aligned with a previous run.
//
// Every stage is a library call of its own (ingest.h, panel.h, scale.h, ts_kmeans.h, personas.h,
// forecast.h, store.h, model.h); RunPipeline chains them with one set of options and records what
// each stage did and how long it took.
//
//   segcast::RunOptions options;
//   options.ingest.path = "online_retail.csv.gz";
//   options.output_dir = "out";
//   options.k_min = 2;  options.k_max = 8;   // k = 0: choose k by silhouette
//   segcast::RunResult result = segcast::RunPipeline(options);
//   std::cout << result.BriefReport();       // out/runs/<run id>/ holds every output
//
// Outputs (docs/pipeline.md): OUT/runs/<run id>/ holds CSV and JSON for every stage, report.md and
// manifest.json; OUT/latest points at the newest run; OUT/models/<run id>/model.json is the saved
// model; the store (SQLite OUT/segcast.db by default) receives the run in one transaction.
// The run directory is written to a staging folder and swapped in atomically, so a crash leaves
// the previous run's files intact; two runs on one output directory or store never interleave
// (the second fails with BusyError).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "segcast/backtest.h"
#include "segcast/cohort_backtest.h"
#include "segcast/cohort_forecast.h"
#include "segcast/forecast.h"
#include "segcast/interval_calibration.h"
#include "segcast/ingest.h"
#include "segcast/k_selection.h"
#include "segcast/migration.h"
#include "segcast/output_paths.h"
#include "segcast/panel.h"
#include "segcast/personas.h"
#include "segcast/quality.h"
#include "segcast/scale.h"
#include "segcast/segment_report.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

//! What produces the segment forecasts of a run.
enum class SegmentForecast {
  //! The customer-base model summed over each segment's members (cohort_forecast.h): a segment is
  //! a fixed set of customers. Default.
  kCustomerBase,
  //! The Prophet-style model on each segment's past revenue series (forecast.h). That series holds
  //! the group's own acquisition ramp and decline, so cohort backtests score it far below naive;
  //! kept for comparison.
  kSeries,
};

//! "customer-base" or "series"; nullopt for anything else.
std::optional<SegmentForecast> ParseSegmentForecast(const std::string& name);
const char* SegmentForecastName(SegmentForecast model);

struct RunOptions {
  //! The transaction log and how to read it (path, schema, joins). ingest.path is required.
  IngestOptions ingest;
  //! Reference date, window and pre-acquisition months of the panel. With the Euclidean metric
  //! pre_acquisition is forced to kZero (equal lengths are required).
  PanelOptions panel;
  //! Scaling of the panel before clustering (default: feature-minmax after log1p of F and M).
  PanelScaleOptions scale;
  //! Number of segments; 0 chooses k in [k_min, k_max] by the best silhouette. 0 or >= 1.
  int k = 0;
  //! Range searched when k = 0; 2 <= k_min <= k_max.
  int k_min = 2;
  int k_max = 8;
  //! How the sweep chooses k from its silhouettes and segment sizes (k_selection.h): the largest
  //! k within `silhouette_tolerance` of the best silhouette whose smallest segment holds at
  //! least `min_segment_share` of customers.
  KChoiceRule k_choice;
  //! Above this many customers the k sweep runs on a seeded uniform sample of this many and the
  //! chosen k is then fitted on everyone from the sample's centroids (KSelectionOptions::
  //! sweep_sample); 0 = sweep every customer. 0 or >= k_max. Default 20,000.
  int sweep_sample = kDefaultSweepSample;
  //! TimeSeries K-Means settings (metric, band, max_iter, n_init, init); `cluster.k`,
  //! `cluster.seed` and `cluster.threads` are overwritten from this struct.
  TsKMeansOptions cluster;
  //! Silhouette settings for the k sweep (memory budget, sample).
  SilhouetteOptions silhouette;
  //! Joined attribute columns whose mix each segment reports (e.g. "wealth_segment", "state");
  //! empty picks the categorical ones automatically: 2 to 20 distinct values, which leaves out
  //! names, addresses, birth dates and other identifying or free-text columns.
  std::vector<std::string> mix_columns;
  //! Persona rules file; "" uses the rules built in (DefaultPersonaRules(): models/personas.toml).
  std::string persona_rules_path;
  //! Forecast settings (horizon 6 months, 80% intervals by default). horizon, interval and
  //! samples apply to the customer-base forecasts too.
  ForecastOptions forecast;
  //! Which model forecasts the segments (and the total).
  SegmentForecast segment_forecast = SegmentForecast::kCustomerBase;
  //! The customer-base forecasts' own settings (holdout, rate adjustment, new customers, CLV
  //! months and discount); its horizon, interval, samples, seed and threads are set from
  //! `forecast`, `seed` and `threads`.
  CohortForecastOptions customer_base;
  //! Backtest of the run's forecasts. With the customer-base model: a cohort backtest
  //! (cohort_backtest.h) at the origin backtest.horizon months before the as-of date, clustered
  //! with the run's k, when that leaves at least 3 whole months of history before it. With the
  //! series model: the rolling-origin backtest of every segment's series (skipped for series
  //! shorter than backtest.min_history; backtest.forecast is replaced by `forecast`).
  bool run_backtest = true;
  //! Scale the forecast intervals by CalibrateIntervals of this run's own backtest
  //! (interval_calibration.h), so a scheduled job's intervals follow its own data month after
  //! month. The backtest then runs before the forecasts, with the unscaled intervals. With too
  //! few backtest points (fewer than 30) the intervals are left as they are and
  //! RunResult::interval_calibration_note says why. Needs run_backtest.
  bool calibrate_intervals = false;
  //! Default: 3 origins one month apart, 3-month horizon, at least 9 months of history, so a
  //! one-year log is backtested too.
  BacktestOptions backtest = [] {
    BacktestOptions defaults;
    defaults.origins = 3;
    defaults.horizon = 3;
    defaults.step = 1;
    defaults.min_history = 9;
    return defaults;
  }();
  //! Output directory; created when missing. Required.
  std::string output_dir = "segcast-out";
  //! Result store: "" = SQLite file OUT/segcast.db; "none" = no store; "sqlite:PATH", a path,
  //! or "postgresql://...".
  std::string store;
  //! Where models are saved; "" = OUT/models.
  std::string models_dir;
  //! The previous run to align segment ids with: a run id in the store, or a model directory
  //! (or model.json). "" = none.
  std::string previous;
  //! With a previous run and k = 0: fit the previous run's k instead of sweeping k_min..k_max,
  //! so that every segment can keep its id from month to month. false sweeps as usual.
  bool keep_previous_k = true;
  //! Id of this run; "" = the as-of date, YYYY-MM-DD (so a monthly job re-run for the same month
  //! replaces its own run). 1-128 characters of A-Z a-z 0-9 . _ -, not starting with '.', and
  //! not a reserved name (IsReservedRunId: "latest").
  std::string run_id;
  //! Write lrfm.csv (customers x months rows); large panels may turn it off.
  bool write_panel = true;
  //! All randomness (k-means++ seeding, forecast intervals, silhouette sample) derives from it.
  uint64_t seed = 0;
  //! Threads for every stage; 0 = all cores. Outputs do not depend on it.
  int threads = 0;
  //! Called once per finished stage with a one-line message; optional.
  std::function<void(const std::string&)> log;

  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

//! What one stage did.
struct StageTiming {
  std::string stage;   //!< "ingest", "panel", "cluster", ...
  double seconds = 0;  //!< wall time
  std::string detail;  //!< one line, e.g. "392,692 of 541,909 rows accepted"
};

//! One named segment of the run (stable id after alignment).
struct RunSegment {
  int32_t segment_id = 0;
  Persona persona;                   //!< name, evidence, tie marking
  int32_t previous_segment_id = -1;  //!< matched segment of the previous run, -1 if new or none
};

struct RunResult {
  std::string run_id;
  std::string run_dir;     //!< OUT/runs/<run id>
  std::string model_dir;   //!< OUT/models/<run id> (or the models_dir equivalent)
  std::string store;       //!< redacted store description, "" when none
  Day as_of = 0;
  IngestReport ingest;
  int customers = 0;
  int months = 0;
  int k = 0;
  std::vector<KSelectionRow> k_selection;  //!< empty for a fixed k
  std::string k_choice;                    //!< why the sweep chose k (KSelectionResult::choice)
  double silhouette = 0;                   //!< of the chosen k; NaN when not computed
  double davies_bouldin = 0;
  TsKMeansResult fit;                      //!< labels are the clustering's own (not stable ids)
  std::vector<int32_t> stable_ids;         //!< stable id of each cluster label
  std::vector<RunSegment> segments;        //!< by stable id
  SegmentReport report;
  std::vector<SeriesForecast> forecasts;   //!< "total" first, then one per segment
  std::optional<BacktestResult> backtest;   //!< series model only
  //! The customer-base model behind the forecasts (kCustomerBase): per-customer predictions,
  //! fitted parameters, rate check and notes.
  std::optional<CohortForecast> customer_base;
  //! The run's cohort backtest (kCustomerBase with run_backtest).
  std::optional<CohortBacktestResult> cohort_backtest;
  //! Why the cohort backtest did not run ("" when it ran or was not asked for).
  std::string cohort_backtest_note;
  //! The factor the forecast intervals were scaled by, with calibrate_intervals.
  std::optional<IntervalCalibration> interval_calibration;
  //! With calibrate_intervals but no factor applied: why (too few backtest points, ...).
  std::string interval_calibration_note;
  std::optional<MigrationResult> migration;
  std::string alignment;                   //!< alignment summary, "" without a previous run
  std::vector<StageTiming> timings;
  double seconds = 0;

  std::string BriefReport() const;
};

//! Runs the whole job. Throws the typed errors of each stage (InputError, ConfigError,
//! DatabaseError, BusyError, InvalidArgument); on any error the previous run's files, model and
//! store rows are left as they were.
RunResult RunPipeline(const RunOptions& options);

//! The name of the link OUT/latest to the newest run folder, which the dashboard also accepts
//! in place of a run id ("/api/runs/latest/...").
inline constexpr const char* kLatestRunName = "latest";

//! Whether `run_id` is a name the output folder or the dashboard gives another meaning: a run
//! with that id could not be reached. Only kLatestRunName today.
bool IsReservedRunId(const std::string& run_id);

//! Throws InvalidArgument (RefuseOutputsOverInputs) when the run would write over one of its
//! inputs: the log, the joined tables, the persona rules and `more_inputs` (e.g. the config
//! file) against the store's files, OUT/latest and, given a run id, the run and model folders that
//! publishing replaces whole. RunPipeline calls it before any work and again once the run id is
//! known.
void RefuseRunOverwrites(const RunOptions& options, const std::string& run_id,
                         const std::vector<NamedPath>& more_inputs = {});

//! Reads a run configuration into `options`: a TOML file with the keys of RunOptionTable()
//! (docs/options.md; relative paths are resolved against the file's folder), or a run's
//! manifest.json (its "options", paths as recorded). Throws ConfigError naming the file, line
//! and key of an unknown key or bad value.
void LoadRunConfig(const std::string& path, RunOptions& options);

}  // namespace segcast
