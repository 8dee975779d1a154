// The files of a run folder: CSV for tables, JSON for nested results, report.md, manifest.json.
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "internal/text_output.h"
#include "pipeline/csv_file.h"
#include "pipeline/run_state.h"
#include "segcast/cohort_backtest.h"
#include "segcast/error.h"
#include "segcast/run_option_table.h"

namespace segcast::internal {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void WriteText(const fs::path& path, const std::string& text) {
  errno = 0;  // a failed open or write sets it: a full disk becomes NoSpaceError
  std::ofstream out(path, std::ios::binary);
  if (!out) ThrowWriteFailure("creating the output file", path.string(), errno);
  out << text;
  out.flush();
  if (!out) ThrowWriteFailure("writing the output file", path.string(), errno);
}

void WriteJson(const fs::path& path, const json& value) { WriteText(path, value.dump(2) + '\n'); }

json Number(double value) { return std::isfinite(value) ? json(value) : json(); }

const RunSegment* FindSegment(const RunResult& result, int32_t id) {
  for (const RunSegment& segment : result.segments) {
    if (segment.segment_id == id) return &segment;
  }
  return nullptr;
}

// The customer-base model's view of a segment (null fields without the model).
std::optional<SegmentValue> FindValue(const std::vector<SegmentValue>& values, int32_t id) {
  for (const SegmentValue& value : values) {
    if (value.segment_id == id) return value;
  }
  return std::nullopt;
}

json ValueJson(const std::optional<SegmentValue>& value) {
  if (!value) return nullptr;
  return {{"expected_revenue", value->expected_revenue},
          {"likely_lost_share", value->likely_lost_share},
          {"mean_p_alive", value->mean_p_alive},
          {"mean_clv", value->mean_clv}};
}

std::vector<SegmentValue> SegmentValues(const RunResult& result) {
  return result.customer_base ? SummarizeSegmentValues(*result.customer_base)
                              : std::vector<SegmentValue>{};
}

json MixDifferencesJson(const SegmentReport& report) {
  json differences = json::array();
  for (const MixDifference& difference : report.mix_differences) {
    differences.push_back({{"column", difference.column},
                           {"max_distance", difference.max_distance},
                           {"segment", difference.segment_id},
                           {"differs", difference.differs}});
  }
  return differences;
}

json SegmentsJson(const RunState& state) {
  const RunResult& result = state.result;
  const std::vector<SegmentValue> values = SegmentValues(result);
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
                        {"action", {{"name", segment ? segment->persona.action.name : ""},
                                    {"why", segment ? segment->persona.action.why : ""}}},
                        {"tie_broken", segment ? segment->persona.tie_broken : false},
                        {"tie_note", segment ? segment->persona.tie_note : ""},
                        {"previous_segment", segment ? segment->previous_segment_id : -1},
                        {"customers", summary.customers},
                        {"customer_share", summary.customer_share},
                        {"revenue", summary.revenue},
                        {"revenue_share", summary.revenue_share},
                        {"mean", {{"L", summary.mean[0]}, {"R", summary.mean[1]}, {"F", summary.mean[2]}, {"M", summary.mean[3]}}},
                        {"trajectory", trajectory},
                        {"mixes", mixes},
                        {"value", ValueJson(FindValue(values, summary.segment_id))}});
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
          {"k_choice", result.k_choice},
          {"davies_bouldin", Number(result.davies_bouldin)},
          {"pareto", result.report.pareto_statement},
          {"mix_differences", MixDifferencesJson(result.report)},
          {"mix_statement", result.report.mix_statement},
          {"segments", segments},
          {"concentration", concentration}};
}

}  // namespace

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
              {"options", json::parse(RunOptionsJson(options))},
              {"interval_calibration", calibration},
              {"threads", options.threads},
              {"timings", timings},
              {"seconds", result.seconds}}
      .dump(2);
}

json LikelihoodJson(const std::vector<std::string>& names, const std::vector<double>& values,
                    const LikelihoodFit& fit) {
  json parameters = json::object();
  for (size_t index = 0; index < names.size(); ++index) {
    parameters[names[index]] = {{"value", values[index]},
                                {"standard_error", Number(fit.standard_errors.empty()
                                                              ? NAN
                                                              : fit.standard_errors[index])}};
  }
  return {{"parameters", parameters},   {"log_likelihood", Number(fit.log_likelihood)},
          {"customers", fit.customers}, {"iterations", fit.iterations},
          {"converged", fit.converged}};
}

// clv.csv (one row per customer) and customer_base.json (fitted models, rate check, notes).
void WriteCustomerBaseFiles(const RunState& state, const fs::path& dir) {
  const CohortForecast& model = *state.result.customer_base;
  const CustomerHistories& histories = model.histories;
  const CustomerPredictions& predictions = model.predictions;
  {
    CsvFile clv(dir / "clv.csv",
                "customer_id,segment,purchases,recency_weeks,age_weeks,p_alive,expected_purchases,"
                "expected_revenue,clv");
    for (int customer = 0; customer < histories.size(); ++customer) {
      clv.Row(state.transactions.customer_ids[histories.customer_index[customer]],
              model.segment[customer], histories.repeat_purchases[customer] + 1,
              histories.recency_weeks[customer], histories.age_weeks[customer],
              predictions.p_alive[customer], predictions.expected_purchases[customer],
              predictions.expected_revenue[customer], predictions.clv[customer]);
    }
  }
  const CustomerBaseFit& fit = model.fit;
  const CohortForecastOptions& options = state.options.customer_base;
  WriteJson(dir / "customer_base.json",
            {{"as_of", FormatDay(histories.as_of)},
             {"purchase", "a distinct purchase day of a customer; time in weeks"},
             {"bgnbd", LikelihoodJson({"r", "alpha", "a", "b"},
                                      {fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b},
                                      fit.bgnbd_fit)},
             {"gamma_gamma", LikelihoodJson({"p", "q", "gamma"},
                                            {fit.gamma_gamma.p, fit.gamma_gamma.q,
                                             fit.gamma_gamma.gamma},
                                            fit.gamma_gamma_fit)},
             {"repeat_customers", fit.repeat_customers},
             {"frequency_spend_correlation", Number(fit.frequency_spend_correlation)},
             {"clv_months", options.customer_base.clv_months},
             {"monthly_discount", options.customer_base.monthly_discount},
             {"rate", {{"first_month", model.rate.months > 0 ? FormatMonth(model.rate.first_month) : ""},
                       {"months", model.rate.months},
                       {"actual", model.rate.actual},
                       {"predicted", model.rate.predicted},
                       {"factor", model.rate.factor},
                       {"factor_applied", state.options.customer_base.rate_adjustment !=
                                              RateAdjustment::kNone}}},
             {"interval_errors", {{"lasting_log_error", Number(model.rate.errors.lasting)},
                                  {"monthly_log_error", Number(model.rate.errors.monthly)},
                                  {"points", model.rate.errors.points},
                                  {"source", model.rate.error_source}}},
             {"segment_factors", model.segment_factors},
             {"seasonal", model.seasonal},
             {"new_customers_per_month", model.new_customers_per_month},
             {"first_purchase_value", model.first_purchase_value},
             {"notes", model.notes}});
}

// forecast.json also carries the run's cohort backtest (its scores and what they say), so that the
// dashboard shows it from a run folder and from a store alike (the store keeps the file).
void AddCohortBacktestJson(const fs::path& path, const RunResult& result) {
  if (!result.cohort_backtest && result.cohort_backtest_note.empty()) return;
  json file;
  {
    std::ifstream in(path, std::ios::binary);
    file = json::parse(in);
  }
  json backtest = {{"note", result.cohort_backtest_note}};
  if (result.cohort_backtest) {
    json scores = json::array();
    for (const CohortBacktestScore& score : result.cohort_backtest->scores) {
      scores.push_back({{"origin", score.origin == 0 ? "pooled" : FormatDay(score.origin)},
                        {"k", score.k},
                        {"points", score.points},
                        {"wape", Number(score.wape)},
                        {"wape_naive_last", Number(score.wape_naive_last)},
                        {"wape_naive_mean3", Number(score.wape_naive_mean3)},
                        {"wape_seasonal_naive", Number(score.wape_seasonal_naive)},
                        {"ratio", Number(score.ratio)},
                        {"coverage", Number(score.coverage)}});
    }
    const CohortBacktestScore& pooled = result.cohort_backtest->scores.back();
    backtest["scores"] = scores;
    backtest["beats_naive"] = pooled.ratio < 1;
    backtest["coverage_ok"] = pooled.coverage >= 0.6 && pooled.coverage <= 0.95;
  }
  file["cohort_backtest"] = backtest;
  WriteJson(path, file);
}

namespace {

void WriteRejectsCsv(const RunState& state, const fs::path& dir) {
  CsvFile rejects(dir / "rejects.csv", "line,reason,field,record");
  for (const RejectedRow& row : state.rejects) {
    rejects.Row(row.line, std::string(RejectReasonName(row.reason)), row.field, row.record);
  }
}

void WriteRfmCsv(const RfmTable& table, const fs::path& dir) {
  CsvFile rfm(dir / "rfm.csv", "customer_id,recency,frequency,monetary,first_purchase,last_purchase,country");
  for (size_t row = 0; row < table.size(); ++row) {
    rfm.Row(table.customer_ids[row], table.recency[row], table.frequency[row], table.monetary[row],
            FormatDay(table.first_purchase[row]), FormatDay(table.last_purchase[row]),
            table.country[row]);
  }
}

void WritePanelCsv(const LrfmPanel& panel, const fs::path& dir) {
  CsvFile lrfm(dir / "lrfm.csv", "customer_id,month,L,R,F,M");
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    for (int month = panel.start[customer]; month < panel.month_count; ++month) {
      lrfm.Row(panel.customer_ids[customer], FormatMonth(panel.first_month + month),
               panel.At(customer, month, kLength), panel.At(customer, month, kRecency),
               panel.At(customer, month, kFrequency), panel.At(customer, month, kMonetary));
    }
  }
}

void WriteAssignmentsCsv(const RunState& state, const fs::path& dir) {
  const RunResult& result = state.result;
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

void WriteSegmentsCsv(const RunResult& result, const fs::path& dir) {
  CsvFile segments(dir / "segments.csv",
                   "segment,name,customers,customer_share,revenue,revenue_share,mean_L,mean_R,"
                   "mean_F,mean_M,previous_segment,tie_broken,evidence,expected_revenue,"
                   "likely_lost_share,mean_clv,description,action,action_why");
  const std::vector<SegmentValue> values = SegmentValues(result);
  for (const SegmentSummary& summary : result.report.segments) {
    const RunSegment* segment = FindSegment(result, summary.segment_id);
    const std::optional<SegmentValue> value = FindValue(values, summary.segment_id);
    const double nan = std::nan("");
    segments.Row(summary.segment_id, segment ? segment->persona.name : "", summary.customers,
                 summary.customer_share, summary.revenue, summary.revenue_share, summary.mean[0],
                 summary.mean[1], summary.mean[2], summary.mean[3],
                 segment ? segment->previous_segment_id : -1,
                 segment ? segment->persona.tie_broken : false,
                 segment ? segment->persona.evidence : "",
                 value ? value->expected_revenue : nan, value ? value->likely_lost_share : nan,
                 value ? value->mean_clv : nan, segment ? segment->persona.description : "",
                 segment ? segment->persona.action.name : "",
                 segment ? segment->persona.action.why : "");
  }
}

void WriteCentroidsCsv(const RunState& state, const fs::path& dir) {
  const RunResult& result = state.result;
  const LrfmPanel& panel = state.panel;
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

void WriteConcentrationCsv(const SegmentReport& report, const fs::path& dir) {
  CsvFile concentration(dir / "concentration.csv",
                        "segment,customer_share,revenue_share,lift,cumulative_customer_share,"
                        "cumulative_revenue_share,statement");
  for (const ConcentrationRow& row : report.concentration) {
    concentration.Row(row.segment_id, row.customer_share, row.revenue_share, row.lift,
                      row.cumulative_customer_share, row.cumulative_revenue_share, row.statement);
  }
}

void WriteKSelectionCsv(const std::vector<KSelectionRow>& rows, const fs::path& dir) {
  CsvFile selection(dir / "k_selection.csv",
                    "k,inertia,silhouette,davies_bouldin,iterations,converged,seconds_fit,"
                    "min_segment_share");
  for (const KSelectionRow& row : rows) {
    selection.Row(row.k, row.inertia, row.silhouette, row.davies_bouldin, row.iterations,
                  row.converged, row.seconds_fit, row.min_segment_share);
  }
}

void WriteMigrationCsvs(const MigrationResult& migration, const fs::path& dir) {
  CsvFile matrix(dir / "migration.csv",
                 "from_segment,to_segment,customers,previous_revenue,current_revenue");
  for (const MigrationCell& cell : migration.matrix) {
    matrix.Row(cell.from_segment, cell.to_segment, cell.customers, cell.previous_revenue,
               cell.current_revenue);
  }
  CsvFile moves(dir / "moves.csv",
                "customer_id,from_segment,to_segment,kind,previous_revenue,current_revenue");
  for (const CustomerMove& move : migration.moves) {
    moves.Row(move.customer_id, move.from_segment, move.to_segment,
              std::string(MoveKindName(move.kind)), move.previous_revenue, move.current_revenue);
  }
}

void WriteForecastFiles(const RunState& state, const fs::path& dir) {
  const RunResult& result = state.result;
  WriteForecastCsv((dir / "forecast.csv").string(), result.forecasts);
  WriteForecastJson((dir / "forecast.json").string(), result.forecasts, state.options.forecast);
  AddCohortBacktestJson(dir / "forecast.json", result);
  WriteParametersJson((dir / "forecast_parameters.json").string(), result.forecasts);
  if (result.backtest) WriteBacktestCsv(dir.string(), *result.backtest);
  if (result.customer_base) WriteCustomerBaseFiles(state, dir);
  if (result.cohort_backtest) WriteCohortBacktestCsv(dir.string(), *result.cohort_backtest);
}

}  // namespace

void WriteRunFiles(const RunState& state, const std::string& directory) {
  const fs::path dir(directory);
  const RunResult& result = state.result;
  WriteJson(dir / "ingest_report.json", json::parse(result.ingest.ToJson(/*with_timing=*/false)));
  WriteRejectsCsv(state, dir);
  WriteRfmCsv(state.rfm, dir);
  if (state.options.write_panel) WritePanelCsv(state.panel, dir);
  WriteAssignmentsCsv(state, dir);
  WriteSegmentsCsv(result, dir);
  WriteJson(dir / "segments.json", SegmentsJson(state));
  WriteCentroidsCsv(state, dir);
  WriteConcentrationCsv(result.report, dir);
  if (!result.k_selection.empty()) WriteKSelectionCsv(result.k_selection, dir);
  WriteForecastFiles(state, dir);
  if (result.migration) WriteMigrationCsvs(*result.migration, dir);
  WriteText(dir / "report.md", RenderReportMarkdown(state));
  WriteText(dir / "manifest.json", ManifestJson(state) + '\n');
}

}  // namespace segcast::internal
