#include "web/segmentation.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "segcast/error.h"
#include "segcast/personas.h"
#include "segcast/quality.h"
#include "segcast/scale.h"

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

// Members' mean trajectories as ClusterStage builds them: by calendar month, from the first month
// any member is observed, stopping before a last month the as-of date cuts short.
std::vector<SegmentCentroid> MemberTrajectories(const LrfmPanel& panel, const std::vector<int>& labels,
                                                int k) {
  const int months = panel.month_count;
  const std::vector<double> means = PanelClusterMeans(panel, labels, k);
  auto mean_at = [&](int cluster, int month, int feature) {
    return means[(static_cast<size_t>(cluster) * months + month) * kLrfmFeatures + feature];
  };
  const bool partial_last = panel.as_of != FirstDayOfMonth(panel.first_month + months);
  const int end = partial_last && months > 1 ? months - 1 : months;
  std::vector<SegmentCentroid> trajectories(k);
  for (int cluster = 0; cluster < k; ++cluster) {
    SegmentCentroid& trajectory = trajectories[cluster];
    trajectory.segment_id = cluster;
    int first = 0;
    while (first < end - 1 && std::isnan(mean_at(cluster, first, kLength))) ++first;
    trajectory.first_month = panel.first_month + first;
    for (int month = first; month < end; ++month) {
      trajectory.trajectory.push_back({mean_at(cluster, month, kLength), mean_at(cluster, month, kRecency),
                                       mean_at(cluster, month, kFrequency),
                                       mean_at(cluster, month, kMonetary)});
    }
  }
  return trajectories;
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
  if (request.k < 1 || request.k > series.size()) {
    throw InvalidArgument("k = " + std::to_string(request.k) + " exceeds the " +
                              std::to_string(series.size()) + " customers",
                          {.field = "k", .expected = "at most the number of customers"});
  }
  TsKMeansOptions fit = run.fit;
  fit.k = request.k;
  fit.metric = request.metric;
  fit.threads = request.threads;
  const TsKMeansResult clustering = FitTsKMeans(series, fit);

  Segmentation result;
  result.source = "recluster";
  result.k = request.k;
  result.metric = request.metric;
  result.iterations = clustering.iterations;
  result.seconds_seed = clustering.seconds_init;
  result.seconds_assign = clustering.seconds_assign;
  result.seconds_update = clustering.seconds_update;
  const auto silhouette_start = std::chrono::steady_clock::now();
  result.segment.assign(run.customers.size(), -1);
  result.distance.assign(run.customers.size(), std::nan(""));
  // PanelToSeries keeps customers with a non-empty series, in panel order: map back by id.
  std::vector<int> customer_of_series(series.size());
  for (int index = 0; index < series.size(); ++index) {
    customer_of_series[index] = run.Find(series.ids[index]);
    result.segment[customer_of_series[index]] = clustering.labels[index];
    result.distance[customer_of_series[index]] = clustering.distances[index];
  }

  SilhouetteOptions silhouette;
  silhouette.metric = fit.metric;
  silhouette.band = fit.band;
  silhouette.seed = fit.seed;
  silhouette.threads = request.threads;
  silhouette.sample = request.silhouette_sample;
  result.silhouette = request.k >= 2 ? SilhouetteScores(series, {clustering.labels}, silhouette).scores[0]
                                     : std::numeric_limits<double>::quiet_NaN();
  result.silhouette_sample =
      request.silhouette_sample > 0 ? std::min(request.silhouette_sample, series.size()) : series.size();

  const auto profile_start = std::chrono::steady_clock::now();
  result.seconds_silhouette = std::chrono::duration<double>(profile_start - silhouette_start).count();
  SegmentReportInput input;
  for (int index = 0; index < series.size(); ++index) {
    const RunCustomer& customer = run.customers[customer_of_series[index]];
    input.segment.push_back(clustering.labels[index]);
    input.revenue.push_back(customer.revenue);
    input.lrfm.push_back(customer.levels);
    if (run.has_countries) input.country.push_back(customer.country);
    if (!run.attributes.columns.empty()) input.attributes.values.push_back(run.attributes.values[customer_of_series[index]]);
  }
  if (!run.attributes.columns.empty()) input.attributes.columns = run.attributes.columns;
  result.mix_note = run.attributes_note;
  input.centroids = MemberTrajectories(panel, clustering.labels, request.k);
  SegmentReportOptions report_options;
  report_options.mix = run.persona_rules.mix;
  const SegmentReport report = BuildSegmentReport(input, report_options);
  const std::vector<Persona> personas =
      AssignPersonas(report.Profiles(), report.Population(), run.persona_rules);
  result.population = report.population_mean;
  for (const SegmentSummary& summary : report.segments) {
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
    result.segments.push_back(std::move(view));
  }
  const auto end = std::chrono::steady_clock::now();
  result.seconds_profile = std::chrono::duration<double>(end - profile_start).count();
  result.seconds = std::chrono::duration<double>(end - start).count();
  return result;
}

}  // namespace segcast::internal
