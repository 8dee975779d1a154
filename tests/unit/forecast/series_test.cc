// Series readers, revenue series from a panel, and the short final month.
#include <catch2/catch.hpp>
#include <cmath>

#include "segcast/error.h"
#include "segcast/forecast.h"
#include "segcast/monthly_series.h"
#include "support/shared_data.h"

using namespace segcast;

namespace {

// Three customers over three months (2011-10 .. 2011-12); as-of 2011-12-10 cuts December short.
LrfmPanel SmallPanel(Day as_of) {
  LrfmPanel panel;
  panel.as_of = as_of;
  panel.first_month = MakeMonth(2011, 10);
  panel.month_count = 3;
  panel.customer_ids = {"c1", "c2", "c3"};
  panel.customer_index = {0, 1, 2};
  panel.start = {0, 1, 0};
  panel.values.assign(3 * 3 * kLrfmFeatures, 0.0);
  auto set_m = [&](int customer, int month, double m) {
    panel.values[(customer * 3 + month) * kLrfmFeatures + kMonetary] = m;
  };
  set_m(0, 0, 100);
  set_m(0, 2, 40);
  set_m(1, 1, 10);
  set_m(1, 2, 5);
  set_m(2, 0, 1);
  set_m(2, 1, 2);
  set_m(2, 2, 3);
  return panel;
}

}  // namespace

TEST_CASE("long series CSV: any order, gaps, rejects counted", "[forecast]") {
  MonthlySeriesSet set = ReadLongSeriesCsv(segcast::testing::FixturePath("forecast/long_series.csv").string());
  CHECK(set.rows_read == 10);
  CHECK(set.rows_rejected == 3);  // bad month, bad value, duplicate
  REQUIRE(set.series.size() == 3);
  CHECK(set.series[0].id == "a");
  CHECK(set.series[0].first_month == MakeMonth(2020, 1));
  CHECK(set.series[0].values == std::vector<double>{10, 20, 30});
  CHECK(set.series[1].id == "b");
  CHECK(set.series[1].first_month == MakeMonth(2019, 11));
  REQUIRE(set.series[1].values.size() == 5);  // 2019-11 .. 2020-03
  CHECK(set.series[1].values[0] == 5.5);
  CHECK(std::isnan(set.series[1].values[1]));  // gap
  CHECK(set.series[1].values[2] == 7.5);
  CHECK(std::isnan(set.series[1].values[4]));  // empty value = missing
  CHECK(set.series[2].id == "c,quoted");
  CHECK(set.missing_months == 2);
  CHECK(set.reject_examples.size() == 3);
  CHECK_THROWS_AS(ReadLongSeriesCsv("/nonexistent/file.csv"), InputError);
}

TEST_CASE("revenue series of a panel: total, segments and the short final month", "[forecast]") {
  const Day as_of = DayFromCivil(2011, 12, 10);
  LrfmPanel panel = SmallPanel(as_of);
  std::vector<MonthlySeries> series = RevenueSeriesFromPanel(panel, {0, 1, -1});
  REQUIRE(series.size() == 3);
  CHECK(series[0].id == "total");
  CHECK(series[0].values == std::vector<double>{101, 12});
  REQUIRE(series[0].partial.has_value());
  CHECK(series[0].partial->month == MakeMonth(2011, 12));
  CHECK(series[0].partial->actual_to_date == 48);
  CHECK(series[0].partial->days_observed == 9);
  CHECK(series[0].partial->days_in_month == 31);
  CHECK(series[1].id == "segment_0");
  CHECK(series[1].values == std::vector<double>{100, 0});
  CHECK(series[1].partial->actual_to_date == 40);
  CHECK(series[2].id == "segment_1");
  CHECK(series[2].values == std::vector<double>{0, 10});
  CHECK(series[2].partial->actual_to_date == 5);
  // As-of on the first day of the next month: December is complete.
  LrfmPanel complete = SmallPanel(DayFromCivil(2012, 1, 1));
  std::vector<MonthlySeries> full = RevenueSeriesFromPanel(complete);
  REQUIRE(full.size() == 1);
  CHECK_FALSE(full[0].partial.has_value());
  CHECK(full[0].values == std::vector<double>{101, 12, 48});
  CHECK_THROWS_AS(RevenueSeriesFromPanel(panel, {0, 1}), InvalidArgument);
}

TEST_CASE("a short final month is left out of the fit and forecast as a whole month", "[forecast]") {
  // 36 months of steady revenue ~1000, then a final month cut after 9 days (actual 290).
  MonthlySeries series;
  series.id = "total";
  series.first_month = MakeMonth(2009, 1);
  for (int month = 0; month < 36; ++month) series.values.push_back(1000.0 + 5.0 * (month % 3));
  series.partial = PartialMonth{MakeMonth(2012, 1), 290.0, 9, 31};
  ForecastOptions options;
  options.horizon = 3;
  SeriesForecast forecast = ForecastSeries(series, options);
  REQUIRE(forecast.partial.has_value());
  CHECK(forecast.partial->actual_to_date == 290.0);
  // The first forecast month is the partial month, forecast at the normal level, not at 290.
  const ForecastPoint& first = forecast.points[36];
  CHECK_FALSE(first.is_history);
  CHECK(first.month == MakeMonth(2012, 1));
  CHECK(first.yhat == Approx(1003.0).margin(30.0));
  CHECK(std::isnan(first.actual));
  // Reading the cut month as a full month drags the forecast down: the case the rule prevents.
  MonthlySeries naive = series;
  naive.values.push_back(290.0);
  naive.partial.reset();
  SeriesForecast misled = ForecastSeries(naive, options);
  CHECK(misled.points[37].yhat < first.yhat - 50.0);
}

TEST_CASE("segment labels are read from an assignments file", "[forecast]") {
  LrfmPanel panel = SmallPanel(DayFromCivil(2011, 12, 10));
  PanelLabels labels = ReadPanelLabels(segcast::testing::FixturePath("forecast/assignments.csv").string(), panel);
  CHECK(labels.labels == std::vector<int>{0, 1, 1});
  CHECK(labels.rows_read == 5);
  CHECK(labels.rows_unmatched == 1);  // zz
  CHECK(labels.rows_rejected == 1);   // segment "x"
  CHECK(labels.customers_unassigned == 0);
}

TEST_CASE("tourism file: 366 series with their 24-month test parts", "[forecast][shared]") {
  MonthlySeriesSet set = ReadTourismCsv(segcast::testing::SharedDataPath("tourism_monthly.csv.gz").string(), true);
  REQUIRE(set.series.size() == 366);
  CHECK(set.rows_rejected == 0);
  size_t shortest = 1000, longest = 0, zeros = 0;
  for (const MonthlySeries& series : set.series) {
    CHECK(series.future.size() == 24);
    shortest = std::min(shortest, series.values.size() + 24);
    longest = std::max(longest, series.values.size() + 24);
    for (double value : series.values) zeros += value == 0.0;
    for (double value : series.future) zeros += value == 0.0;
  }
  // README: n from 91 to 333, 574 zero values.
  CHECK(shortest == 91);
  CHECK(longest == 333);
  CHECK(zeros == 574);
  CHECK(set.series[0].id == "m1");
  CHECK(set.series[0].first_month == MakeMonth(1979, 1));
  CHECK(set.series[0].values[0] == Approx(1149.87));
}
