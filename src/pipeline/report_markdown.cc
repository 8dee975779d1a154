// report.md: what a planner reads first. Every figure comes from the run's results.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "internal/text_output.h"
#include "pipeline/run_state.h"
#include "segcast/cohort_backtest.h"

namespace segcast::internal {
namespace {

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string Money(double value) {
  if (!std::isfinite(value)) return "n/a";
  return GroupThousands(Fixed(std::fabs(value), 0), value < 0);
}

std::string NameOf(const RunResult& result, int32_t id) {
  if (id < 0) return "(none)";
  for (const RunSegment& segment : result.segments) {
    if (segment.segment_id == id) return std::to_string(id) + " " + segment.persona.name;
  }
  return std::to_string(id);
}

// What the customer-base forecasts rest on, in words.
void RenderCustomerBase(std::ostringstream& md, const RunState& state) {
  const CohortForecast& model = *state.result.customer_base;
  md << "\n\nEach segment's forecast is what its customers are expected to spend: the customer-base "
        "model (BG/NBD for purchases, Gamma-Gamma for spend per purchase) fitted on "
     << WithThousands(model.histories.size()) << " customers, summed over each segment's members. \"existing\" "
        "is every customer known today, \"new\" the customers still to be acquired ("
     << Fixed(model.new_customers_per_month, 0) << " a month forecast, first purchase "
     << Money(model.first_purchase_value) << "), and total = existing + new. Per-customer "
        "P(alive), expected purchases, expected revenue and lifetime value are in clv.csv.";
  for (const std::string& note : model.notes) md << " " << note;
  if (std::fabs(model.fit.frequency_spend_correlation) > 0.3) {
    md << " The spend model assumes spend per purchase independent of how often a customer buys; "
          "here they correlate at "
       << Fixed(model.fit.frequency_spend_correlation, 2) << ", so treat spend estimates with care.";
  }
  md << " Intervals are sized by " << model.rate.error_source << " errors (lasting "
     << Fixed(model.rate.errors.lasting, 2) << ", month to month " << Fixed(model.rate.errors.monthly, 2)
     << " on the log scale).";
}

// The run's cohort backtest, with a warning when it does not beat naive or its intervals miss.
void RenderCohortBacktest(std::ostringstream& md, const RunResult& result) {
  if (!result.cohort_backtest) {
    if (!result.cohort_backtest_note.empty()) md << "\n" << result.cohort_backtest_note << ".\n";
    return;
  }
  const CohortBacktestScore& score = result.cohort_backtest->scores.back();
  md << "\n### Cohort backtest\n\nThe job re-run as of "
     << FormatDay(result.cohort_backtest->scores.front().origin) << " (clustered again with k = " << result.k << "), each segment scored on what its customers "
        "spent in the following months:\n\n```\n"
     << result.cohort_backtest->Table() << "```\n";
  const double naive = std::min(score.wape_naive_last, score.wape_naive_mean3);
  if (!(score.wape < naive)) {
    md << "\n**Warning:** on this log the segment forecasts did not beat a naive forecast (WAPE "
       << Fixed(score.wape, 3) << " vs " << Fixed(naive, 3) << "). Use them with care.\n";
  }
  if (!(score.coverage >= 0.6 && score.coverage <= 0.95)) {
    md << "\n**Warning:** the " << Fixed(100 * result.cohort_backtest->interval, 0)
       << "% intervals covered " << Fixed(100 * score.coverage, 0)
       << "% of the backtest's segment-months: they are " << (score.coverage < 0.6 ? "too narrow" : "too wide")
       << " for this log.\n";
  }
}

// Title, input and the notes on dates.
void RenderInput(std::ostringstream& md, const RunState& state) {
  const RunResult& result = state.result;
  const IngestReport& ingest = result.ingest;
  md << "# segcast run " << result.run_id << "\n\n";
  md << "As of " << FormatDay(result.as_of) << ". Input `" << ingest.file << "` (" << ingest.schema
     << "): " << ingest.rows_read << " rows read, " << ingest.rows_accepted << " accepted, "
     << ingest.rejected_total() << " rejected; " << result.customers << " customers over "
     << result.months << " months from " << FormatMonth(state.panel.first_month) << ".\n\n";
  // The notes on dates (future_date rows, the slash-date order), one paragraph each.
  std::istringstream notes(ingest.DatesNote());
  for (std::string note; std::getline(notes, note);) md << note << "\n\n";
}

void RenderRejections(std::ostringstream& md, const IngestReport& ingest) {
  md << "## Rows rejected\n\n| reason | rows |\n|---|---:|\n";
  for (int reason = 0; reason < kRejectReasonCount; ++reason) {
    md << "| " << RejectReasonName(static_cast<RejectReason>(reason)) << " | "
       << ingest.rejected[reason] << " |\n";
  }
}

// The clustering's figures, then the segments with their personas.
void RenderClustering(std::ostringstream& md, const RunState& state) {
  const RunResult& result = state.result;
  md << "\n## Clustering\n\n";
  md << "k = " << result.k << " (" << MetricName(state.options.cluster.metric)
     << "), silhouette " << Fixed(result.silhouette, 3) << ", Davies-Bouldin "
     << Fixed(result.davies_bouldin, 3) << ".";
  if (!result.alignment.empty()) md << " " << result.alignment << ".";
  md << "\n\n";
  std::vector<Persona> personas;
  for (const RunSegment& segment : result.segments) personas.push_back(segment.persona);
  md << RenderSegmentReportMarkdown(result.report, personas);
}

void RenderKSelection(std::ostringstream& md, const RunResult& result) {
  if (result.k_selection.empty()) return;
  md << "\n## Choosing k\n\n";
  if (!result.k_choice.empty()) md << "Chosen: " << result.k_choice << ".\n\n";
  md << "| k | silhouette | Davies-Bouldin | inertia | smallest segment |\n"
     << "|---:|---:|---:|---:|---:|\n";
  for (const KSelectionRow& row : result.k_selection) {
    md << "| " << row.k << (row.k == result.k ? " (chosen)" : "") << " | "
       << Fixed(row.silhouette, 3) << " | " << Fixed(row.davies_bouldin, 3) << " | "
       << Fixed(row.inertia, 4) << " | " << Fixed(100.0 * row.min_segment_share, 1) << "% |\n";
  }
}

// What the forecast covers and how its intervals were sized, in one paragraph.
void RenderForecastBasis(std::ostringstream& md, const RunState& state) {
  const RunResult& result = state.result;
  const double interval = state.options.forecast.interval * 100;
  md << "Monthly revenue, next " << state.options.forecast.horizon << " months, with "
     << Fixed(interval, 0) << "% intervals.";
  if (!result.forecasts.empty() && result.forecasts.front().partial) {
    const PartialMonth& partial = *result.forecasts.front().partial;
    md << " " << FormatMonth(partial.month) << " is partial (" << partial.days_observed << " of "
       << partial.days_in_month << " days; " << Money(partial.actual_to_date)
       << (result.customer_base ? " to date, included in its forecast)."
                                : " to date) and was left out of the fit.");
  }
  if (result.customer_base) RenderCustomerBase(md, state);
  if (result.interval_calibration) {
    const IntervalCalibration& applied = *result.interval_calibration;
    md << " The intervals are scaled by " << Fixed(applied.scale, 3)
       << " so that they cover " << Fixed(100 * applied.coverage_after, 1) << "% of this run's "
       << applied.points << " backtest points (" << Fixed(100 * applied.coverage_before, 1)
       << "% unscaled).";
  } else if (!result.interval_calibration_note.empty()) {
    md << " Interval calibration was asked for but not applied: " << result.interval_calibration_note << ".";
  }
}

void RenderForecastTable(std::ostringstream& md, const RunResult& result) {
  md << "\n\n| series | month | forecast | lower | upper |\n|---|---|---:|---:|---:|\n";
  for (const SeriesForecast& forecast : result.forecasts) {
    const int32_t segment = SeriesSegment(forecast.series_id);
    const std::string name = segment >= 0 ? NameOf(result, segment) : forecast.series_id;
    for (const ForecastPoint& point : forecast.points) {
      if (point.is_history) continue;
      md << "| " << name << " | " << FormatMonth(point.month) << " | " << Money(point.yhat)
         << " | " << Money(point.yhat_lower) << " | " << Money(point.yhat_upper) << " |\n";
    }
  }
}

void RenderForecast(std::ostringstream& md, const RunState& state) {
  const RunResult& result = state.result;
  md << "\n## Revenue forecast\n\n";
  RenderForecastBasis(md, state);
  RenderForecastTable(md, result);
  if (result.backtest && result.backtest->series_used > 0) {
    md << "\n### Backtest (rolling origin)\n\n```\n" << result.backtest->Table() << "```\n";
  }
  RenderCohortBacktest(md, result);
}

void RenderMigration(std::ostringstream& md, const RunResult& result) {
  if (!result.migration) return;
  md << "\n## Migration since the previous run\n\n" << result.migration->BriefReport()
     << ".\n\n| from | to | customers | revenue before | revenue now |\n|---|---|---:|---:|---:|\n";
  for (const MigrationCell& cell : result.migration->matrix) {
    md << "| " << (cell.from_segment < 0 ? "(new)" : NameOf(result, cell.from_segment)) << " | "
       << (cell.to_segment < 0 ? "(gone)" : NameOf(result, cell.to_segment)) << " | "
       << cell.customers << " | " << Money(cell.previous_revenue) << " | "
       << Money(cell.current_revenue) << " |\n";
  }
}

void RenderStages(std::ostringstream& md, const RunResult& result) {
  md << "\n## Stages\n\n| stage | what |\n|---|---|\n";
  for (const StageTiming& timing : result.timings) {
    md << "| " << timing.stage << " | " << timing.detail << " |\n";
  }
}

}  // namespace

std::string RenderReportMarkdown(const RunState& state) {
  std::ostringstream md;
  RenderInput(md, state);
  RenderRejections(md, state.result.ingest);
  RenderClustering(md, state);
  RenderKSelection(md, state.result);
  RenderForecast(md, state);
  RenderMigration(md, state.result);
  RenderStages(md, state.result);
  return md.str();
}

}  // namespace segcast::internal
