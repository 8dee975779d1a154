// The segment stages of a run: report and personas, alignment with a previous run, migration,
// and the saved model.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <utility>

#include "pipeline/previous_run.h"
#include "pipeline/run_state.h"
#include "segcast/alignment.h"
#include "segcast/error.h"
#include "segcast/segmentation.h"

namespace segcast::internal {
namespace {

// More distinct values than this and a column is an identifier or free text, not a mix.
constexpr size_t kMaxMixValues = 20;

// Indices of the joined columns reported as mixes: the ones named, or the categorical ones the
// rules file does not exclude (record flags such as deceased_indicator are not attributes).
std::vector<int> MixColumns(const CustomerAttributes& attributes,
                            const std::vector<std::string>& requested, const MixRules& rules) {
  std::vector<int> columns;
  for (size_t column = 0; column < attributes.columns.size(); ++column) {
    if (!requested.empty()) {
      if (std::find(requested.begin(), requested.end(), attributes.columns[column]) != requested.end()) {
        columns.push_back(static_cast<int>(column));
      }
      continue;
    }
    if (rules.Excluded(attributes.columns[column])) continue;
    std::set<std::string> distinct;
    for (const auto& row : attributes.values) {
      if (!row[column].empty()) distinct.insert(row[column]);
      if (distinct.size() > kMaxMixValues) break;
    }
    if (distinct.size() >= 2 && distinct.size() <= kMaxMixValues) columns.push_back(static_cast<int>(column));
  }
  for (const std::string& name : requested) {
    if (std::find(attributes.columns.begin(), attributes.columns.end(), name) == attributes.columns.end()) {
      std::string known;
      for (const auto& column : attributes.columns) known += (known.empty() ? "" : ", ") + column;
      throw InvalidArgument("no joined column '" + name + "'",
                            {.field = "mix_columns",
                             .expected = known.empty() ? "a demographics or addresses join" : "one of " + known});
    }
  }
  return columns;
}

// `id_of_label[label]` names each cluster in the report (clustering labels or stable ids).
SegmentReportInput MakeReportInput(const RunState& state, const std::vector<int32_t>& id_of_label,
                                   const MixRules& mix_rules) {
  const TsKMeansResult& fit = state.result.fit;
  std::vector<int> rfm_row(state.transactions.customer_count(), -1);
  for (size_t row = 0; row < state.rfm.size(); ++row) {
    rfm_row[state.rfm.customer_index[row]] = static_cast<int>(row);
  }
  const CustomerAttributes& attributes = state.transactions.attributes;
  const std::vector<int> mix_columns = MixColumns(attributes, state.options.mix_columns, mix_rules);
  const bool has_country = !state.transactions.countries.empty();
  SegmentReportInput input;
  for (int column : mix_columns) input.attributes.columns.push_back(attributes.columns[column]);
  for (int index = 0; index < state.series.size(); ++index) {
    const int customer = state.series_customer[index];
    const int transaction_customer = state.panel.customer_index[customer];
    input.segment.push_back(id_of_label[fit.labels[index]]);
    input.revenue.push_back(state.customer_revenue[customer]);
    input.lrfm.push_back(state.customer_levels[customer]);
    const int row = rfm_row[transaction_customer];
    if (has_country) input.country.push_back(row >= 0 ? state.rfm.country[row] : "");
    if (!attributes.values.empty() && !mix_columns.empty()) {
      std::vector<std::string> values;
      for (int column : mix_columns) values.push_back(attributes.values[transaction_customer][column]);
      input.attributes.values.push_back(std::move(values));
    }
  }
  for (int cluster = 0; cluster < fit.k; ++cluster) {
    SegmentCentroid centroid = state.member_trajectories[cluster];
    centroid.segment_id = id_of_label[cluster];
    input.centroids.push_back(std::move(centroid));
  }
  return input;
}

SegmentReportOptions ReportOptions(const PersonaRules& rules) {
  SegmentReportOptions options;
  options.mix = rules.mix;
  return options;
}

std::vector<double> ScaledCentroid(const TsKMeansResult& fit, int cluster) {
  const size_t size = static_cast<size_t>(fit.length) * fit.dims;
  return std::vector<double>(fit.centroids.begin() + cluster * size,
                             fit.centroids.begin() + (cluster + 1) * size);
}

}  // namespace

void BuildSegments(RunState& state, const PersonaRules& rules) {
  const int k = state.result.fit.k;
  std::vector<int32_t> identity(k);
  std::iota(identity.begin(), identity.end(), 0);
  DescribedSegments described = DescribeSegments(MakeReportInput(state, identity, rules.mix), rules);
  state.result.report = std::move(described.report);
  state.result.segments.clear();
  for (const Persona& persona : described.personas) {
    state.result.segments.push_back({persona.segment_id, persona, -1});
  }
}

void AlignWithPrevious(RunState& state, const PersonaRules& rules) {
  RunResult& result = state.result;
  const int k = result.fit.k;
  // Segments are still keyed by clustering label here (BuildSegments used the identity).
  std::vector<RunSegment> by_label = result.segments;
  result.stable_ids.resize(k);
  std::iota(result.stable_ids.begin(), result.stable_ids.end(), 0);
  if (state.previous) {
    const PreviousRun& previous = *state.previous;
    std::vector<AlignmentCentroid> current;
    for (int cluster = 0; cluster < k; ++cluster) {
      current.push_back({cluster, by_label[cluster].persona.name, ScaledCentroid(result.fit, cluster), 4});
    }
    // Always DTW: a window change gives centroids of different lengths.
    DtwWorkspace workspace;
    std::vector<std::vector<double>> distances(previous.centroids.size(),
                                               std::vector<double>(current.size()));
    for (size_t row = 0; row < previous.centroids.size(); ++row) {
      for (size_t column = 0; column < current.size(); ++column) {
        const auto& a = previous.centroids[row];
        const auto& b = current[column];
        distances[row][column] = Dtw(a.values.data(), a.months(), b.values.data(), b.months(), 4,
                                     state.options.cluster.band, workspace);
      }
    }
    const AlignmentResult aligned = AlignSegments(previous.centroids, current, distances, {});
    for (const AlignedSegment& segment : aligned.current) {
      result.stable_ids[segment.current_label] = segment.stable_id;
      RunSegment& run_segment = by_label[segment.current_label];
      run_segment.previous_segment_id = segment.previous_id;
      run_segment.persona.name = segment.name;
      if (segment.renamed) {
        run_segment.persona.evidence += " (was \"" + segment.previous_name + "\" in the previous run)";
      }
    }
    result.alignment = "aligned with " + previous.source + ": " + aligned.BriefReport();
  }
  // Re-key segments and the report by stable id.
  result.segments.clear();
  for (int cluster = 0; cluster < k; ++cluster) {
    RunSegment segment = by_label[cluster];
    segment.segment_id = result.stable_ids[cluster];
    segment.persona.segment_id = segment.segment_id;
    result.segments.push_back(std::move(segment));
  }
  std::sort(result.segments.begin(), result.segments.end(),
            [](const RunSegment& a, const RunSegment& b) { return a.segment_id < b.segment_id; });
  result.report = BuildSegmentReport(MakeReportInput(state, result.stable_ids, rules.mix),
                                     ReportOptions(rules));
}

void BuildRunMigration(RunState& state) {
  if (!state.previous || !state.previous->assignments) return;
  RunAssignments current;
  for (int index = 0; index < state.series.size(); ++index) {
    current.customer_ids.push_back(state.series.ids[index]);
    current.segment.push_back(state.StableIdOfSeries(index));
    current.revenue.push_back(state.customer_revenue[state.series_customer[index]]);
  }
  state.result.migration = BuildMigration(*state.previous->assignments, current);
}

SavedModel MakeModel(const RunState& state) {
  const RunResult& result = state.result;
  const RunOptions& options = state.options;
  SavedModel model;
  model.run_id = result.run_id;
  model.as_of = FormatDay(result.as_of);
  model.options.metric = MetricName(options.cluster.metric);
  model.options.band = options.cluster.band.RadiusFor(result.fit.length, result.fit.length);
  model.options.k = result.fit.k;
  model.options.window = options.panel.window;
  model.options.scaling = PanelScalingName(state.scaler.options.scaling);
  model.options.pre_acquisition =
      options.cluster.metric == Metric::kEuclidean ||
              options.panel.pre_acquisition == PreAcquisition::kZero
          ? "zero"
          : "absent";
  model.scaler.method = model.options.scaling;
  model.scaler.per_series = state.scaler.options.scaling == PanelScaling::kSeriesMinMax ||
                            state.scaler.options.scaling == PanelScaling::kZNormalize;
  for (int feature = 0; feature < kLrfmFeatures; ++feature) {
    model.scaler.log1p[feature] = state.scaler.options.log1p_frequency_monetary &&
                                  (feature == kFrequency || feature == kMonetary);
    const bool global = state.scaler.options.scaling == PanelScaling::kFeatureMinMax;
    model.scaler.center[feature] = global ? state.scaler.minimum[feature] : 0.0;
    model.scaler.scale[feature] = global ? state.scaler.range[feature] : 1.0;
  }
  for (int cluster = 0; cluster < result.fit.k; ++cluster) {
    ModelCentroid centroid;
    centroid.segment_id = result.stable_ids[cluster];
    for (const RunSegment& segment : result.segments) {
      if (segment.segment_id != centroid.segment_id) continue;
      centroid.name = segment.persona.name;
      centroid.evidence = segment.persona.evidence;
    }
    centroid.months = result.fit.length;
    centroid.values = ScaledCentroid(result.fit, cluster);
    model.centroids.push_back(std::move(centroid));
  }
  std::sort(model.centroids.begin(), model.centroids.end(),
            [](const ModelCentroid& a, const ModelCentroid& b) { return a.segment_id < b.segment_id; });
  return model;
}

}  // namespace segcast::internal
