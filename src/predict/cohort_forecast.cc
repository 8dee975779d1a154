// ForecastCohorts: the customer-base model summed over fixed groups of customers, corrected by
// the history's own holdout, plus customers not yet acquired, with simulated intervals.
#include "segcast/cohort_forecast.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>
#include <cstdio>
#include <cstdlib>

#include "forecast/random.h"
#include "internal/text_output.h"
#include "predict/customer_base_internal.h"
#include "segcast/error.h"

namespace segcast {
namespace {

// What the steps below share: the horizon's calendar and the groups being forecast.
struct Frame {
  Day as_of = 0;
  MonthIndex first_month = 0;   // the month of as_of: horizon month 0
  int horizon = 0;
  bool partial = false;         // as_of is not the 1st: month 0 is partly observed
  MonthIndex data_month = 0;    // first month with a purchase
  int history_months = 0;       // whole months before first_month
  std::vector<int32_t> segment_ids;             // distinct ids, increasing
  std::vector<int32_t> group_of_customer;       // per Transactions customer: segment position
};


Frame MakeFrame(const Transactions& transactions, Day as_of,
                const std::vector<int32_t>& customer_segment, int horizon) {
  Frame frame;
  frame.as_of = as_of;
  frame.first_month = MonthOfDay(as_of);
  frame.horizon = horizon;
  frame.partial = as_of != FirstDayOfMonth(frame.first_month);
  frame.data_month = MonthOfDay(std::min(FirstPurchaseDay(transactions), as_of));
  frame.history_months = frame.first_month - frame.data_month;
  std::vector<int32_t> ids;
  for (int32_t id : customer_segment) {
    if (id >= 0) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  frame.segment_ids = ids;
  frame.group_of_customer.assign(transactions.customer_count(), -1);
  for (size_t customer = 0; customer < customer_segment.size(); ++customer) {
    if (customer_segment[customer] < 0) continue;
    frame.group_of_customer[customer] = static_cast<int32_t>(
        std::lower_bound(ids.begin(), ids.end(), customer_segment[customer]) - ids.begin());
  }
  return frame;
}

// Expected revenue by group and horizon month of the customers in `predictions` (the histories'
// own order): the segments in the frame's order, then the customers outside every segment.
std::vector<double> ExpectedByGroup(const Frame& frame, const CustomerHistories& histories,
                                    const CustomerPredictions& predictions) {
  const int segments = static_cast<int>(frame.segment_ids.size());
  const int months = predictions.horizon;
  std::vector<double> sums(static_cast<size_t>(segments + 1) * months, 0.0);
  for (int customer = 0; customer < histories.size(); ++customer) {
    int group = frame.group_of_customer[histories.customer_index[customer]];
    if (group < 0) group = segments;
    for (int month = 0; month < months; ++month) {
      sums[static_cast<size_t>(group) * months + month] += predictions.MonthlyRevenue(customer, month);
    }
  }
  return sums;
}

// One holdout: the model fitted at the start of a month predicts the next `months` whole months;
// the actual revenue of the same customers is read from the log. Both by group as
// ExpectedByGroup orders them.
struct Holdout {
  std::vector<double> predicted, actual;
  int groups = 0, months = 0;
  static constexpr int kAll = -1;
  // actual / predicted over the group's months (kAll: every group); NaN when either is 0.
  double Factor(int group) const {
    double a = 0, p = 0;
    for (int g = 0; g < groups; ++g) {
      if (group != kAll && g != group) continue;
      for (int month = 0; month < months; ++month) {
        a += actual[static_cast<size_t>(g) * months + month];
        p += predicted[static_cast<size_t>(g) * months + month];
      }
    }
    return p > 0 && a > 0 ? a / p : std::numeric_limits<double>::quiet_NaN();
  }
};

// `seasonal` (12 factors by month of the year, mean 1) scales the model's expectations as it
// scales the forecast's, so that the factor measures drift, not the season of the holdout.
Holdout RunHoldout(const Transactions& transactions, const Frame& frame, MonthIndex first,
                   int months, const std::vector<double>& seasonal,
                   const CohortForecastOptions& options) {
  const Day cut = FirstDayOfMonth(first);
  const CustomerHistories histories = SummarizeCustomers(transactions, cut);
  CustomerBaseOptions base = options.customer_base;
  base.horizon = months;
  base.clv_months = months;
  const CustomerBaseFit fit = FitCustomerBase(histories, base);
  const CustomerPredictions predictions = PredictCustomers(histories, fit, base);
  Holdout holdout;
  holdout.months = months;
  holdout.groups = static_cast<int>(frame.segment_ids.size()) + 1;
  holdout.predicted = ExpectedByGroup(frame, histories, predictions);
  for (int group = 0; group < holdout.groups; ++group) {
    for (int month = 0; month < months; ++month) {
      holdout.predicted[static_cast<size_t>(group) * months + month] *=
          seasonal[MonthOf(first + month) - 1];
    }
  }
  // Actual revenue of the customers who existed at the cut, by the same groups.
  std::vector<int32_t> group(transactions.customer_count(), -1);
  for (int32_t customer : histories.customer_index) {
    group[customer] = frame.group_of_customer[customer] >= 0 ? frame.group_of_customer[customer]
                                                             : holdout.groups - 1;
  }
  holdout.actual = GroupMonthlyRevenue(transactions, group, holdout.groups, first, months,
                                       FirstDayOfMonth(first + months));
  return holdout;
}

// The factor of each group (segments, then the unsegmented customers) under `adjustment`.
std::vector<double> GroupFactors(const Holdout& holdout, RateAdjustment adjustment) {
  const double pooled = holdout.Factor(Holdout::kAll);
  std::vector<double> factors(holdout.groups, 1.0);
  if (adjustment == RateAdjustment::kNone || !std::isfinite(pooled)) return factors;
  for (int group = 0; group < holdout.groups; ++group) {
    const double own = holdout.Factor(group);
    factors[group] = adjustment == RateAdjustment::kSegment && std::isfinite(own) ? own : pooled;
  }
  return factors;
}

// The rate factor from the recent holdout, and its out-of-sample error: the factors learned on
// the holdout before it, applied to the recent holdout's predictions. Each fit keeps at least
// kMinimumFitMonths of history before its cut.
void MeasureRate(const Transactions& transactions, const Frame& frame,
                 const std::vector<double>& seasonal, const CohortForecastOptions& options,
                 CohortForecast& result) {
  constexpr int kMinimumFitMonths = 3;
  const int segments = static_cast<int>(frame.segment_ids.size());
  const int months =
      std::min(options.holdout_months, (frame.history_months - kMinimumFitMonths) / 2);
  result.segment_factors.assign(segments, 1.0);
  if (options.errors) {
    result.rate.errors = *options.errors;
    result.rate.error_source = "cohort backtest";
  } else {
    result.rate.errors = {options.fallback_lasting_log_error, options.fallback_monthly_log_error, 0};
    result.rate.error_source = "fallback";
  }
  if (options.holdout_months == 0) return;
  if (months < 1) {
    result.notes.push_back("The history (" + std::to_string(frame.history_months) +
                           " whole months) is too short for holdouts: the model's rate is not "
                           "corrected and the intervals use the fallback errors.");
    return;
  }
  const Holdout recent =
      RunHoldout(transactions, frame, frame.first_month - months, months, seasonal, options);
  RateCheck& rate = result.rate;
  rate.first_month = frame.first_month - months;
  rate.months = months;
  rate.actual = std::accumulate(recent.actual.begin(), recent.actual.end(), 0.0);
  rate.predicted = std::accumulate(recent.predicted.begin(), recent.predicted.end(), 0.0);
  rate.factor = recent.Factor(Holdout::kAll);
  if (!std::isfinite(rate.factor) || options.rate_adjustment == RateAdjustment::kNone) rate.factor = 1;
  const std::vector<double> factors = GroupFactors(recent, options.rate_adjustment);
  for (int group = 0; group < segments; ++group) result.segment_factors[group] = factors[group];

  // How well the factor carries over: the earlier holdout's factor on the recent one, month by
  // month, over every customer (a segment's own error cannot be measured here: segments were
  // formed from these very months).
  const Holdout earlier =
      RunHoldout(transactions, frame, frame.first_month - 2 * months, months, seasonal, options);
  double earlier_factor = earlier.Factor(Holdout::kAll);
  if (options.rate_adjustment == RateAdjustment::kNone || !std::isfinite(earlier_factor)) {
    earlier_factor = 1.0;
  }
  std::vector<int> groups;
  std::vector<double> actual, forecast;
  for (int month = 0; month < months; ++month) {
    double a = 0, p = 0;
    for (int group = 0; group < recent.groups; ++group) {
      a += recent.actual[static_cast<size_t>(group) * months + month];
      p += recent.predicted[static_cast<size_t>(group) * months + month] * earlier_factor;
    }
    groups.push_back(0);
    actual.push_back(a);
    forecast.push_back(p);
  }
  const ForecastLogErrors pooled = MeasureLogErrors(groups, actual, forecast);
  if (!options.errors) {
    rate.errors.lasting = std::max(pooled.lasting, options.fallback_lasting_log_error);
    rate.errors.monthly = options.fallback_monthly_log_error;
    rate.errors.points = pooled.points;
    rate.error_source = "holdout";
  }
  std::ostringstream note;
  note.precision(3);
  note << "Fitted before " << FormatMonth(rate.first_month) << ", the model expected "
       << internal::WithThousands(std::llround(rate.predicted)) << " from its customers over the next "
       << months << " months; they spent " << internal::WithThousands(std::llround(rate.actual))
       << " (factor " << recent.Factor(Holdout::kAll) << ", "
       << (options.rate_adjustment == RateAdjustment::kNone ? "not applied" : "applied") << ").";
  result.notes.push_back(note.str());
}

// The yearly profile of total revenue from the Prophet-style model: 12 factors by month of the
// year with mean 1 (all 1 without seasonality); result.seasonal gets those of the horizon.
std::vector<double> SeasonalProfile(const Transactions& transactions, const Frame& frame,
                                    const CohortForecastOptions& options, CohortForecast& result) {
  std::vector<double> index(12, 1.0);
  result.seasonal.assign(frame.horizon, 1.0);
  const bool wanted = options.seasonality == Toggle::kOn ||
                      (options.seasonality == Toggle::kAuto && frame.history_months >= 24);
  if (!wanted || frame.history_months < 24) {
    result.notes.push_back("Seasonality is not modelled: it needs 24 whole months of history (" +
                           std::to_string(frame.history_months) + " here).");
    return index;
  }
  MonthlySeries total;
  total.id = "total";
  total.first_month = frame.data_month;
  const std::vector<int32_t> everyone(transactions.customer_count(), 0);
  total.values = GroupMonthlyRevenue(transactions, everyone, 1, frame.data_month,
                                     frame.history_months, FirstDayOfMonth(frame.first_month));
  ForecastOptions series = options.series;
  series.yearly = Toggle::kOn;
  series.selection = Selection::kFixed;
  series.theta_weight = 0.0;  // the profile is the additive model's own season
  series.horizon = frame.horizon;
  series.samples = 0;
  series.threads = 1;
  const SeriesForecast fitted = ForecastSeries(total, series);
  // fitted / trend over the last 24 months, by month of the year, normalised to mean 1.
  std::vector<double> sum(12, 0.0), count(12, 0.0);
  for (const ForecastPoint& point : fitted.points) {
    if (!point.is_history || point.month < frame.first_month - 24) continue;
    if (!(point.trend > 0)) {
      result.notes.push_back("Seasonality is not modelled: the trend of total revenue is not positive.");
      return index;
    }
    sum[MonthOf(point.month) - 1] += point.yhat / point.trend;
    count[MonthOf(point.month) - 1] += 1;
  }
  for (int month = 0; month < 12; ++month) index[month] = std::max(0.0, sum[month] / count[month]);
  const double mean = std::accumulate(index.begin(), index.end(), 0.0) / 12;
  for (double& factor : index) factor /= mean;
  for (int month = 0; month < frame.horizon; ++month) {
    result.seasonal[month] = index[MonthOf(frame.first_month + month) - 1];
  }
  result.notes.push_back("Monthly expectations follow the yearly profile of total revenue.");
  return index;
}

// Revenue of customers acquired after as_of, by horizon month: the Prophet-style forecast of
// monthly acquisitions times the recent first-purchase value, plus their expected repeats.
std::vector<double> ForecastNewCustomers(const Frame& frame, const CohortForecastOptions& options,
                                         CohortForecast& result, double* log_error) {
  std::vector<double> revenue(frame.horizon, 0.0);
  *log_error = options.fallback_lasting_log_error;
  if (!options.new_customers) return revenue;
  const CustomerHistories& histories = result.histories;
  MonthlySeries acquisitions;
  acquisitions.id = "acquisitions";
  acquisitions.first_month = frame.data_month;
  acquisitions.values.assign(frame.history_months, 0.0);
  double recent_value = 0, recent_count = 0;
  for (int customer = 0; customer < histories.size(); ++customer) {
    const int month = MonthOfDay(histories.first_day[customer]) - frame.data_month;
    if (month >= frame.history_months) continue;
    acquisitions.values[month] += 1;
    if (month >= frame.history_months - 6) {
      recent_value += histories.first_purchase_spend[customer];
      recent_count += 1;
    }
  }
  if (frame.history_months < 3 || recent_count == 0) {
    result.notes.push_back("New customers are not forecast: fewer than 3 whole months of history.");
    return revenue;
  }
  ForecastOptions series = options.series;
  series.horizon = frame.horizon;
  series.seed = options.seed;
  series.threads = 1;
  series.interval = options.interval;
  const SeriesForecast forecast = ForecastSeries(acquisitions, series);
  result.first_purchase_value = recent_value / recent_count;
  const double spend = result.fit.message.empty() && result.fit.repeat_customers >= 2
                           ? result.fit.gamma_gamma.MeanSpend()
                           : result.first_purchase_value;
  const double z = 1.2815515655446004;  // 90th percentile of N(0, 1): the 80% interval's half
  double width = 0;
  int widths = 0;
  std::vector<double> count(frame.horizon, 0.0);
  int future = 0;
  for (const ForecastPoint& point : forecast.points) {
    if (point.is_history) continue;
    if (future >= frame.horizon) break;
    count[future] = std::max(0.0, point.yhat);
    if (point.yhat > 0 && point.yhat_upper > point.yhat) {
      width += std::log(point.yhat_upper / point.yhat) / z;
      ++widths;
    }
    ++future;
  }
  if (widths > 0) *log_error = width / widths;
  if (frame.partial) {
    // Only the rest of the as-of month is still to come.
    const double days = FirstDayOfMonth(frame.first_month + 1) - FirstDayOfMonth(frame.first_month);
    count[0] *= (FirstDayOfMonth(frame.first_month + 1) - frame.as_of) / days;
  }
  // Repeats: a customer acquired in the middle of month j buys E[X(t)] by time t after.
  const internal::BgNbdExpectation expected(result.fit.bgnbd);
  const std::vector<double> month_end = MonthEndWeeks(frame.as_of, frame.horizon);
  auto month_start = [&](int month) { return month == 0 ? 0.0 : month_end[month - 1]; };
  for (int month = 0; month < frame.horizon; ++month) {
    revenue[month] += count[month] * result.first_purchase_value;
    const double acquired = 0.5 * (month_start(month) + month_end[month]);
    for (int later = month; later < frame.horizon; ++later) {
      const double from = std::max(0.0, month_start(later) - acquired);
      const double to = month_end[later] - acquired;
      const double repeats = expected(0, 0, 0, to) - expected(0, 0, 0, from);
      revenue[later] += count[month] * repeats * spend * result.rate.factor * result.seasonal[later];
    }
    result.new_customers_per_month += count[month] / frame.horizon;
  }
  return revenue;
}

}  // namespace

std::optional<RateAdjustment> ParseRateAdjustment(const std::string& name) {
  if (name == "none") return RateAdjustment::kNone;
  if (name == "pooled") return RateAdjustment::kPooled;
  if (name == "segment") return RateAdjustment::kSegment;
  return std::nullopt;
}

const char* RateAdjustmentName(RateAdjustment adjustment) {
  switch (adjustment) {
    case RateAdjustment::kNone: return "none";
    case RateAdjustment::kSegment: return "segment";
    case RateAdjustment::kPooled: break;
  }
  return "pooled";
}

ForecastLogErrors MeasureLogErrors(const std::vector<int>& groups, const std::vector<double>& actual,
                                   const std::vector<double>& forecast) {
  std::map<int, std::vector<std::pair<double, double>>> by_group;  // (log error, forecast)
  for (size_t index = 0; index < groups.size(); ++index) {
    if (actual[index] > 0 && forecast[index] > 0) {
      by_group[groups[index]].push_back({std::log(actual[index] / forecast[index]), forecast[index]});
    }
  }
  ForecastLogErrors errors;
  double lasting = 0, lasting_weight = 0, monthly = 0, monthly_weight = 0;
  for (const auto& [group, points] : by_group) {
    double weight = 0, mean = 0;
    for (const auto& [error, value] : points) {
      weight += value;
      mean += error;
    }
    mean /= points.size();
    lasting += weight * mean * mean;
    lasting_weight += weight;
    for (const auto& [error, value] : points) monthly += value * (error - mean) * (error - mean);
    // Each group's mean uses up one of its points.
    monthly_weight += weight * (points.size() - 1.0) / points.size();
    errors.points += static_cast<int>(points.size());
  }
  errors.lasting = lasting_weight > 0 ? std::sqrt(lasting / lasting_weight) : 0;
  errors.monthly = monthly_weight > 0 ? std::sqrt(monthly / monthly_weight) : 0;
  return errors;
}

void CohortForecastOptions::Validate() const {
  customer_base.Validate();
  if (!(interval > 0 && interval < 1)) {
    throw InvalidArgument("interval must be in (0, 1)", {.field = "interval", .expected = "(0, 1)"});
  }
  if (samples < 0 || samples > 100000) {
    throw InvalidArgument("samples must be 0 .. 100000", {.field = "samples", .expected = "0 .. 100000"});
  }
  if (holdout_months < 0 || holdout_months > 12) {
    throw InvalidArgument("holdout_months must be 0 .. 12",
                          {.field = "holdout_months", .expected = "0 .. 12"});
  }
  if (!(fallback_lasting_log_error >= 0) || !(fallback_monthly_log_error >= 0)) {
    throw InvalidArgument("fallback log errors must be >= 0",
                          {.field = "fallback_lasting_log_error", .expected = ">= 0"});
  }
  series.Validate();
}

std::vector<double> GroupMonthlyRevenue(const Transactions& transactions,
                                        const std::vector<int32_t>& group, int groups,
                                        MonthIndex first_month, int months, Day end) {
  std::vector<double> sums(static_cast<size_t>(groups) * months, 0.0);
  const Day from = FirstDayOfMonth(first_month);
  for (size_t row = 0; row < transactions.size(); ++row) {
    const Day day = transactions.day[row];
    if (day < from || day >= end) continue;
    const int32_t g = group[transactions.customer[row]];
    const int month = MonthOfDay(day) - first_month;
    if (g < 0 || month >= months) continue;
    sums[static_cast<size_t>(g) * months + month] += transactions.revenue[row];
  }
  return sums;
}

namespace {

// The history part of each series: actual revenue by whole month and in the partly observed
// as-of month, per group (segments, then the customers outside every segment), and of everyone.
struct SeriesHistory {
  int groups = 0, months = 0;
  std::vector<double> revenue;  // (groups + 2) x months: segments, unsegmented, everyone
  std::vector<double> partial;  // per row: actual to date in the as-of month
  const double* Row(int row) const { return revenue.data() + static_cast<size_t>(row) * months; }
};

SeriesHistory ReadHistory(const Transactions& transactions, const Frame& frame) {
  const int segments = static_cast<int>(frame.segment_ids.size());
  std::vector<int32_t> group = frame.group_of_customer;
  for (int32_t& g : group) g = g < 0 ? segments : g;
  const int with_partial = frame.history_months + 1;  // the as-of month last
  const std::vector<double> by_group = GroupMonthlyRevenue(
      transactions, group, segments + 1, frame.data_month, with_partial, frame.as_of);
  SeriesHistory history;
  history.groups = segments + 1;
  history.months = frame.history_months;
  history.revenue.assign(static_cast<size_t>(segments + 2) * history.months, 0.0);
  history.partial.assign(segments + 2, 0.0);
  const int everyone = segments + 1;
  for (int g = 0; g <= segments; ++g) {
    for (int month = 0; month < with_partial; ++month) {
      const double value = by_group[static_cast<size_t>(g) * with_partial + month];
      for (int row : {g, everyone}) {
        if (month < history.months) {
          history.revenue[static_cast<size_t>(row) * history.months + month] += value;
        } else {
          history.partial[row] += value;
        }
      }
    }
  }
  return history;
}

SeriesForecast MakeSeries(const std::string& id, const Frame& frame, const double* history,
                          double partial_actual, const std::vector<double>& future) {
  SeriesForecast series;
  series.series_id = id;
  series.converged = true;
  for (int month = 0; month < frame.history_months && history != nullptr; ++month) {
    ForecastPoint point;
    point.month = frame.data_month + month;
    point.actual = history[month];
    // Nothing is fitted to the history: the forecast is built from the customers, not the curve.
    point.yhat = point.yhat_lower = point.yhat_upper = point.trend =
        std::numeric_limits<double>::quiet_NaN();
    point.is_history = true;
    series.points.push_back(point);
  }
  for (int month = 0; month < frame.horizon; ++month) {
    ForecastPoint point;
    point.month = frame.first_month + month;
    point.yhat = point.yhat_lower = point.yhat_upper = point.trend = future[month];
    point.actual = std::numeric_limits<double>::quiet_NaN();
    series.points.push_back(point);
  }
  if (frame.partial) {
    const Day start = FirstDayOfMonth(frame.first_month);
    series.partial = PartialMonth{frame.first_month, partial_actual,
                                  static_cast<int>(frame.as_of - start),
                                  static_cast<int>(FirstDayOfMonth(frame.first_month + 1) - start)};
  }
  return series;
}

// Simulated paths of every series at once, so that the total's interval is that of a sum.
class IntervalSimulation {
 public:
  IntervalSimulation(const CohortForecastOptions& options, const Frame& frame,
                     const CohortForecast& result)
      : options_(options), frame_(frame), result_(result) {}

  // process_variance: per series (rows as `points`) and month; new_log_error: of series "new".
  void Run(std::vector<SeriesForecast>& series, const std::vector<double>& process_variance,
           const std::vector<std::vector<double>>& parameter_ratio, double new_log_error) const {
    const int samples = options_.samples, horizon = frame_.horizon;
    if (samples == 0) return;
    const int segments = static_cast<int>(frame_.segment_ids.size());
    // Rows: 0 total, 1 existing, 2 new, 3.. segments; existing = segments + unsegmented.
    const int rows = 3 + segments;
    std::vector<double> paths(static_cast<size_t>(rows) * horizon * samples);
    auto at = [&](int row, int month, int sample) -> double& {
      return paths[(static_cast<size_t>(row) * horizon + month) * samples + sample];
    };
    // The forecast stage's generator: the same draws with every standard library.
    internal::XoshiroRandom random(internal::SeedFor(options_.seed, "cohort intervals"));
    const double lasting = result_.rate.errors.lasting, monthly = result_.rate.errors.monthly;
    const int draws = static_cast<int>(parameter_ratio.size());
    for (int sample = 0; sample < samples; ++sample) {
      const double shared = lasting * random.Normal();
      const double* ratio = draws > 0 ? parameter_ratio[sample % draws].data() : nullptr;
      for (int month = 0; month < horizon; ++month) {
        double existing = 0;
        // Segments, then the customers outside every segment (as one more group).
        for (int group = 0; group <= segments; ++group) {
          const double point = group < segments ? Point(series[3 + group], month)
                                                : Point(series[1], month) - SegmentSum(series, month);
          const double parameters = ratio ? ratio[static_cast<size_t>(group) * horizon + month] : 1.0;
          const double noise =
              std::sqrt(std::max(0.0, process_variance[static_cast<size_t>(group) * horizon + month])) *
              random.Normal();
          const double value = std::max(
              0.0, point * parameters * std::exp(shared + monthly * random.Normal()) + noise);
          if (group < segments) at(3 + group, month, sample) = value;
          existing += value;
        }
        at(1, month, sample) = existing;
        const double fresh = Point(series[2], month) * std::exp(new_log_error * random.Normal());
        at(2, month, sample) = fresh;
        at(0, month, sample) = existing + fresh;
      }
    }
    const double tail = (1 - options_.interval) / 2;
    for (int row = 0; row < rows; ++row) {
      for (int month = 0; month < horizon; ++month) {
        double* begin = &at(row, month, 0);
        const size_t low = static_cast<size_t>(std::floor(tail * (samples - 1)));
        const size_t high = static_cast<size_t>(std::ceil((1 - tail) * (samples - 1)));
        std::nth_element(begin, begin + low, begin + samples);
        const double lower = begin[low];
        std::nth_element(begin, begin + high, begin + samples);
        ForecastPoint& point = FuturePoint(series[row], month);
        point.yhat_lower = std::min(lower, point.yhat);
        point.yhat_upper = std::max(begin[high], point.yhat);
      }
    }
  }

 private:
  ForecastPoint& FuturePoint(SeriesForecast& series, int month) const {
    return series.points[series.points.size() - frame_.horizon + month];
  }
  double Point(SeriesForecast& series, int month) const { return FuturePoint(series, month).yhat; }
  double SegmentSum(std::vector<SeriesForecast>& series, int month) const {
    double sum = 0;
    for (size_t row = 3; row < series.size(); ++row) sum += Point(series[row], month);
    return sum;
  }

  const CohortForecastOptions& options_;
  const Frame& frame_;
  const CohortForecast& result_;
};

// Parameter uncertainty: BG/NBD parameters drawn from the fit's covariance, each draw's expected
// purchases relative to the fitted ones, per group and month, on a seeded subsample of at most
// 200 customers per group.
std::vector<std::vector<double>> ParameterRatios(const Frame& frame, const CohortForecast& result,
                                                 const CohortForecastOptions& options) {
  const std::vector<double>& covariance = result.fit.bgnbd_fit.log_covariance;
  const int draws = std::min(options.samples, 50);
  if (draws == 0 || covariance.empty() || !std::isfinite(covariance[0])) return {};
  const int groups = static_cast<int>(frame.segment_ids.size()) + 1;
  const int horizon = frame.horizon;
  const CustomerHistories& histories = result.histories;
  internal::XoshiroRandom random(internal::SeedFor(options.seed, "cohort parameters"));
  std::vector<int> order(histories.size());
  std::iota(order.begin(), order.end(), 0);
  for (size_t index = order.size(); index > 1; --index) {  // Fisher-Yates
    std::swap(order[index - 1], order[static_cast<size_t>(random.Uniform() * index)]);
  }
  std::vector<std::vector<int>> sample(groups);
  for (int customer : order) {
    int group = frame.group_of_customer[histories.customer_index[customer]];
    if (group < 0) group = groups - 1;
    if (sample[group].size() < 200) sample[group].push_back(customer);
  }
  // Cholesky factor of the 4 x 4 log-parameter covariance.
  double lower[4][4] = {};
  for (int row = 0; row < 4; ++row) {
    for (int column = 0; column <= row; ++column) {
      double sum = covariance[row * 4 + column];
      for (int k = 0; k < column; ++k) sum -= lower[row][k] * lower[column][k];
      if (row == column) {
        if (!(sum > 0)) return {};
        lower[row][row] = std::sqrt(sum);
      } else {
        lower[row][column] = sum / lower[column][column];
      }
    }
  }
  const std::vector<double> month_end = MonthEndWeeks(frame.as_of, horizon);
  auto expected = [&](const BgNbdParameters& p, const std::vector<int>& customers,
                      std::vector<double>& out) {
    out.assign(horizon, 0.0);
    const internal::BgNbdExpectation purchases(p);
    for (int customer : customers) {
      double previous = 0;
      for (int month = 0; month < horizon; ++month) {
        const double value = purchases(histories.repeat_purchases[customer],
                                               histories.recency_weeks[customer],
                                               histories.age_weeks[customer], month_end[month]);
        out[month] += value - previous;
        previous = value;
      }
    }
  };
  const BgNbdParameters& fitted = result.fit.bgnbd;
  const double center[4] = {std::log(fitted.r), std::log(fitted.alpha), std::log(fitted.a),
                            std::log(fitted.b)};
  std::vector<std::vector<double>> base(groups);
  for (int group = 0; group < groups; ++group) expected(fitted, sample[group], base[group]);
  std::vector<std::vector<double>> ratios(draws, std::vector<double>(static_cast<size_t>(groups) * horizon, 1.0));
  std::vector<double> drawn;
  for (int draw = 0; draw < draws; ++draw) {
    double z[4], value[4];
    for (double& entry : z) entry = random.Normal();
    for (int row = 0; row < 4; ++row) {
      value[row] = center[row];
      for (int k = 0; k <= row; ++k) value[row] += lower[row][k] * z[k];
      // Within the box the fit searched (likelihood_fit.cc): a flat direction of the likelihood
      // has a huge variance, and e^-1000 is no parameter.
      value[row] = std::exp(std::clamp(value[row], -18.0, 18.0));
    }
    const BgNbdParameters p{value[0], value[1], value[2], value[3]};
    for (int group = 0; group < groups; ++group) {
      expected(p, sample[group], drawn);
      for (int month = 0; month < horizon; ++month) {
        if (base[group][month] > 0) {
          ratios[draw][static_cast<size_t>(group) * horizon + month] = drawn[month] / base[group][month];
        }
      }
    }
  }
  return ratios;
}

// The rate factor of each customer's group and the yearly profile, applied to the customer's
// own predictions: monthly purchases, expected purchases and revenue over the horizon, and CLV
// (the factor only: the profile averages to 1 over a year). A segment's forecast is then exactly
// the sum of its members' expected revenue, plus what they spent earlier in a partial month.
void CorrectPredictions(const Frame& frame, CohortForecast& result) {
  const int segments = static_cast<int>(frame.segment_ids.size());
  CustomerPredictions& predictions = result.predictions;
  const int horizon = predictions.horizon;
  for (int customer = 0; customer < result.histories.size(); ++customer) {
    const int group = frame.group_of_customer[result.histories.customer_index[customer]];
    const double factor = group >= 0 && group < segments ? result.segment_factors[group]
                                                         : result.rate.factor;
    double purchases = 0;
    for (int month = 0; month < horizon; ++month) {
      double& monthly = predictions.monthly_purchases[static_cast<size_t>(customer) * horizon + month];
      monthly *= factor * result.seasonal[month];
      purchases += monthly;
    }
    predictions.expected_purchases[customer] = purchases;
    predictions.expected_revenue[customer] = purchases * predictions.expected_spend[customer];
    predictions.clv[customer] *= factor;
  }
}

// The customer-base model on everything before the as-of date, and each customer's segment.
void FitExistingCustomers(const Transactions& transactions, const Frame& frame,
                          const CohortForecastOptions& options, CohortForecast& result) {
  result.histories = SummarizeCustomers(transactions, frame.as_of);
  result.fit = FitCustomerBase(result.histories, options.customer_base);
  result.predictions = PredictCustomers(result.histories, result.fit, options.customer_base);
  result.segment.resize(result.histories.size());
  for (int customer = 0; customer < result.histories.size(); ++customer) {
    const int group = frame.group_of_customer[result.histories.customer_index[customer]];
    result.segment[customer] = group >= 0 ? frame.segment_ids[group] : -1;
  }
  if (!result.fit.message.empty()) result.notes.push_back(result.fit.message + ".");
}

// Each group's (segments, then the unsegmented customers) forecast month by month: its members'
// corrected expectations, plus their actual to date in a partial first month.
std::vector<std::vector<double>> ExistingByGroup(const Frame& frame, const SeriesHistory& history,
                                                 const CohortForecast& result) {
  const int groups = static_cast<int>(frame.segment_ids.size()) + 1, horizon = frame.horizon;
  const std::vector<double> expected = ExpectedByGroup(frame, result.histories, result.predictions);
  std::vector<std::vector<double>> existing(groups, std::vector<double>(horizon, 0.0));
  for (int group = 0; group < groups; ++group) {
    for (int month = 0; month < horizon; ++month) {
      existing[group][month] = expected[static_cast<size_t>(group) * horizon + month] +
                               (month == 0 && frame.partial ? history.partial[group] : 0.0);
    }
  }
  return existing;
}

// Compound Poisson variance of each group's monthly revenue: purchases ~ Poisson(mu), each
// ~ Gamma(p) with mean `spend`, so the variance is the sum of mu spend^2 (1 + 1 / p).
std::vector<double> ProcessVariance(const Frame& frame, const CohortForecast& result) {
  const int segments = static_cast<int>(frame.segment_ids.size()), horizon = frame.horizon;
  const double shape = result.fit.message.empty() && result.fit.repeat_customers >= 2
                           ? result.fit.gamma_gamma.p
                           : 1.0;
  std::vector<double> variance(static_cast<size_t>(segments + 1) * horizon, 0.0);
  for (int customer = 0; customer < result.histories.size(); ++customer) {
    int group = frame.group_of_customer[result.histories.customer_index[customer]];
    if (group < 0) group = segments;
    const double spend = result.predictions.expected_spend[customer];
    for (int month = 0; month < horizon; ++month) {
      variance[static_cast<size_t>(group) * horizon + month] +=
          result.predictions.monthly_purchases[static_cast<size_t>(customer) * horizon + month] *
          spend * spend * (1 + 1 / shape);
    }
  }
  return variance;
}

// The series in their order: total (= existing + new), existing (= every group), new, segments.
void AssembleSeries(const Frame& frame, const SeriesHistory& history,
                    const std::vector<std::vector<double>>& existing,
                    const std::vector<double>& fresh, CohortForecast& result) {
  const int segments = static_cast<int>(frame.segment_ids.size()), everyone = segments + 1;
  std::vector<double> all(frame.horizon, 0.0), total(frame.horizon, 0.0);
  for (int month = 0; month < frame.horizon; ++month) {
    for (const std::vector<double>& group : existing) all[month] += group[month];
    total[month] = all[month] + fresh[month];
  }
  result.forecasts.push_back(
      MakeSeries("total", frame, history.Row(everyone), history.partial[everyone], total));
  result.forecasts.push_back(
      MakeSeries("existing", frame, history.Row(everyone), history.partial[everyone], all));
  result.forecasts.push_back(MakeSeries("new", frame, nullptr, 0, fresh));
  for (int group = 0; group < segments; ++group) {
    result.forecasts.push_back(MakeSeries(SeriesIdOfSegment(frame.segment_ids[group]), frame,
                                          history.Row(group), history.partial[group],
                                          existing[group]));
  }
}

}  // namespace

CohortForecast ForecastCohorts(const Transactions& transactions, Day as_of,
                               const std::vector<int32_t>& customer_segment,
                               const CohortForecastOptions& options) {
  options.Validate();
  if (!customer_segment.empty() && customer_segment.size() != transactions.customer_count()) {
    throw InvalidArgument("one segment per customer is needed (got " +
                              std::to_string(customer_segment.size()) + " for " +
                              std::to_string(transactions.customer_count()) + " customers)",
                          {.field = "customer_segment", .expected = "one entry per customer"});
  }
  const Frame frame =
      MakeFrame(transactions, as_of, customer_segment, options.customer_base.horizon);
  CohortForecast result;
  FitExistingCustomers(transactions, frame, options, result);
  const std::vector<double> seasonal = SeasonalProfile(transactions, frame, options, result);
  MeasureRate(transactions, frame, seasonal, options, result);
  CorrectPredictions(frame, result);
  const SeriesHistory history = ReadHistory(transactions, frame);
  const std::vector<std::vector<double>> existing = ExistingByGroup(frame, history, result);
  double new_log_error = 0;
  const std::vector<double> fresh = ForecastNewCustomers(frame, options, result, &new_log_error);
  AssembleSeries(frame, history, existing, fresh, result);
  IntervalSimulation(options, frame, result)
      .Run(result.forecasts, ProcessVariance(frame, result), ParameterRatios(frame, result, options),
           new_log_error);
  return result;
}

std::vector<SegmentValue> SummarizeSegmentValues(const CohortForecast& forecast) {
  std::map<int32_t, SegmentValue> by_id;
  const CustomerPredictions& predictions = forecast.predictions;
  for (size_t customer = 0; customer < forecast.segment.size(); ++customer) {
    const int32_t id = forecast.segment[customer];
    if (id < 0) continue;
    SegmentValue& value = by_id[id];
    value.segment_id = id;
    ++value.customers;
    value.expected_revenue += predictions.expected_revenue[customer];
    value.likely_lost_share += predictions.p_alive[customer] < 0.5;
    value.mean_p_alive += predictions.p_alive[customer];
    value.mean_clv += predictions.clv[customer];
  }
  std::vector<SegmentValue> values;
  for (auto& [id, value] : by_id) {
    value.likely_lost_share /= value.customers;
    value.mean_p_alive /= value.customers;
    value.mean_clv /= value.customers;
    values.push_back(value);
  }
  return values;
}

}  // namespace segcast
