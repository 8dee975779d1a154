// Revenue forecasts of fixed groups of customers (segments), of all existing customers, of
// customers not yet acquired, and of the total, built on the customer-base model.
//
// A segment is a fixed set of customers: its future revenue is what those customers will spend.
// So its forecast is the sum over its members of the customer-base model's expected revenue
// (customer_base.h), month by month, never an extrapolation of the segment's past revenue series
// (which holds the group's own acquisition ramp and, for a churned group, its fall to zero).
//
//   existing(month) = rate_factor x seasonal(month) x sum over customers of E[revenue in month]
//   segment s       = the same sum over the members of s        (segments add up to existing)
//   new(month)      = forecast acquisitions x first-purchase value + their expected repeats
//   total           = existing + new                                 (exactly, month by month)
//
// The model is stationary, so two corrections are read from the history itself:
//   - rate_factor: the model refitted holdout_months before the as-of date predicts the revenue
//     those customers actually spent since; the ratio actual / predicted (pooled over customers)
//     carries the business's recent drift (growth or decline) that the model cannot see;
//   - seasonal: with 24 months or more of history, the yearly profile of total revenue from the
//     Prophet-style model (forecast.h); with less, the report says that seasonality is not modelled.
// Intervals are simulated (deterministic for the seed): the rate factor's own out-of-sample error,
// measured on a second, earlier holdout, as a lasting log-error per path; a month-to-month log
// error; purchase-process noise (compound Poisson); and parameter uncertainty drawn from the
// customer-base fit's covariance.
//
//   segcast::CohortForecastOptions options;          // 6 months, 80% intervals
//   segcast::CohortForecast result = segcast::ForecastCohorts(transactions, as_of, segment, options);
//   for (const segcast::SeriesForecast& series : result.forecasts) ...  // total, existing, new, segments
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/customer_base.h"
#include "segcast/forecast.h"

namespace segcast {

//! How the model's expected revenue is corrected by the holdout at the end of the history.
enum class RateAdjustment {
  kNone,     //!< the customer-base model as fitted
  kPooled,   //!< one factor, actual / predicted over all customers of the holdout (default)
  kSegment,  //!< one factor per segment, from its own members
};

//! Log-scale errors of segment forecasts, as the interval simulation draws them: a lasting error
//! shared by every month of a path, and a month-to-month error on top.
struct ForecastLogErrors {
  double lasting = 0;  //!< RMS of each segment's mean log(actual / forecast), revenue-weighted
  double monthly = 0;  //!< RMS of what remains month to month, revenue-weighted
  int points = 0;      //!< segment-months measured
};

//! The errors of a set of (actual, forecast) pairs grouped by segment: `groups` holds one group
//! id per pair. Pairs with a zero actual or forecast are left out of the logs.
ForecastLogErrors MeasureLogErrors(const std::vector<int>& groups, const std::vector<double>& actual,
                                   const std::vector<double>& forecast);

//! "none", "pooled" or "segment"; nullopt for anything else.
std::optional<RateAdjustment> ParseRateAdjustment(const std::string& name);
const char* RateAdjustmentName(RateAdjustment adjustment);

struct CohortForecastOptions {
  //! Horizon, CLV months, discount rate and threads of the customer-base model. The horizon
  //! counts calendar months from the month of the as-of date (a partial month first when the
  //! as-of date is not the 1st).
  CustomerBaseOptions customer_base;
  //! Central probability of the intervals; 0 < interval < 1.
  double interval = 0.8;
  //! Simulated paths for the intervals; 0 = no intervals; <= 100000.
  int samples = 1000;
  //! Randomness of the interval simulation derives from it.
  uint64_t seed = 0;
  //! Whole months before the as-of date held out to measure the rate factor (and, the same
  //! number before those, its error); shortened to fit the history, 0 = no rate factor. 0 .. 12.
  int holdout_months = 3;
  //! Which rate factor is applied.
  RateAdjustment rate_adjustment = RateAdjustment::kPooled;
  //! Forecast customers not yet acquired (series "new"); false leaves total = existing.
  bool new_customers = true;
  //! Yearly seasonality from total revenue: kAuto with at least 24 whole months of history.
  Toggle seasonality = Toggle::kAuto;
  //! Options of the Prophet-style forecasts of monthly acquisitions and of the seasonal profile
  //! (horizon, seed and threads are set from this struct).
  ForecastOptions series;
  //! Errors the intervals use when measured outside (segcast run measures them with a cohort
  //! backtest inside the history, which clusters again at its origin: the only way to see how
  //! a segment's own forecast errs, since segments are defined with the months before as_of).
  //! Without them: the pooled error of the holdout's rate factor (lasting) and the fallbacks.
  std::optional<ForecastLogErrors> errors;
  //! Log errors used where nothing measured them: lasting and month-to-month; >= 0.
  double fallback_lasting_log_error = 0.3;
  double fallback_monthly_log_error = 0.15;
  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

//! What the holdout at the end of the history measured.
struct RateCheck {
  MonthIndex first_month = 0;  //!< first holdout month
  int months = 0;              //!< 0 when the history was too short for a holdout
  double actual = 0;           //!< revenue of the holdout's customers in those months
  double predicted = 0;        //!< the model's expectation, fitted before the holdout
  double factor = 1;           //!< the pooled factor actual / predicted
  //! The errors the intervals used, and where they come from ("cohort backtest", "holdout",
  //! "fallback").
  ForecastLogErrors errors;
  std::string error_source;
};

struct CohortForecast {
  CustomerHistories histories;
  CustomerBaseFit fit;
  //! The customer-base model's predictions with the rate factor of each customer's group and the
  //! yearly profile applied (CLV: the factor only), so that a segment's forecast is the sum of its
  //! members' expected revenue (plus their actual to date in a partial first month).
  CustomerPredictions predictions;
  //! Segment of each history (in CustomerHistories order), -1 for customers without one.
  std::vector<int32_t> segment;
  //! "total", "existing", "new", then "segment_<id>" by increasing id; each with its history
  //! months (members' actual revenue by calendar month) and `horizon` future months.
  std::vector<SeriesForecast> forecasts;
  RateCheck rate;
  std::vector<double> segment_factors;  //!< rate factor applied to each segment, by id order
  std::vector<double> seasonal;         //!< factor per horizon month (1 without seasonality)
  double new_customers_per_month = 0;   //!< mean forecast acquisitions per horizon month
  double first_purchase_value = 0;      //!< mean first-purchase value of recent new customers
  //! Plain sentences for the report: what was and was not modelled, and why.
  std::vector<std::string> notes;
};

//! Forecasts for the customers of `transactions` as of `as_of`; `customer_segment` holds one
//! segment id (>= 0) or -1 per Transactions customer (empty: no segments). Rows on or after
//! as_of are not read. Throws InvalidArgument for bad options or a mis-sized customer_segment.
CohortForecast ForecastCohorts(const Transactions& transactions, Day as_of,
                               const std::vector<int32_t>& customer_segment,
                               const CohortForecastOptions& options);

//! What the customer-base model says of one segment's customers.
struct SegmentValue {
  int32_t segment_id = 0;
  int customers = 0;
  //! Sum of the members' expected revenue from as_of over the horizon: the segment's forecast
  //! without what its members spent earlier in a partial first month.
  double expected_revenue = 0;
  double likely_lost_share = 0;  //!< share of members with P(alive) < 0.5
  double mean_p_alive = 0;
  double mean_clv = 0;           //!< discounted, over CustomerBaseOptions::clv_months
};

//! One row per segment of `forecast`, by increasing id.
std::vector<SegmentValue> SummarizeSegmentValues(const CohortForecast& forecast);

//! Revenue by group and calendar month in [first_month, first_month + months), from rows before
//! `end`: groups x months, row-major. `group` holds a group (0 .. groups-1) or -1 (left out) per
//! Transactions customer.
std::vector<double> GroupMonthlyRevenue(const Transactions& transactions,
                                        const std::vector<int32_t>& group, int groups,
                                        MonthIndex first_month, int months, Day end);

}  // namespace segcast
