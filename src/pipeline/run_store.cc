// The run as the store's records (store.h documents the tables).
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "pipeline/run_state.h"
#include "segcast/error.h"
#include "segcast/run_option_table.h"

namespace segcast::internal {
namespace {

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::optional<double> Bound(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read the run file for the store", {.file = path.string()});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

RunInfo MakeRunInfo(const RunState& state) {
  const RunResult& result = state.result;
  RunInfo info;
  info.run_id = result.run_id;
  info.created_at = UtcNow();
  info.as_of = FormatDay(result.as_of);
  info.previous_run_id = state.options.previous;
  info.segcast_version = SEGCAST_VERSION;
  info.k = result.k;
  info.customers = state.series.size();
  info.revenue = result.report.revenue;
  info.options_json = RunOptionsJson(state.options);
  info.manifest_json = ManifestJson(state);
  return info;
}

void AddCustomers(const RunState& state, StoredRun& run) {
  const RfmTable& rfm = state.rfm;
  for (size_t row = 0; row < rfm.size(); ++row) {
    run.customers.push_back({rfm.customer_ids[row], rfm.country[row], FormatDay(rfm.first_purchase[row]),
                             FormatDay(rfm.last_purchase[row]), rfm.frequency[row], rfm.monetary[row],
                             rfm.recency[row]});
  }
}

void AddAssignments(const RunState& state, StoredRun& run) {
  const RunResult& result = state.result;
  for (int index = 0; index < state.series.size(); ++index) {
    const NearestTwo& nearest = state.nearest[index];
    run.assignments.push_back(
        {state.series.ids[index], state.StableIdOfSeries(index), result.fit.distances[index],
         nearest.runner_up >= 0 ? result.stable_ids[nearest.runner_up] : -1,
         nearest.runner_up >= 0 ? nearest.runner_up_distance : 0.0});
  }
}

void AddSegments(const RunResult& result, StoredRun& run) {
  for (const SegmentSummary& summary : result.report.segments) {
    SegmentRecord record;
    record.segment_id = summary.segment_id;
    for (const RunSegment& segment : result.segments) {
      if (segment.segment_id != summary.segment_id) continue;
      record.name = segment.persona.name;
      record.evidence = segment.persona.evidence;
      record.tie_broken = segment.persona.tie_broken;
      record.previous_segment_id = segment.previous_segment_id;
    }
    record.customers = summary.customers;
    record.customer_share = summary.customer_share;
    record.revenue = summary.revenue;
    record.revenue_share = summary.revenue_share;
    record.mean_length = summary.mean[0];
    record.mean_recency = summary.mean[1];
    record.mean_frequency = summary.mean[2];
    record.mean_monetary = summary.mean[3];
    run.segments.push_back(record);
  }
}

void AddCentroids(const RunState& state, StoredRun& run) {
  const RunResult& result = state.result;
  const LrfmPanel& panel = state.panel;
  const int length = result.fit.length;
  for (int cluster = 0; cluster < result.fit.k; ++cluster) {
    for (int step = 0; step < length; ++step) {
      const size_t cell = (static_cast<size_t>(cluster) * length + step) * kLrfmFeatures;
      const double* original = state.original_centroids.data() + cell;
      const double* scaled = result.fit.centroids.data() + cell;
      CentroidRecord record;
      record.segment_id = result.stable_ids[cluster];
      record.month_offset = step;
      record.month = FormatMonth(panel.first_month + panel.month_count - length + step);
      record.length = original[0];
      record.recency = original[1];
      record.frequency = original[2];
      record.monetary = original[3];
      record.scaled_length = scaled[0];
      record.scaled_recency = scaled[1];
      record.scaled_frequency = scaled[2];
      record.scaled_monetary = scaled[3];
      run.centroids.push_back(record);
    }
  }
}

void AddForecasts(const RunResult& result, StoredRun& run) {
  for (const SeriesForecast& forecast : result.forecasts) {
    // "total" is segment -1, "existing" -2, "new" -3; "segment_<id>" carries the stable id.
    const int32_t segment = SeriesSegment(forecast.series_id);
    for (const ForecastPoint& point : forecast.points) {
      if (point.is_history && std::isfinite(point.actual)) {
        run.forecasts.push_back({segment, FormatMonth(point.month), "actual", point.actual, {}, {}});
      }
      // The customer-base forecasts fit no curve to the history: no fitted rows there.
      if (!std::isfinite(point.yhat)) continue;
      run.forecasts.push_back({segment, FormatMonth(point.month),
                               point.is_history ? "fitted" : "forecast", point.yhat,
                               Bound(point.yhat_lower), Bound(point.yhat_upper)});
    }
  }
}

// The rows of lrfm.csv, whatever write_panel says: a store-only reader re-clusters from them.
// Produced while the store writes them, one at a time: as records they would be a copy of the
// panel several times its size (a million customers make twelve million rows). `panel` outlives
// the StoredRun, which WriteRun consumes at once.
void AddPanel(const LrfmPanel& panel, StoredRun& run) {
  run.panel_rows = [&panel](const std::function<void(const PanelRecord&)>& use) {
    PanelRecord record;
    for (int customer = 0; customer < panel.customer_count(); ++customer) {
      record.customer_index = customer;
      record.customer_id = panel.customer_ids[customer];
      for (int month = panel.start[customer]; month < panel.month_count; ++month) {
        record.month = FormatMonth(panel.first_month + month);
        record.length = panel.At(customer, month, kLength);
        record.recency = panel.At(customer, month, kRecency);
        record.frequency = panel.At(customer, month, kFrequency);
        record.monetary = panel.At(customer, month, kMonetary);
        use(record);
      }
    }
  };
}

// The JSON answers exactly as the folder holds them (profiles, mixes, member trajectories,
// silhouette, forecast points): the store's own tables do not carry all of it.
void AddDocuments(const std::string& run_files, StoredRun& run) {
  for (const char* name : {"forecast.json", "segments.json"}) {
    const std::filesystem::path path = std::filesystem::path(run_files) / name;
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) run.documents.push_back({name, ReadText(path)});
  }
}

// The rows of clv.csv: what the customer-base model says of each customer.
void AddCustomerValues(const RunState& state, StoredRun& run) {
  if (!state.result.customer_base) return;
  const CohortForecast& model = *state.result.customer_base;
  const CustomerHistories& histories = model.histories;
  const CustomerPredictions& predictions = model.predictions;
  run.customer_values.reserve(histories.size());
  for (int customer = 0; customer < histories.size(); ++customer) {
    CustomerValueRecord record;
    record.customer_id = state.transactions.customer_ids[histories.customer_index[customer]];
    record.segment_id = model.segment[customer];
    record.purchases = int64_t{histories.repeat_purchases[customer]} + 1;
    record.recency_weeks = histories.recency_weeks[customer];
    record.age_weeks = histories.age_weeks[customer];
    record.p_alive = predictions.p_alive[customer];
    record.expected_purchases = predictions.expected_purchases[customer];
    record.expected_revenue = predictions.expected_revenue[customer];
    record.clv = predictions.clv[customer];
    run.customer_values.push_back(std::move(record));
  }
}

void AddMigration(const RunResult& result, StoredRun& run) {
  if (!result.migration) return;
  for (const MigrationCell& cell : result.migration->matrix) {
    run.migrations.push_back({cell.from_segment, cell.to_segment, cell.customers,
                              cell.previous_revenue, cell.current_revenue});
  }
  for (const CustomerMove& move : result.migration->moves) {
    run.moves.push_back({move.customer_id, move.from_segment, move.to_segment, MoveKindName(move.kind)});
  }
}

}  // namespace

StoredRun MakeStoredRun(const RunState& state, const std::string& run_files) {
  StoredRun run;
  run.info = MakeRunInfo(state);
  AddCustomers(state, run);
  AddAssignments(state, run);
  AddSegments(state.result, run);
  AddCentroids(state, run);
  AddForecasts(state.result, run);
  AddPanel(state.panel, run);
  AddDocuments(run_files, run);
  AddCustomerValues(state, run);
  AddMigration(state.result, run);
  return run;
}

}  // namespace segcast::internal
