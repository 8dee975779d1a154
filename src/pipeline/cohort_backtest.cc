// The cohort backtest: at each origin, the job as it stood then; scored on the same customers'
// later revenue, beside naive forecasts.
#include "segcast/cohort_backtest.h"
#include "segcast/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <limits>
#include <optional>
#include <sstream>

#include "pipeline/csv_file.h"
#include "pipeline/run_state.h"
#include "segcast/cohort_forecast.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The job as it stood at an origin: the segment of every Transactions customer (-1: not a
// customer then) and, with SegmentForecast::kSeries, that model's forecasts of the segments'
// revenue series.
struct OriginSegments {
  std::vector<int32_t> segment;
  std::vector<SeriesForecast> series_forecasts;
};

OriginSegments ClusterAtOrigin(const RunOptions& options, const Transactions& transactions,
                               Day origin, int k, int months) {
  RunOptions at_origin = options;
  at_origin.panel.as_of = origin;
  at_origin.log = nullptr;
  if (k > 0) at_origin.k = k;
  internal::RunState state(at_origin);
  internal::PanelStage(state, transactions);
  internal::ScaleStage(state);
  // Only the labels are read here: what the cluster stage adds to describe the fit (a
  // silhouette over thousands of pairs, Davies-Bouldin) would cost as much as the fit again.
  const TsKMeansResult fit = internal::FitClusterLabels(state);
  OriginSegments result;
  result.segment.assign(transactions.customer_count(), -1);
  std::vector<int> labels(state.panel.customer_count(), -1);
  for (int index = 0; index < state.series.size(); ++index) {
    const int customer = state.series_customer[index];
    labels[customer] = fit.labels[index];
    result.segment[state.panel.customer_index[customer]] = labels[customer];
  }
  if (options.segment_forecast == SegmentForecast::kSeries) {
    ForecastOptions forecast = options.forecast;
    forecast.horizon = months;
    forecast.seed = options.seed;
    forecast.threads = options.threads;
    result.series_forecasts = ForecastAll(RevenueSeriesFromPanel(state.panel, labels), forecast);
  }
  return result;
}

// Revenue by group and month of the months around an origin: the year before it and the horizon.
struct Actuals {
  MonthIndex first_month = 0;
  int months = 0;
  std::vector<double> revenue;  // groups x months
  double At(int group, MonthIndex month) const {
    const int offset = month - first_month;
    if (offset < 0 || offset >= months) return kNaN;
    return revenue[static_cast<size_t>(group) * months + offset];
  }
};

double Wape(const std::vector<CohortBacktestRow>& rows, double CohortBacktestRow::*forecast) {
  double error = 0, actual = 0;
  for (const CohortBacktestRow& row : rows) {
    if (std::isnan(row.*forecast)) return kNaN;
    error += std::fabs(row.actual - row.*forecast);
    actual += row.actual;
  }
  return actual > 0 ? error / actual : kNaN;
}

CohortBacktestScore Score(Day origin, int k, const std::vector<CohortBacktestRow>& rows) {
  std::vector<CohortBacktestRow> segments, total;
  for (const CohortBacktestRow& row : rows) {
    if (origin != 0 && row.origin != origin) continue;
    (row.series == "total" ? total : segments).push_back(row);
  }
  CohortBacktestScore score;
  score.origin = origin;
  score.k = k;
  score.points = static_cast<int>(segments.size());
  score.wape = Wape(segments, &CohortBacktestRow::forecast);
  score.wape_naive_last = Wape(segments, &CohortBacktestRow::naive_last);
  score.wape_naive_mean3 = Wape(segments, &CohortBacktestRow::naive_mean3);
  score.wape_seasonal_naive = Wape(segments, &CohortBacktestRow::seasonal_naive);
  score.ratio = score.wape / std::min(score.wape_naive_last, score.wape_naive_mean3);
  int inside = 0;
  for (const CohortBacktestRow& row : segments) inside += row.actual >= row.lower && row.actual <= row.upper;
  score.coverage = segments.empty() ? kNaN : static_cast<double>(inside) / segments.size();
  score.total_wape = Wape(total, &CohortBacktestRow::forecast);
  return score;
}

// The errors of the same job `months` before the origin, scored up to the origin: what the
// origin's intervals are sized by. None when that leaves fewer than 3 months of history.
std::optional<ForecastLogErrors> ErrorsBefore(const RunOptions& options,
                                              const Transactions& transactions, Day origin, int k,
                                              int months) {
  constexpr int kMinimumHistoryMonths = 3;
  if (months == 0) return std::nullopt;
  const MonthIndex data_month = MonthOfDay(FirstPurchaseDay(transactions));
  const MonthIndex earlier = MonthOfDay(origin) - months;
  if (earlier - data_month < kMinimumHistoryMonths) return std::nullopt;
  CohortBacktestOptions nested;
  nested.origins = {FirstDayOfMonth(earlier)};
  nested.horizon = months;
  nested.k = k;
  nested.calibration_months = 0;
  RunOptions quiet = options;
  quiet.log = nullptr;
  const ForecastLogErrors errors = CohortBacktestErrors(CohortBacktest(quiet, transactions, nested));
  if (errors.points < 6) return std::nullopt;
  return errors;
}

// Rows of one origin: forecasts of the customers clustered then, against what they spent.
void BacktestOrigin(const RunOptions& options, const Transactions& transactions,
                    const CohortBacktestOptions& backtest, Day origin, Day log_end,
                    CohortBacktestResult& result) {
  const MonthIndex first = MonthOfDay(origin);
  int months = 0;
  while (months < backtest.horizon && FirstDayOfMonth(first + months + 1) <= log_end) ++months;
  if (months == 0) {
    result.skipped.push_back(FormatDay(origin) + ": the log does not cover a whole month after it");
    return;
  }
  const OriginSegments at_origin = ClusterAtOrigin(options, transactions, origin, backtest.k, months);
  const std::vector<int32_t>& segment = at_origin.segment;
  int groups = 0;
  for (int32_t id : segment) groups = std::max(groups, id + 1);
  CohortForecastOptions forecast = options.customer_base;
  forecast.errors = ErrorsBefore(options, transactions, origin, groups, backtest.calibration_months);
  forecast.customer_base.horizon = months;
  forecast.interval = options.forecast.interval;
  forecast.samples = options.forecast.samples;
  forecast.seed = options.seed;
  forecast.customer_base.threads = options.threads;
  const CohortForecast cohorts = ForecastCohorts(transactions, origin, segment, forecast);
  const std::vector<SeriesForecast>& forecasts =
      options.segment_forecast == SegmentForecast::kSeries ? at_origin.series_forecasts
                                                           : cohorts.forecasts;

  // Actual revenue by segment (and everyone, last group) from a year before to the horizon's end.
  std::vector<int32_t> group = segment;
  Actuals actuals;
  actuals.first_month = first - 12;
  actuals.months = 12 + months;
  actuals.revenue = GroupMonthlyRevenue(transactions, group, groups, actuals.first_month,
                                        actuals.months, FirstDayOfMonth(first + months));
  std::vector<int32_t> everyone(transactions.customer_count(), 0);
  const std::vector<double> all = GroupMonthlyRevenue(transactions, everyone, 1, actuals.first_month,
                                                      actuals.months, FirstDayOfMonth(first + months));
  actuals.revenue.insert(actuals.revenue.end(), all.begin(), all.end());
  std::vector<int> members(groups + 1, 0);
  for (int32_t id : segment) {
    if (id >= 0) ++members[id];
  }
  members[groups] = cohorts.histories.size();
  const MonthIndex data_month = MonthOfDay(FirstPurchaseDay(transactions));

  for (const SeriesForecast& series : forecasts) {
    const int32_t id = SeriesSegment(series.series_id);
    if (id < 0 && id != kTotalSeries) continue;
    const int g = id == kTotalSeries ? groups : id;
    const double last = actuals.At(g, first - 1);
    double mean3 = 0;
    for (int back = 1; back <= 3; ++back) mean3 += actuals.At(g, first - back) / 3;
    for (const ForecastPoint& point : series.points) {
      if (point.is_history || point.month >= first + months) continue;
      CohortBacktestRow row;
      row.origin = origin;
      row.series = series.series_id;
      row.customers = members[g];
      row.month = point.month;
      row.forecast = point.yhat;
      row.lower = point.yhat_lower;
      row.upper = point.yhat_upper;
      row.actual = actuals.At(g, point.month);
      row.naive_last = first - 1 >= data_month ? last : kNaN;
      row.naive_mean3 = first - 3 >= data_month ? mean3 : kNaN;
      row.seasonal_naive = point.month - 12 >= data_month ? actuals.At(g, point.month - 12) : kNaN;
      result.rows.push_back(row);
    }
  }
  result.scores.push_back(Score(origin, groups, result.rows));
}

std::string Fixed(double value, int digits) {
  if (std::isnan(value)) return "-";
  std::ostringstream text;
  text.setf(std::ios::fixed);
  text.precision(digits);
  text << value;
  return text.str();
}

}  // namespace

void CohortBacktestOptions::Validate() const {
  if (origins.empty()) {
    throw InvalidArgument("the cohort backtest needs at least one origin",
                          {.field = "origins", .expected = "dates YYYY-MM-01"});
  }
  for (Day origin : origins) {
    if (origin != FirstDayOfMonth(MonthOfDay(origin))) {
      throw InvalidArgument("origin " + FormatDay(origin) + " is not the first day of a month",
                            {.field = "origins", .expected = "dates YYYY-MM-01"});
    }
  }
  if (horizon < 1 || horizon > 24) {
    throw InvalidArgument("horizon must be 1 .. 24 months", {.field = "horizon", .expected = "1 .. 24"});
  }
  if (k < 0) throw InvalidArgument("k must be >= 0", {.field = "k", .expected = ">= 0"});
  if (calibration_months < 0 || calibration_months > 12) {
    throw InvalidArgument("calibration_months must be 0 .. 12",
                          {.field = "calibration_months", .expected = "0 .. 12"});
  }
}

CohortBacktestResult CohortBacktest(const RunOptions& options, const Transactions& transactions,
                                    const CohortBacktestOptions& backtest) {
  backtest.Validate();
  CohortBacktestResult result;
  result.interval = options.forecast.interval;
  const Day log_end = DefaultAsOf(transactions);
  for (Day origin : backtest.origins) {
    if (options.log) options.log("cohort backtest: origin " + FormatDay(origin));
    BacktestOrigin(options, transactions, backtest, origin, log_end, result);
  }
  if (result.scores.empty()) {
    throw InputError("no origin of the cohort backtest has a whole month of the log after it",
                     {.file = options.ingest.path, .field = "origins",
                      .expected = "origins at least a month before the log's last day " +
                                  FormatDay(log_end - 1)});
  }
  result.scores.push_back(Score(0, 0, result.rows));
  return result;
}

CohortBacktestResult RunCohortBacktest(const RunOptions& options,
                                       const CohortBacktestOptions& backtest) {
  backtest.Validate();
  IngestOptions ingest = options.ingest;
  ingest.threads = options.threads;
  IngestResult log = Ingest(ingest);
  if (log.report.rows_accepted == 0) {
    throw InputError("no row was accepted", {.file = ingest.path});
  }
  return CohortBacktest(options, log.transactions, backtest);
}

std::string CohortBacktestResult::Table() const {
  std::ostringstream table;
  table << "cohort backtest: segment forecasts vs the same customers' later revenue (WAPE)\n";
  table << "origin      k  points  model  naive_last  naive_mean3  seasonal  ratio  coverage"
        << "  total\n";
  for (const CohortBacktestScore& score : scores) {
    if (score.origin == 0 && scores.size() == 2) break;  // one origin: its pooled line repeats it
    std::string origin = score.origin == 0 ? "pooled    " : FormatDay(score.origin);
    char line[200];
    std::snprintf(line, sizeof line, "%-10s %2d %7d %6s %11s %12s %9s %6s %9s %6s\n",
                  origin.c_str(), score.k, score.points, Fixed(score.wape, 3).c_str(),
                  Fixed(score.wape_naive_last, 3).c_str(), Fixed(score.wape_naive_mean3, 3).c_str(),
                  Fixed(score.wape_seasonal_naive, 3).c_str(), Fixed(score.ratio, 2).c_str(),
                  (Fixed(100 * score.coverage, 0) + "%").c_str(), Fixed(score.total_wape, 3).c_str());
    table << line;
  }
  table << "ratio: model WAPE / the better naive WAPE (below 1 beats naive); coverage of the "
        << Fixed(100 * interval, 0) << "% intervals\n";
  for (const std::string& skipped : this->skipped) table << "skipped " << skipped << "\n";
  return table.str();
}

ForecastLogErrors CohortBacktestErrors(const CohortBacktestResult& result) {
  std::map<std::pair<Day, int32_t>, int> group_of;  // one group per origin and segment
  std::vector<int> groups;
  std::vector<double> actual, forecast;
  for (const CohortBacktestRow& row : result.rows) {
    const int32_t segment = SeriesSegment(row.series);
    if (segment < 0) continue;
    const auto [entry, added] =
        group_of.try_emplace({row.origin, segment}, static_cast<int>(group_of.size()));
    groups.push_back(entry->second);
    actual.push_back(row.actual);
    forecast.push_back(row.forecast);
  }
  return MeasureLogErrors(groups, actual, forecast);
}

void WriteCohortBacktestCsv(const std::string& directory, const CohortBacktestResult& result) {
  const std::filesystem::path dir(directory);
  {
    internal::CsvFile rows(dir / "cohort_backtest.csv",
                           "origin,series,customers,month,forecast,lower,upper,actual,naive_last,"
                           "naive_mean3,seasonal_naive");
    for (const CohortBacktestRow& row : result.rows) {
      rows.Row(FormatDay(row.origin), row.series, row.customers, FormatMonth(row.month), row.forecast,
               row.lower, row.upper, row.actual, row.naive_last, row.naive_mean3, row.seasonal_naive);
    }
  }
  internal::CsvFile scores(dir / "cohort_backtest_scores.csv",
                           "origin,k,points,wape,wape_naive_last,wape_naive_mean3,"
                           "wape_seasonal_naive,ratio,coverage,total_wape");
  for (const CohortBacktestScore& score : result.scores) {
    scores.Row(score.origin == 0 ? std::string("pooled") : FormatDay(score.origin), score.k,
               score.points, score.wape, score.wape_naive_last, score.wape_naive_mean3,
               score.wape_seasonal_naive, score.ratio, score.coverage, score.total_wape);
  }
}

}  // namespace segcast
