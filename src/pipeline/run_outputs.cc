// The files of a run folder: CSV for tables, JSON for nested results, report.md, manifest.json.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "internal/text_output.h"
#include "pipeline/run_state.h"
#include "segcast/error.h"

namespace segcast::internal {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CsvFile {
 public:
  CsvFile(const fs::path& path, const std::string& header) : path_(path), out_(path, std::ios::binary) {
    if (!out_) throw InputError("cannot create output file", {.file = path.string()});
    out_ << header << '\n';
  }
  template <typename... Fields>
  void Row(const Fields&... fields) {
    bool first = true;
    ((out_ << (first ? "" : ",") << Text(fields), first = false), ...);
    out_ << '\n';
  }
  ~CsvFile() noexcept(false) {
    out_.flush();
    if (!out_ && std::uncaught_exceptions() == 0) {
      throw InputError("could not write output file (disk full?)", {.file = path_.string()});
    }
  }

 private:
  static std::string Text(const std::string& value) { return CsvField(value); }
  static std::string Text(const char* value) { return CsvField(value); }
  static std::string Text(double value) { return FormatNumber(value); }
  static std::string Text(bool value) { return value ? "true" : "false"; }
  template <typename Integer>
  static std::string Text(Integer value) requires std::is_integral_v<Integer> {
    return std::to_string(value);
  }
  fs::path path_;
  std::ofstream out_;
};

void WriteJson(const fs::path& path, const json& value) {
  std::ofstream out(path, std::ios::binary);
  out << value.dump(2) << '\n';
  if (!out) throw InputError("cannot write output file", {.file = path.string()});
}

json Number(double value) { return std::isfinite(value) ? json(value) : json(); }

const RunSegment* FindSegment(const RunResult& result, int32_t id) {
  for (const RunSegment& segment : result.segments) {
    if (segment.segment_id == id) return &segment;
  }
  return nullptr;
}

json SegmentsJson(const RunState& state) {
  const RunResult& result = state.result;
  json segments = json::array();
  for (const SegmentSummary& summary : result.report.segments) {
    const RunSegment* segment = FindSegment(result, summary.segment_id);
    json mixes = json::array();
    for (const AttributeMix& mix : summary.mixes) {
      json entries = json::array();
      for (const MixEntry& entry : mix.entries) {
        entries.push_back({{"value", entry.value}, {"customers", entry.customers}, {"share", entry.share}});
      }
      mixes.push_back({{"column", mix.column}, {"entries", entries}});
    }
    json trajectory = json::array();
    for (size_t step = 0; step < summary.trajectory.size(); ++step) {
      const LrfmValues& cell = summary.trajectory[step];
      trajectory.push_back({{"month", summary.first_month ? FormatMonth(*summary.first_month + static_cast<int>(step)) : ""},
                            {"L", Number(cell[0])}, {"R", Number(cell[1])}, {"F", Number(cell[2])}, {"M", Number(cell[3])}});
    }
    segments.push_back({{"segment", summary.segment_id},
                        {"name", segment ? segment->persona.name : ""},
                        {"rule", segment ? segment->persona.rule : ""},
                        {"description", segment ? segment->persona.description : ""},
                        {"evidence", segment ? segment->persona.evidence : ""},
                        {"tie_broken", segment ? segment->persona.tie_broken : false},
                        {"tie_note", segment ? segment->persona.tie_note : ""},
                        {"previous_segment", segment ? segment->previous_segment_id : -1},
                        {"customers", summary.customers},
                        {"customer_share", summary.customer_share},
                        {"revenue", summary.revenue},
                        {"revenue_share", summary.revenue_share},
                        {"mean", {{"L", summary.mean[0]}, {"R", summary.mean[1]}, {"F", summary.mean[2]}, {"M", summary.mean[3]}}},
                        {"trajectory", trajectory},
                        {"mixes", mixes}});
  }
  json concentration = json::array();
  for (const ConcentrationRow& row : result.report.concentration) {
    concentration.push_back({{"segment", row.segment_id},
                             {"customer_share", row.customer_share},
                             {"revenue_share", row.revenue_share},
                             {"lift", row.lift},
                             {"cumulative_customer_share", row.cumulative_customer_share},
                             {"cumulative_revenue_share", row.cumulative_revenue_share},
                             {"statement", row.statement}});
  }
  const LrfmValues& population = result.report.population_mean;
  return {{"run_id", result.run_id},
          {"k", result.k},
          {"customers", result.report.customers},
          {"revenue", result.report.revenue},
          {"population_mean", {{"L", population[0]}, {"R", population[1]}, {"F", population[2]}, {"M", population[3]}}},
          {"silhouette", Number(result.silhouette)},
          {"davies_bouldin", Number(result.davies_bouldin)},
          {"pareto", result.report.pareto_statement},
          {"segments", segments},
          {"concentration", concentration}};
}

}  // namespace

std::string OptionsJson(const RunOptions& options) {
  json value = {
      {"input", {{"path", options.ingest.path},
                 {"demographics", options.ingest.demographics_path},
                 {"addresses", options.ingest.addresses_path},
                 {"join_key", options.ingest.join_key}}},
      {"panel", {{"as_of", options.panel.as_of ? FormatDay(*options.panel.as_of) : ""},
                 {"window", options.panel.window},
                 {"pre_acquisition", options.panel.pre_acquisition == PreAcquisition::kZero ? "zero" : "absent"}}},
      {"scale", {{"scaling", PanelScalingName(options.scale.scaling)},
                 {"log1p_frequency_monetary", options.scale.log1p_frequency_monetary}}},
      {"cluster", {{"k", options.k},
                   {"k_min", options.k_min},
                   {"k_max", options.k_max},
                   {"metric", MetricName(options.cluster.metric)},
                   {"band_radius", options.cluster.band.radius},
                   {"band_fraction", options.cluster.band.fraction},
                   {"max_iter", options.cluster.max_iter},
                   {"tol", options.cluster.tol},
                   {"n_init", options.cluster.n_init},
                   {"silhouette_sample", options.silhouette.sample},
                   {"keep_previous_k", options.keep_previous_k}}},
      {"personas", {{"rules", options.persona_rules_path.empty() ? "built-in" : options.persona_rules_path}}},
      {"forecast", {{"horizon", options.forecast.horizon},
                    {"interval", options.forecast.interval},
                    {"interval_scale_h1", options.forecast.interval_scale_h1},
                    {"interval_scale_slope", options.forecast.interval_scale_slope},
                    {"samples", options.forecast.samples},
                    {"backtest", options.run_backtest},
                    {"calibrate_intervals", options.calibrate_intervals}}},
      {"output", {{"dir", options.output_dir},
                  {"store", options.store.empty() ? "default" : RedactConnectionString(options.store)},
                  {"models", options.models_dir},
                  {"previous", options.previous},
                  {"run_id", options.run_id}}},
      {"seed", options.seed}};
  return value.dump();
}

std::string ManifestJson(const RunState& state) {
  const RunResult& result = state.result;
  const RunOptions& options = state.options;
  json inputs = json::array();
  auto add_input = [&](const std::string& role, const std::string& path, int64_t rows) {
    if (path.empty()) return;
    inputs.push_back({{"role", role}, {"path", path}, {"bytes", static_cast<int64_t>(fs::file_size(path))},
                      {"sha256", Sha256File(path)}, {"rows", rows}});
  };
  add_input("transactions", options.ingest.path, result.ingest.rows_read);
  for (const auto& join : result.ingest.joins) add_input("join", join.file, join.rows);
  json timings = json::array();
  for (const StageTiming& timing : result.timings) {
    timings.push_back({{"stage", timing.stage}, {"seconds", timing.seconds}, {"detail", timing.detail}});
  }
  json calibration = nullptr;
  if (result.interval_calibration) {
    const IntervalCalibration& applied = *result.interval_calibration;
    calibration = {{"scale", applied.scale},
                   {"points", applied.points},
                   {"coverage_before", applied.coverage_before},
                   {"coverage_after", applied.coverage_after}};
  } else if (options.calibrate_intervals) {
    calibration = {{"scale", nullptr}, {"note", result.interval_calibration_note}};
  }
  return json{{"run_id", result.run_id},
              {"segcast_version", SEGCAST_VERSION},
              {"as_of", FormatDay(result.as_of)},
              {"previous", options.previous},
              {"inputs", inputs},
              {"rows", {{"read", result.ingest.rows_read},
                        {"accepted", result.ingest.rows_accepted},
                        {"rejected", result.ingest.rejected_total()}}},
              {"options", json::parse(OptionsJson(options))},
              {"interval_calibration", calibration},
              {"threads", options.threads},
              {"timings", timings},
              {"seconds", result.seconds}}
      .dump(2);
}

void WriteRunFiles(const RunState& state, const std::string& directory) {
  const fs::path dir(directory);
  const RunResult& result = state.result;
  const LrfmPanel& panel = state.panel;

  WriteJson(dir / "ingest_report.json", json::parse(result.ingest.ToJson(/*with_timing=*/false)));
  {
    CsvFile rejects(dir / "rejects.csv", "line,reason,field,record");
    for (const RejectedRow& row : state.rejects) {
      rejects.Row(row.line, std::string(RejectReasonName(row.reason)), row.field, row.record);
    }
  }
  {
    CsvFile rfm(dir / "rfm.csv", "customer_id,recency,frequency,monetary,first_purchase,last_purchase,country");
    for (size_t row = 0; row < state.rfm.size(); ++row) {
      rfm.Row(state.rfm.customer_ids[row], state.rfm.recency[row], state.rfm.frequency[row],
              state.rfm.monetary[row], FormatDay(state.rfm.first_purchase[row]),
              FormatDay(state.rfm.last_purchase[row]), state.rfm.country[row]);
    }
  }
  if (state.options.write_panel) {
    CsvFile lrfm(dir / "lrfm.csv", "customer_id,month,L,R,F,M");
    for (int customer = 0; customer < panel.customer_count(); ++customer) {
      for (int month = panel.start[customer]; month < panel.month_count; ++month) {
        lrfm.Row(panel.customer_ids[customer], FormatMonth(panel.first_month + month),
                 panel.At(customer, month, kLength), panel.At(customer, month, kRecency),
                 panel.At(customer, month, kFrequency), panel.At(customer, month, kMonetary));
      }
    }
  }
  {
    CsvFile assignments(dir / "assignments.csv",
                        "customer_id,segment,name,distance,runner_up_segment,runner_up_distance");
    for (int index = 0; index < state.series.size(); ++index) {
      const NearestTwo& nearest = state.nearest[index];
      const int32_t segment = state.StableIdOfSeries(index);
      const RunSegment* named = FindSegment(result, segment);
      assignments.Row(state.series.ids[index], segment, named ? named->persona.name : "",
                      result.fit.distances[index],
                      nearest.runner_up >= 0 ? result.stable_ids[nearest.runner_up] : -1,
                      nearest.runner_up >= 0 ? nearest.runner_up_distance : std::nan(""));
    }
  }
  {
    CsvFile segments(dir / "segments.csv",
                     "segment,name,customers,customer_share,revenue,revenue_share,mean_L,mean_R,"
                     "mean_F,mean_M,previous_segment,tie_broken,evidence");
    for (const SegmentSummary& summary : result.report.segments) {
      const RunSegment* segment = FindSegment(result, summary.segment_id);
      segments.Row(summary.segment_id, segment ? segment->persona.name : "", summary.customers,
                   summary.customer_share, summary.revenue, summary.revenue_share, summary.mean[0],
                   summary.mean[1], summary.mean[2], summary.mean[3],
                   segment ? segment->previous_segment_id : -1,
                   segment ? segment->persona.tie_broken : false,
                   segment ? segment->persona.evidence : "");
    }
  }
  WriteJson(dir / "segments.json", SegmentsJson(state));
  {
    CsvFile centroids(dir / "centroids.csv",
                      "segment,step,month,L,R,F,M,scaled_L,scaled_R,scaled_F,scaled_M");
    const int length = result.fit.length;
    for (int cluster = 0; cluster < result.fit.k; ++cluster) {
      for (int step = 0; step < length; ++step) {
        const size_t cell = (static_cast<size_t>(cluster) * length + step) * kLrfmFeatures;
        const double* original = state.original_centroids.data() + cell;
        const double* scaled = result.fit.centroids.data() + cell;
        centroids.Row(result.stable_ids[cluster], step,
                      FormatMonth(panel.first_month + panel.month_count - length + step),
                      original[0], original[1], original[2], original[3], scaled[0], scaled[1],
                      scaled[2], scaled[3]);
      }
    }
  }
  {
    CsvFile concentration(dir / "concentration.csv",
                          "segment,customer_share,revenue_share,lift,cumulative_customer_share,"
                          "cumulative_revenue_share,statement");
    for (const ConcentrationRow& row : result.report.concentration) {
      concentration.Row(row.segment_id, row.customer_share, row.revenue_share, row.lift,
                        row.cumulative_customer_share, row.cumulative_revenue_share, row.statement);
    }
  }
  if (!result.k_selection.empty()) {
    CsvFile selection(dir / "k_selection.csv",
                      "k,inertia,silhouette,davies_bouldin,iterations,converged,seconds_fit");
    for (const KSelectionRow& row : result.k_selection) {
      selection.Row(row.k, row.inertia, row.silhouette, row.davies_bouldin, row.iterations,
                    row.converged, row.seconds_fit);
    }
  }
  WriteForecastCsv((dir / "forecast.csv").string(), result.forecasts);
  WriteForecastJson((dir / "forecast.json").string(), result.forecasts, state.options.forecast);
  WriteParametersJson((dir / "forecast_parameters.json").string(), result.forecasts);
  if (result.backtest) WriteBacktestCsv(dir.string(), *result.backtest);
  if (result.migration) {
    CsvFile matrix(dir / "migration.csv",
                   "from_segment,to_segment,customers,previous_revenue,current_revenue");
    for (const MigrationCell& cell : result.migration->matrix) {
      matrix.Row(cell.from_segment, cell.to_segment, cell.customers, cell.previous_revenue,
                 cell.current_revenue);
    }
    CsvFile moves(dir / "moves.csv",
                  "customer_id,from_segment,to_segment,kind,previous_revenue,current_revenue");
    for (const CustomerMove& move : result.migration->moves) {
      moves.Row(move.customer_id, move.from_segment, move.to_segment,
                std::string(MoveKindName(move.kind)), move.previous_revenue, move.current_revenue);
    }
  }
  {
    std::ofstream report(dir / "report.md", std::ios::binary);
    report << RenderReportMarkdown(state);
  }
  {
    std::ofstream manifest(dir / "manifest.json", std::ios::binary);
    manifest << ManifestJson(state) << '\n';
  }
}

}  // namespace segcast::internal
