// What RunPipeline carries from stage to stage. Internal to the pipeline stage.
#pragma once

#include <string>
#include <vector>

#include "pipeline/previous_run.h"
#include "segcast/assign.h"
#include "segcast/model.h"
#include "segcast/pipeline.h"
#include "segcast/rfm.h"
#include "segcast/segment_report.h"
#include "segcast/segmentation.h"
#include "segcast/store.h"

namespace segcast::internal {

struct RunState {
  explicit RunState(const RunOptions& run_options) : options(run_options) {}

  const RunOptions& options;
  std::vector<RejectedRow> rejects;
  Transactions transactions;
  RfmTable rfm;
  LrfmPanel panel;
  TimeSeriesSet series;
  //! Panel customer of each series (PanelToSeries skips customers with an empty series).
  std::vector<int> series_customer;
  PanelScaler scaler;
  //! k x fit.length x 4 centroids in original units, by clustering label.
  std::vector<double> original_centroids;
  //! Members' mean L, R, F, M by calendar month, by clustering label, from the first month any
  //! member is observed: what reports and personas read (a DBA centroid of variable-length series
  //! stretches short series over the whole window, which is right for distances, not for reading).
  std::vector<SegmentCentroid> member_trajectories;
  //! Nearest two centroids of every series, by clustering label.
  std::vector<NearestTwo> nearest;
  //! Per panel customer: revenue over the panel months and the levels personas read.
  std::vector<double> customer_revenue;
  std::vector<LrfmValues> customer_levels;
  //! The run this one aligns with (RunOptions::previous), loaded before clustering.
  std::optional<PreviousRun> previous;
  RunResult result;

  //! Stable id of a series' cluster.
  int32_t StableIdOfSeries(int series_index) const {
    return result.stable_ids[result.fit.labels[series_index]];
  }
};

//! Stage "panel": the LRFM panel and RFM table of `transactions` (the run's own, or a log the
//! cohort backtest shares between origins without copying) as of options.panel.as_of, with the
//! customer levels personas read. Throws InputError with fewer than two customers.
void PanelStage(RunState& state, const Transactions& transactions);
//! Stage "scale": the panel as scaled series for clustering.
void ScaleStage(RunState& state);
//! Stage "cluster": a fixed k (options.k, or the previous run's) or the k sweep; centroids in
//! original units and members' trajectories.
void ClusterStage(RunState& state);
//! The clustering options ClusterStage uses for `state`.
ClusteringOptions StageClusteringOptions(const RunState& state);
//! The fit ClusterStage makes (the same labels and centroids), without what only describes it:
//! the fixed-k silhouette, Davies-Bouldin, nearest centroids, trajectories. For callers that read
//! labels alone, such as the cohort backtest at its origins. Above `sweep_sample` customers the
//! fit is the seeded sample's and the labels are every customer's nearest centroid, so the labels
//! are those of the sample's segments, not of a k-means run over everyone (the other fields, such
//! as inertia, describe the sample's fit).
TsKMeansResult FitClusterLabels(const RunState& state);
//! Stage "personas": the segment report and persona names (by clustering label).
void BuildSegments(RunState& state, const PersonaRules& rules);
//! Stage "align": stable ids and names from state.previous (or identity without one).
void AlignWithPrevious(RunState& state, const PersonaRules& rules);
//! Migration between the previous run's assignments and this one's.
void BuildRunMigration(RunState& state);
//! The saved model of this run.
SavedModel MakeModel(const RunState& state);
//! Every output file of the run, written into `directory` (a staging folder).
void WriteRunFiles(const RunState& state, const std::string& directory);
//! report.md.
std::string RenderReportMarkdown(const RunState& state);
//! The run as the store's records; `run_files` is the folder WriteRunFiles filled, whose
//! segments.json and forecast.json the store keeps verbatim.
StoredRun MakeStoredRun(const RunState& state, const std::string& run_files);
//! The manifest: run id, inputs with hashes and row counts, every option, version, timings.
std::string ManifestJson(const RunState& state);

//! Hex SHA-256 of a file's bytes. Throws InputError when unreadable.
std::string Sha256File(const std::string& path);

}  // namespace segcast::internal
