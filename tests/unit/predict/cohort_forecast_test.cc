// Forecasts of fixed groups of customers: coherence (segments add up to existing, existing + new
// to total), determinism, and accuracy on a log simulated with known churn.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "segcast/cohort_forecast.h"
#include "segcast/error.h"
#include "unit/predict/customer_base_simulation.h"

using namespace segcast;

namespace {

const BgNbdParameters kPurchases{0.9, 8.0, 0.7, 3.0};
const GammaGammaParameters kSpend{4.0, 5.0, 60.0};

// 6,000 customers acquired over 2010, simulated to mid-2011.
const Transactions& Log() {
  static const Transactions log = testing::SimulateLog(
      kPurchases, kSpend, 6000, DayFromCivil(2010, 1, 1), 365, DayFromCivil(2011, 7, 1), 5);
  return log;
}

// Segments by customer number (0, 1, 2), the last tenth of customers in none.
std::vector<int32_t> Segments(const Transactions& log) {
  std::vector<int32_t> segment(log.customer_count());
  for (size_t customer = 0; customer < segment.size(); ++customer) {
    segment[customer] = customer >= segment.size() * 9 / 10 ? -1 : static_cast<int32_t>(customer % 3);
  }
  return segment;
}

double Future(const SeriesForecast& series, int month) {
  return series.points[series.points.size() - 6 + month].yhat;
}

}  // namespace

TEST_CASE("segments add up to existing customers, existing and new to the total", "[predict]") {
  const Day as_of = DayFromCivil(2011, 1, 1);
  const CohortForecast result = ForecastCohorts(Log(), as_of, Segments(Log()), {});
  REQUIRE(result.forecasts.size() == 6);
  CHECK(result.forecasts[0].series_id == "total");
  CHECK(result.forecasts[1].series_id == "existing");
  CHECK(result.forecasts[2].series_id == "new");
  CHECK(result.forecasts[5].series_id == "segment_2");
  // Customers outside every segment count in "existing" only: their expected revenue.
  double unsegmented = 0;
  for (int customer = 0; customer < result.histories.size(); ++customer) {
    if (result.segment[customer] < 0) {
      unsegmented += result.predictions.MonthlyRevenue(customer, 0);
    }
  }
  for (int month = 0; month < 6; ++month) {
    double segments = 0;
    for (int series = 3; series < 6; ++series) segments += Future(result.forecasts[series], month);
    if (month == 0) CHECK(Future(result.forecasts[1], 0) == Approx(segments + unsegmented).epsilon(1e-12));
    CHECK(Future(result.forecasts[0], month) ==
          Approx(Future(result.forecasts[1], month) + Future(result.forecasts[2], month)).epsilon(1e-12));
    for (const SeriesForecast& series : result.forecasts) {
      const ForecastPoint& point = series.points[series.points.size() - 6 + month];
      CHECK(point.yhat_lower <= point.yhat);
      CHECK(point.yhat <= point.yhat_upper);
    }
  }
  // Each segment's forecast is the sum of its members' expected revenue (clv.csv's column).
  for (int32_t id = 0; id < 3; ++id) {
    double members = 0, forecast = 0;
    for (int customer = 0; customer < result.histories.size(); ++customer) {
      if (result.segment[customer] == id) members += result.predictions.expected_revenue[customer];
    }
    for (int month = 0; month < 6; ++month) forecast += Future(result.forecasts[3 + id], month);
    CHECK(forecast == Approx(members).epsilon(1e-9));
  }
  // History: the actuals of the members, month by month, before as_of.
  const SeriesForecast& total = result.forecasts[0];
  double history = 0, logged = 0;
  for (const ForecastPoint& point : total.points) {
    if (point.is_history) history += point.actual;
  }
  for (size_t row = 0; row < Log().size(); ++row) logged += Log().day[row] < as_of ? Log().revenue[row] : 0;
  CHECK(history == Approx(logged).epsilon(1e-12));
  CHECK_THROWS_AS(ForecastCohorts(Log(), as_of, std::vector<int32_t>(3, 0), {}), InvalidArgument);
}

TEST_CASE("cohort forecasts are the same for a seed, whatever the thread count", "[predict]") {
  CohortForecastOptions options;
  options.customer_base.threads = 1;
  const CohortForecast one = ForecastCohorts(Log(), DayFromCivil(2011, 1, 1), Segments(Log()), options);
  options.customer_base.threads = 2;
  const CohortForecast two = ForecastCohorts(Log(), DayFromCivil(2011, 1, 1), Segments(Log()), options);
  for (size_t series = 0; series < one.forecasts.size(); ++series) {
    for (size_t point = 0; point < one.forecasts[series].points.size(); ++point) {
      const ForecastPoint& a = one.forecasts[series].points[point];
      const ForecastPoint& b = two.forecasts[series].points[point];
      if (a.is_history) continue;
      CHECK(a.yhat == b.yhat);
      CHECK(a.yhat_lower == b.yhat_lower);
      CHECK(a.yhat_upper == b.yhat_upper);
    }
  }
  options.seed = 7;
  const CohortForecast other = ForecastCohorts(Log(), DayFromCivil(2011, 1, 1), Segments(Log()), options);
  CHECK(Future(other.forecasts[3], 2) == Future(one.forecasts[3], 2));  // points do not depend on it
}

TEST_CASE("on a log simulated with known churn, the forecast finds what the customers spent",
          "[predict]") {
  // The model is right for this log: the holdout's rate factor is near 1 and each segment's
  // forecast of the next six months is within 10% of what its members then spent.
  const Day as_of = DayFromCivil(2011, 1, 1);
  const std::vector<int32_t> segment = Segments(Log());
  const CohortForecast result = ForecastCohorts(Log(), as_of, segment, {});
  CHECK(result.rate.factor == Approx(1.0).margin(0.15));
  for (int32_t id = 0; id < 3; ++id) {
    double actual = 0, forecast = 0;
    for (size_t row = 0; row < Log().size(); ++row) {
      if (Log().day[row] >= as_of && segment[Log().customer[row]] == id) actual += Log().revenue[row];
    }
    for (int month = 0; month < 6; ++month) forecast += Future(result.forecasts[3 + id], month);
    INFO("segment " << id << ": forecast " << forecast << ", actual " << actual);
    CHECK(forecast == Approx(actual).epsilon(0.10));
  }
  // The fitted parameters are those the log was made with, within a few standard errors.
  const double fitted[] = {result.fit.bgnbd.r, result.fit.bgnbd.alpha, result.fit.bgnbd.a,
                           result.fit.bgnbd.b};
  const double truth[] = {kPurchases.r, kPurchases.alpha, kPurchases.a, kPurchases.b};
  for (int index = 0; index < 4; ++index) {
    INFO("parameter " << index << ": " << fitted[index] << " +- "
                      << result.fit.bgnbd_fit.standard_errors[index]);
    CHECK(std::fabs(fitted[index] - truth[index]) < 3 * result.fit.bgnbd_fit.standard_errors[index]);
  }
}

TEST_CASE("a partial as-of month holds its actual to date plus the rest expected", "[predict]") {
  const Day as_of = DayFromCivil(2011, 1, 15);
  const CohortForecast result = ForecastCohorts(Log(), as_of, {}, {});
  const SeriesForecast& existing = result.forecasts[1];
  REQUIRE(existing.partial);
  CHECK(existing.partial->days_observed == 14);
  double to_date = 0, rest = 0;
  for (size_t row = 0; row < Log().size(); ++row) {
    if (Log().day[row] >= DayFromCivil(2011, 1, 1) && Log().day[row] < as_of) to_date += Log().revenue[row];
  }
  CHECK(existing.partial->actual_to_date == Approx(to_date).epsilon(1e-12));
  for (int customer = 0; customer < result.histories.size(); ++customer) {
    rest += result.predictions.MonthlyRevenue(customer, 0);
  }
  CHECK(Future(existing, 0) == Approx(to_date + rest).epsilon(1e-9));
}

TEST_CASE("with two years of history the forecast follows the yearly profile", "[predict]") {
  // A log whose customers buy a third less in January to June: a third of the purchases in those
  // months is dropped.
  Transactions log = testing::SimulateLog(kPurchases, kSpend, 4000, DayFromCivil(2009, 1, 1), 900,
                                          DayFromCivil(2012, 1, 1), 9);
  Transactions thinned = log;
  thinned.customer.clear();
  thinned.day.clear();
  thinned.revenue.clear();
  for (size_t row = 0; row < log.size(); ++row) {
    const int month = MonthOf(MonthOfDay(log.day[row]));
    if (month <= 6 && row % 3 == 0) continue;
    thinned.customer.push_back(log.customer[row]);
    thinned.day.push_back(log.day[row]);
    thinned.revenue.push_back(log.revenue[row]);
  }
  CohortForecastOptions options;
  options.customer_base.horizon = 12;
  const CohortForecast result = ForecastCohorts(thinned, DayFromCivil(2011, 7, 1), {}, options);
  REQUIRE(result.seasonal.size() == 12);
  // Horizon months 0..5 are July to December, 6..11 January to June: about 1 / (2/3) = 1.5 apart.
  double second_half = 0, first_half = 0;
  for (int month = 0; month < 6; ++month) {
    second_half += result.seasonal[month] / 6;
    first_half += result.seasonal[6 + month] / 6;
  }
  CHECK(second_half / first_half == Approx(1.5).margin(0.2));
  bool noted = false;
  for (const std::string& note : result.notes) noted = noted || note.find("yearly profile") != std::string::npos;
  CHECK(noted);
  // The holdout (April to June, thinned) is read through the same profile: no spurious drift.
  CHECK(result.rate.factor == Approx(1.0).margin(0.15));
}
