#include "segcast/panel.h"

#include <algorithm>
#include <limits>

#include "features/distinct_counter.h"
#include "internal/huge_pages.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {

void PanelOptions::Validate() const {
  if (window < 0) {
    throw InvalidArgument("window must not be negative",
                          {.field = "window", .expected = "0 (every month) or a number of months"});
  }
}

namespace {

// The panel's months: from the first purchase before as_of (or the window's start) to the month
// holding as_of - 1, each month ending at the first day of the next or at as_of.
struct PanelCalendar {
  Day as_of = 0;
  MonthIndex first_month = 0;
  int months = 0;
  Day window_start = 0;
  std::vector<Day> month_end;
  // Day -> panel column by table lookup: Boost's calendar conversion per row would dominate.
  std::vector<int32_t> column_of_day;
};

PanelCalendar MakeCalendar(const Transactions& transactions, const PanelOptions& options) {
  PanelCalendar calendar;
  calendar.as_of = options.as_of ? *options.as_of : DefaultAsOf(transactions);
  const Day as_of = calendar.as_of;
  Day earliest = std::numeric_limits<Day>::max();
  for (Day day : transactions.day) {
    if (day < as_of) earliest = std::min(earliest, day);
  }
  if (earliest == std::numeric_limits<Day>::max()) {
    throw InvalidArgument("as_of " + FormatDay(as_of) + " is on or before every purchase",
                          {.field = "as_of", .expected = "a date after the first purchase"});
  }
  const MonthIndex last_month = MonthOfDay(as_of - 1);
  calendar.first_month = MonthOfDay(earliest);
  if (options.window > 0 && last_month - options.window + 1 > calendar.first_month) {
    calendar.first_month = last_month - options.window + 1;
  }
  calendar.months = last_month - calendar.first_month + 1;
  calendar.window_start = FirstDayOfMonth(calendar.first_month);
  calendar.month_end.resize(calendar.months);
  for (int month = 0; month < calendar.months; ++month) {
    calendar.month_end[month] = std::min(FirstDayOfMonth(calendar.first_month + month + 1), as_of);
  }
  calendar.column_of_day.assign(static_cast<size_t>(as_of - calendar.window_start), 0);
  for (int month = 0; month < calendar.months; ++month) {
    const Day begin = FirstDayOfMonth(calendar.first_month + month);
    for (Day day = begin; day < calendar.month_end[month]; ++day)
      calendar.column_of_day[day - calendar.window_start] = month;
  }
  return calendar;
}

// One pass over the rows before as_of: each customer's first purchase and last purchase before
// the window, and per (customer, month) cell the last purchase, distinct invoices and revenue.
struct CellTotals {
  std::vector<Day> first, last_before_window, last_in_cell;
  std::vector<double> values;  //!< customers x months x 4; only F and M are filled
};

CellTotals AccumulateCells(const Transactions& transactions, const PanelCalendar& calendar) {
  const size_t customers = transactions.customer_count();
  const size_t cells = customers * static_cast<size_t>(calendar.months);
  CellTotals totals;
  totals.first.assign(customers, std::numeric_limits<Day>::max());
  totals.last_before_window.assign(customers, std::numeric_limits<Day>::min());
  internal::ReserveHuge(totals.last_in_cell, cells);
  totals.last_in_cell.assign(cells, std::numeric_limits<Day>::min());
  internal::ReserveHuge(totals.values, cells * kLrfmFeatures);
  totals.values.assign(cells * kLrfmFeatures, 0.0);
  internal::DistinctInvoiceCounter invoices(transactions.invoice_ids.size());
  for (size_t row = 0; row < transactions.size(); ++row) {
    const Day day = transactions.day[row];
    if (day >= calendar.as_of) continue;
    const int32_t customer = transactions.customer[row];
    totals.first[customer] = std::min(totals.first[customer], day);
    if (day < calendar.window_start) {
      totals.last_before_window[customer] = std::max(totals.last_before_window[customer], day);
      continue;
    }
    const size_t cell =
        static_cast<size_t>(customer) * calendar.months + calendar.column_of_day[day - calendar.window_start];
    totals.last_in_cell[cell] = std::max(totals.last_in_cell[cell], day);
    totals.values[cell * kLrfmFeatures + kMonetary] += transactions.revenue[row];
    if (invoices.FirstTime(transactions.invoice[row], static_cast<int64_t>(cell))) {
      totals.values[cell * kLrfmFeatures + kFrequency] += 1;
    }
  }
  return totals;
}

// One customer's row of the panel: L and R from the first and last purchase so far, F and M from
// the month's cell; months before acquisition stay zero.
void FillCustomerRow(const PanelCalendar& calendar, const CellTotals& totals, int32_t customer,
                     double* out) {
  const int months = calendar.months;
  const Day first = totals.first[customer];
  Day last = totals.last_before_window[customer];
  for (int month = 0; month < months; ++month, out += kLrfmFeatures) {
    const size_t cell = static_cast<size_t>(customer) * months + month;
    last = std::max(last, totals.last_in_cell[cell]);
    const Day end = calendar.month_end[month];
    if (end <= first) continue;
    out[kLength] = end - first;
    out[kRecency] = end - last;
    out[kFrequency] = totals.values[cell * kLrfmFeatures + kFrequency];
    out[kMonetary] = totals.values[cell * kLrfmFeatures + kMonetary];
  }
}

}  // namespace

LrfmPanel BuildPanel(const Transactions& transactions, const PanelOptions& options) {
  options.Validate();
  const PanelCalendar calendar = MakeCalendar(transactions, options);
  const CellTotals totals = AccumulateCells(transactions, calendar);
  const int months = calendar.months;

  LrfmPanel panel;
  panel.as_of = calendar.as_of;
  panel.first_month = calendar.first_month;
  panel.month_count = months;
  for (size_t customer = 0; customer < transactions.customer_count(); ++customer) {
    if (totals.first[customer] != std::numeric_limits<Day>::max())
      panel.customer_index.push_back(static_cast<int32_t>(customer));
  }
  const auto kept_count = static_cast<int64_t>(panel.customer_index.size());
  panel.customer_ids.resize(kept_count);
  panel.start.resize(kept_count);
  internal::ReserveHuge(panel.values, kept_count * static_cast<size_t>(months) * kLrfmFeatures);
  panel.values.assign(kept_count * static_cast<size_t>(months) * kLrfmFeatures, 0.0);
  internal::ExceptionCapture capture;
#pragma omp parallel for schedule(static)
  for (int64_t position = 0; position < kept_count; ++position) {
    capture.Run([&] {
      const int32_t customer = panel.customer_index[position];
      panel.customer_ids[position] = transactions.customer_ids[customer];
      panel.start[position] = options.pre_acquisition == PreAcquisition::kZero
                                  ? 0
                                  : std::max(0, MonthOfDay(totals.first[customer]) - calendar.first_month);
      FillCustomerRow(calendar, totals, customer,
                      panel.values.data() + static_cast<size_t>(position) * months * kLrfmFeatures);
    });
  }
  capture.Rethrow();
  return panel;
}

}  // namespace segcast
