#include "pipeline/previous_run.h"

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "segcast/error.h"
#include "segcast/model.h"
#include "segcast/panel.h"

namespace segcast::internal {
namespace {

// Original units -> this run's scaled space; only for scalings with one transform for all series.
void ScaleLikeCurrent(const PanelScaler& scaler, std::vector<double>& values) {
  for (size_t cell = 0; cell < values.size(); ++cell) {
    const int feature = static_cast<int>(cell % kLrfmFeatures);
    double value = values[cell];
    if (scaler.options.log1p_frequency_monetary && (feature == kFrequency || feature == kMonetary)) {
      value = SignedLog1p(value);
    }
    if (scaler.options.scaling == PanelScaling::kFeatureMinMax) {
      value = (value - scaler.minimum[feature]) / scaler.range[feature];
    }
    values[cell] = value;
  }
}

std::optional<RunAssignments> AssignmentsFromStore(ResultStore& store, const std::string& run_id) {
  LoadParts parts;
  parts.centroids = parts.forecasts = parts.migrations = parts.moves = parts.segments = false;
  parts.panel = parts.documents = parts.customer_values = false;
  const StoredRun run = store.LoadRun(run_id, parts);
  std::unordered_map<std::string, double> revenue;
  for (const CustomerRecord& customer : run.customers) revenue[customer.customer_id] = customer.revenue;
  RunAssignments assignments;
  for (const AssignmentRecord& row : run.assignments) {
    assignments.customer_ids.push_back(row.customer_id);
    assignments.segment.push_back(row.segment_id);
    auto found = revenue.find(row.customer_id);
    assignments.revenue.push_back(found == revenue.end() ? 0.0 : found->second);
  }
  return assignments;
}

PreviousRun FromModel(const std::filesystem::path& path, ResultStore* store,
                      const PanelScaler& scaler) {
  const SavedModel model = LoadModel(path);
  PreviousRun previous;
  previous.run_id = model.run_id;
  previous.source = "model " + path.string();
  const bool model_global = model.options.scaling == "none" || model.options.scaling == "feature-minmax";
  if (model_global != scaler.Invertible()) {
    throw InvalidArgument("the previous model scaled series with '" + model.options.scaling +
                          "', this run with '" + PanelScalingName(scaler.options.scaling) +
                          "': their centroids cannot be compared",
                          {.field = "previous", .expected = "runs with comparable scalings"});
  }
  for (const ModelCentroid& saved : model.centroids) {
    AlignmentCentroid centroid;
    centroid.segment_id = saved.segment_id;
    centroid.name = saved.name;
    centroid.values = saved.values;
    if (model_global) {
      // Back to original units through the model's own scaler, then into this run's space.
      for (size_t cell = 0; cell < centroid.values.size(); ++cell) {
        const int feature = static_cast<int>(cell % kLrfmFeatures);
        double value = centroid.values[cell] * model.scaler.scale[feature] + model.scaler.center[feature];
        if (model.scaler.log1p[feature]) value = std::expm1(value);
        centroid.values[cell] = value;
      }
      ScaleLikeCurrent(scaler, centroid.values);
    }
    previous.centroids.push_back(std::move(centroid));
  }
  if (store != nullptr && !model.run_id.empty() && store->HasRun(model.run_id)) {
    previous.assignments = AssignmentsFromStore(*store, model.run_id);
  }
  return previous;
}

PreviousRun FromStore(ResultStore& store, const std::string& run_id, const PanelScaler& scaler) {
  LoadParts parts;
  parts.customers = parts.assignments = parts.forecasts = parts.migrations = parts.moves = false;
  parts.panel = parts.documents = parts.customer_values = false;
  const StoredRun run = store.LoadRun(run_id, parts);
  PreviousRun previous;
  previous.run_id = run_id;
  previous.source = "store run " + run_id;
  for (const SegmentRecord& segment : run.segments) {
    AlignmentCentroid centroid;
    centroid.segment_id = segment.segment_id;
    centroid.name = segment.name;
    for (const CentroidRecord& row : run.centroids) {  // ordered by segment, then month
      if (row.segment_id != segment.segment_id) continue;
      if (scaler.Invertible()) {
        centroid.values.insert(centroid.values.end(),
                               {row.length, row.recency, row.frequency, row.monetary});
      } else {
        centroid.values.insert(centroid.values.end(), {row.scaled_length, row.scaled_recency,
                                                       row.scaled_frequency, row.scaled_monetary});
      }
    }
    if (centroid.values.empty()) {
      throw InvalidArgument("run '" + run_id + "' in the store has no centroid for segment " +
                            std::to_string(segment.segment_id),
                            {.field = "previous", .expected = "a complete run"});
    }
    if (scaler.Invertible()) ScaleLikeCurrent(scaler, centroid.values);
    previous.centroids.push_back(std::move(centroid));
  }
  previous.assignments = AssignmentsFromStore(store, run_id);
  return previous;
}

}  // namespace

PreviousRun LoadPreviousRun(const std::string& reference, ResultStore* store,
                            const PanelScaler& scaler) {
  const std::filesystem::path path(reference);
  if (std::filesystem::is_directory(path) || path.filename() == kModelFileName) {
    return FromModel(path, store, scaler);
  }
  if (store != nullptr && store->HasRun(reference)) return FromStore(*store, reference, scaler);
  throw InvalidArgument("previous run '" + reference +
                        "' is neither a model directory nor a run id in the store",
                        {.field = "previous",
                         .expected = "a run id listed by the store, or OUT/models/<run id>"});
}

}  // namespace segcast::internal
