#include <omp.h>

#include <catch2/catch.hpp>
#include <random>

#include "features_test_util.h"
#include "segcast/error.h"
#include "segcast/panel.h"
#include "segcast/rfm.h"

using namespace segcast;
using segcast::testing::MakeTransactions;
using segcast::testing::Purchase;
using segcast::testing::WorkedExample;

namespace {

// {L, R, F, M} of one cell.
std::vector<double> Cell(const LrfmPanel& panel, int customer, int month) {
  return {panel.At(customer, month, kLength), panel.At(customer, month, kRecency),
          panel.At(customer, month, kFrequency), panel.At(customer, month, kMonetary)};
}

using Cells = std::vector<std::vector<double>>;

Cells Series(const LrfmPanel& panel, int customer) {
  Cells cells;
  for (int month = panel.start[customer]; month < panel.month_count; ++month) cells.push_back(Cell(panel, customer, month));
  return cells;
}

}  // namespace

TEST_CASE("the worked example, month by month", "[features][panel]") {
  LrfmPanel panel = BuildPanel(WorkedExample(), {});
  CHECK(panel.as_of == DayFromCivil(2012, 6, 10));
  CHECK(panel.first_month == MakeMonth(2012, 1));
  REQUIRE(panel.month_count == 6);
  REQUIRE(panel.customer_ids == std::vector<std::string>{"A", "B", "C"});
  CHECK(panel.start == std::vector<int32_t>{0, 2, 5});
  // A: Jan 31, Feb 29 (leap day; two rows of one invoice), nothing in Mar-Apr, May 15.
  // end(Feb) = Mar 1: L = 30 days since Jan 31 in a leap year; R carried through Mar and Apr.
  CHECK(Series(panel, 0) == Cells{{1, 1, 1, 10}, {30, 1, 1, 7}, {61, 32, 0, 0}, {91, 62, 0, 0},
                                  {122, 17, 1, 7}, {131, 26, 0, 0}});
  // B: a single purchase on Mar 1; the partial last month ends at as_of (Jun 10).
  CHECK(Series(panel, 1) == Cells{{31, 31, 1, 100}, {61, 61, 0, 0}, {92, 92, 0, 0}, {101, 101, 0, 0}});
  // C: first and only purchase on the last day of data: R = L = 1, as in the static RFM.
  CHECK(Series(panel, 2) == Cells{{1, 1, 1, 1}});
  // Cells before a series starts are zero and the series pointer skips them.
  CHECK(Cell(panel, 1, 0) == std::vector<double>{0, 0, 0, 0});
  CHECK(panel.Series(1)[0] == 31);
  CHECK(panel.SeriesLength(1) == 4);
}

TEST_CASE("--window keeps the last months and carries recency in", "[features][panel]") {
  PanelOptions options;
  options.window = 2;
  LrfmPanel panel = BuildPanel(WorkedExample(), options);
  CHECK(panel.first_month == MakeMonth(2012, 5));
  REQUIRE(panel.month_count == 2);
  CHECK(panel.start == std::vector<int32_t>{0, 0, 1});
  CHECK(Series(panel, 0) == Cells{{122, 17, 1, 7}, {131, 26, 0, 0}});
  CHECK(Series(panel, 1) == Cells{{92, 92, 0, 0}, {101, 101, 0, 0}});  // last purchase before the window
  CHECK(Series(panel, 2) == Cells{{1, 1, 1, 1}});
  options.window = 60;  // longer than the data: every month
  CHECK(BuildPanel(WorkedExample(), options).month_count == 6);
}

TEST_CASE("--pre-acquisition zero gives every series the window's length", "[features][panel]") {
  PanelOptions options;
  options.pre_acquisition = PreAcquisition::kZero;
  LrfmPanel panel = BuildPanel(WorkedExample(), options);
  CHECK(panel.start == std::vector<int32_t>{0, 0, 0});
  Cells b = Series(panel, 1);
  REQUIRE(b.size() == 6);
  CHECK(b[0] == std::vector<double>{0, 0, 0, 0});
  CHECK(b[1] == std::vector<double>{0, 0, 0, 0});
  CHECK(b[2] == std::vector<double>{31, 31, 1, 100});
  Cells c = Series(panel, 2);
  CHECK(c[4] == std::vector<double>{0, 0, 0, 0});
  CHECK(c[5] == std::vector<double>{1, 1, 1, 1});
}

TEST_CASE("as_of on a month boundary ends the panel with the month before", "[features][panel]") {
  PanelOptions options;
  options.as_of = DayFromCivil(2012, 6, 1);
  LrfmPanel panel = BuildPanel(WorkedExample(), options);
  REQUIRE(panel.month_count == 5);  // Jan .. May
  CHECK(panel.customer_ids == std::vector<std::string>{"A", "B"});  // C buys after as_of
  CHECK(panel.customer_index == std::vector<int32_t>{0, 1});
  CHECK(Cell(panel, 0, 4) == std::vector<double>{122, 17, 1, 7});
  options.as_of = DayFromCivil(2012, 1, 31);  // no purchase before it
  CHECK_THROWS_AS(BuildPanel(WorkedExample(), options), InvalidArgument);
  options.as_of.reset();
  options.window = -1;
  CHECK_THROWS_AS(BuildPanel(WorkedExample(), options), InvalidArgument);
}

TEST_CASE("panel invariants against the static RFM on random logs, any thread count", "[features][panel]") {
  std::mt19937 random(2024);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<Purchase> purchases;
    int invoices = 0;
    for (int customer = 0; customer < 300; ++customer) {
      int count = 1 + static_cast<int>(random() % 12);
      for (int invoice = 0; invoice < count; ++invoice) {
        Day day = DayFromCivil(2010, 11, 20) + static_cast<Day>(random() % 800);
        std::string date = FormatDay(day);
        std::string id = std::string("i").append(std::to_string(invoices++));
        int lines = 1 + static_cast<int>(random() % 3);
        for (int line = 0; line < lines; ++line) {
          purchases.push_back({std::string("c").append(std::to_string(customer)), id, date, (random() % 10000) / 100.0 + 0.01, "X"});
        }
      }
    }
    std::shuffle(purchases.begin(), purchases.end(), random);
    Transactions table = MakeTransactions(purchases);
    PanelOptions options;
    if (trial % 2 == 1) options.pre_acquisition = PreAcquisition::kZero;
    omp_set_num_threads(1);
    LrfmPanel panel = BuildPanel(table, options);
    omp_set_num_threads(4);
    LrfmPanel parallel = BuildPanel(table, options);
    CHECK(parallel.values == panel.values);
    RfmTable rfm = ComputeRfm(table, {});
    REQUIRE(panel.customer_index == rfm.customer_index);
    for (int customer = 0; customer < panel.customer_count(); ++customer) {
      double frequency = 0;
      double monetary = 0;
      for (int month = panel.start[customer]; month < panel.month_count; ++month) {
        frequency += panel.At(customer, month, kFrequency);
        monetary += panel.At(customer, month, kMonetary);
      }
      const int last = panel.month_count - 1;
      CHECK(frequency == rfm.frequency[customer]);
      CHECK(monetary == Approx(rfm.monetary[customer]).epsilon(1e-12));
      CHECK(panel.At(customer, last, kRecency) == rfm.recency[customer]);
      CHECK(panel.At(customer, last, kLength) == panel.as_of - rfm.first_purchase[customer]);
      // Recency is at least one day and never exceeds length.
      for (int month = panel.start[customer]; month < panel.month_count; ++month) {
        if (panel.At(customer, month, kLength) == 0) {  // before acquisition (kZero): all zero
          CHECK(panel.At(customer, month, kRecency) + panel.At(customer, month, kMonetary) == 0);
          continue;
        }
        CHECK(panel.At(customer, month, kRecency) <= panel.At(customer, month, kLength));
        CHECK(panel.At(customer, month, kRecency) >= 1);
      }
    }
  }
}
