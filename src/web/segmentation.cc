#include "web/segmentation.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "segcast/error.h"
#include "segcast/personas.h"
#include "segcast/quality.h"
#include "segcast/scale.h"
#include "segcast/segmentation.h"

namespace segcast::internal {
namespace {

using json = nlohmann::json;

LrfmValues ReadLrfm(const json& object) {
  auto value = [&object](const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_number() ? found->get<double>() : std::nan("");
  };
  return {value("L"), value("R"), value("F"), value("M")};
}

// One report row per clustered series, from the run's customers.
SegmentReportInput ReportInput(const RunData& run, const std::vector<int>& customer_of_series,
                               const std::vector<int>& labels) {
  SegmentReportInput input;
  const bool has_attributes = !run.attributes.columns.empty();
  for (size_t index = 0; index < customer_of_series.size(); ++index) {
    const RunCustomer& customer = run.customers[customer_of_series[index]];
    input.segment.push_back(labels[index]);
    input.revenue.push_back(customer.revenue);
    input.lrfm.push_back(customer.levels);
    if (run.has_countries) input.country.push_back(customer.country);
    if (has_attributes) input.attributes.values.push_back(run.attributes.values[customer_of_series[index]]);
  }
  if (has_attributes) input.attributes.columns = run.attributes.columns;
  return input;
}

SegmentView View(const SegmentSummary& summary, const std::vector<Persona>& personas) {
  SegmentView view;
  view.segment_id = summary.segment_id;
  for (const Persona& persona : personas) {
    if (persona.segment_id != summary.segment_id) continue;
    view.name = persona.name;
    view.evidence = persona.evidence;
    view.description = persona.description;
    view.action = persona.action;
  }
  view.customers = summary.customers;
  view.customer_share = summary.customer_share;
  view.revenue = summary.revenue;
  view.revenue_share = summary.revenue_share;
  view.mean = summary.mean;
  view.mixes = summary.mixes;
  view.first_month = summary.first_month;
  view.trajectory = summary.trajectory;
  return view;
}

}  // namespace

const SegmentView* Segmentation::Find(int32_t segment_id) const {
  for (const SegmentView& view : segments) {
    if (view.segment_id == segment_id) return &view;
  }
  return nullptr;
}

Segmentation RunSegmentation(const RunData& run) {
  Segmentation result;
  result.source = "run";
  result.k = run.k;
  result.metric = run.fit.metric;
  result.silhouette = run.silhouette;
  const json& file = run.segments_json;
  result.population = ReadLrfm(file.value("population_mean", json::object()));
  for (const json& segment : file.value("segments", json::array())) {
    SegmentView view;
    view.segment_id = segment.value("segment", 0);
    view.name = segment.value("name", "");
    view.evidence = segment.value("evidence", "");
    view.description = segment.value("description", "");
    if (const auto action = segment.find("action"); action != segment.end() && action->is_object()) {
      view.action = {action->value("name", ""), action->value("why", "")};
    }
    view.customers = segment.value("customers", int64_t{0});
    view.customer_share = segment.value("customer_share", 0.0);
    view.revenue = segment.value("revenue", 0.0);
    view.revenue_share = segment.value("revenue_share", 0.0);
    view.mean = ReadLrfm(segment.value("mean", json::object()));
    for (const json& mix : segment.value("mixes", json::array())) {
      AttributeMix attribute;
      attribute.column = mix.value("column", "");
      for (const json& entry : mix.value("entries", json::array())) {
        attribute.entries.push_back({entry.value("value", ""), entry.value("customers", int64_t{0}),
                                     entry.value("share", 0.0)});
      }
      view.mixes.push_back(std::move(attribute));
    }
    for (const json& point : segment.value("trajectory", json::array())) {
      if (!view.first_month) view.first_month = ParseIsoMonth(point.value("month", ""));
      view.trajectory.push_back(ReadLrfm(point));
    }
    if (const auto value = segment.find("value"); value != segment.end() && value->is_object()) {
      auto figure = [&value](const char* key) {
        const auto found = value->find(key);
        return found != value->end() && found->is_number() ? found->get<double>() : std::nan("");
      };
      SegmentValue figures;
      figures.segment_id = view.segment_id;
      figures.customers = static_cast<int>(view.customers);
      figures.expected_revenue = figure("expected_revenue");
      figures.likely_lost_share = figure("likely_lost_share");
      figures.mean_p_alive = figure("mean_p_alive");
      figures.mean_clv = figure("mean_clv");
      view.value = figures;
    }
    result.segments.push_back(std::move(view));
  }
  std::sort(result.segments.begin(), result.segments.end(),
            [](const SegmentView& a, const SegmentView& b) { return a.segment_id < b.segment_id; });
  for (const RunCustomer& customer : run.customers) {
    result.segment.push_back(customer.segment);
    result.distance.push_back(customer.distance);
  }
  return result;
}

Segmentation Recluster(const RunData& run, const ReclusterRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  if (!run.HasPanel()) {
    throw InvalidArgument("run " + run.run_id + " was written without lrfm.csv, so it cannot be re-clustered",
                          {.field = "k", .expected = "a run folder with lrfm.csv"});
  }
  const LrfmPanel panel = PanelForMetric(run, request.metric);
  const TimeSeriesSet series = PanelToSeries(panel, run.scale, nullptr);
  if (request.k < 1) {
    throw InvalidArgument("k = " + std::to_string(request.k) + ": a re-clustering needs at least one segment",
                          {.field = "k", .expected = "at least 1"});
  }
  ClusteringOptions clustering;
  clustering.k = request.k;
  TsKMeansOptions& fit = clustering.sweep.fit;
  fit = run.fit;
  fit.metric = request.metric;
  fit.threads = request.threads;
  SilhouetteOptions& silhouette = clustering.sweep.silhouette;
  silhouette.seed = fit.seed;
  silhouette.threads = request.threads;
  silhouette.sample = request.silhouette_sample;
  const ClusteringResult clustered = ClusterSeries(series, clustering);
  const TsKMeansResult& clustering_fit = clustered.fit;

  Segmentation result;
  result.source = "recluster";
  result.k = request.k;
  result.metric = request.metric;
  result.iterations = clustering_fit.iterations;
  result.seconds_seed = clustering_fit.seconds_init;
  result.seconds_assign = clustering_fit.seconds_assign;
  result.seconds_update = clustering_fit.seconds_update;
  result.seconds_silhouette = clustered.silhouette_pass.seconds;
  result.silhouette = clustered.silhouette;
  result.silhouette_sample =
      request.silhouette_sample > 0 ? std::min(request.silhouette_sample, series.size()) : series.size();
  result.segment.assign(run.customers.size(), -1);
  result.distance.assign(run.customers.size(), std::nan(""));
  // PanelToSeries keeps customers with a non-empty series, in panel order: map back by id.
  std::vector<int> customer_of_series(series.size());
  for (int index = 0; index < series.size(); ++index) {
    customer_of_series[index] = run.Find(series.ids[index]);
    result.segment[customer_of_series[index]] = clustering_fit.labels[index];
    result.distance[customer_of_series[index]] = clustering_fit.distances[index];
  }

  const auto profile_start = std::chrono::steady_clock::now();
  SegmentReportInput input = ReportInput(run, customer_of_series, clustering_fit.labels);
  input.centroids = MemberTrajectories(panel, clustering_fit.labels, request.k);
  const DescribedSegments described = DescribeSegments(input, run.persona_rules);
  result.mix_note = run.attributes_note;
  result.population = described.report.population_mean;
  for (const SegmentSummary& summary : described.report.segments) {
    result.segments.push_back(View(summary, described.personas));
  }
  const auto end = std::chrono::steady_clock::now();
  result.seconds_profile = std::chrono::duration<double>(end - profile_start).count();
  result.seconds = std::chrono::duration<double>(end - start).count();
  return result;
}

}  // namespace segcast::internal
