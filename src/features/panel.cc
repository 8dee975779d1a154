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

LrfmPanel BuildPanel(const Transactions& transactions, const PanelOptions& options) {
  options.Validate();
  const Day as_of = options.as_of ? *options.as_of : DefaultAsOf(transactions);
  const size_t customers = transactions.customer_count();

  Day earliest = std::numeric_limits<Day>::max();
  for (Day day : transactions.day) {
    if (day < as_of) earliest = std::min(earliest, day);
  }
  if (earliest == std::numeric_limits<Day>::max()) {
    throw InvalidArgument("as_of " + FormatDay(as_of) + " is on or before every purchase",
                          {.field = "as_of", .expected = "a date after the first purchase"});
  }
  const MonthIndex data_first_month = MonthOfDay(earliest);
  const MonthIndex last_month = MonthOfDay(as_of - 1);
  MonthIndex first_month = data_first_month;
  if (options.window > 0 && last_month - options.window + 1 > first_month) {
    first_month = last_month - options.window + 1;
  }
  const int months = last_month - first_month + 1;
  const Day window_start = FirstDayOfMonth(first_month);

  // end(t): the first day of month t+1, or as_of when earlier.
  std::vector<Day> month_end(months);
  for (int month = 0; month < months; ++month) {
    month_end[month] = std::min(FirstDayOfMonth(first_month + month + 1), as_of);
  }
  // Day -> panel column by table lookup: Boost's calendar conversion per row would dominate.
  std::vector<int32_t> column_of_day(static_cast<size_t>(as_of - window_start), 0);
  for (int month = 0; month < months; ++month) {
    Day begin = FirstDayOfMonth(first_month + month);
    for (Day day = begin; day < month_end[month]; ++day) column_of_day[day - window_start] = month;
  }

  std::vector<Day> first(customers, std::numeric_limits<Day>::max());
  std::vector<Day> last_before_window(customers, std::numeric_limits<Day>::min());
  const size_t cells = customers * static_cast<size_t>(months);
  std::vector<Day> last_in_cell;
  internal::ReserveHuge(last_in_cell, cells);
  last_in_cell.assign(cells, std::numeric_limits<Day>::min());
  std::vector<double> values;
  internal::ReserveHuge(values, cells * kLrfmFeatures);
  values.assign(cells * kLrfmFeatures, 0.0);
  internal::DistinctInvoiceCounter invoices(transactions.invoice_ids.size());
  for (size_t row = 0; row < transactions.size(); ++row) {
    const Day day = transactions.day[row];
    if (day >= as_of) continue;
    const int32_t customer = transactions.customer[row];
    first[customer] = std::min(first[customer], day);
    if (day < window_start) {
      last_before_window[customer] = std::max(last_before_window[customer], day);
      continue;
    }
    const size_t cell = static_cast<size_t>(customer) * months + column_of_day[day - window_start];
    last_in_cell[cell] = std::max(last_in_cell[cell], day);
    values[cell * kLrfmFeatures + kMonetary] += transactions.revenue[row];
    if (invoices.FirstTime(transactions.invoice[row], static_cast<int64_t>(cell))) {
      values[cell * kLrfmFeatures + kFrequency] += 1;
    }
  }

  LrfmPanel panel;
  panel.as_of = as_of;
  panel.first_month = first_month;
  panel.month_count = months;
  std::vector<int32_t> kept;
  for (size_t customer = 0; customer < customers; ++customer) {
    if (first[customer] != std::numeric_limits<Day>::max()) kept.push_back(static_cast<int32_t>(customer));
  }
  const auto kept_count = static_cast<int64_t>(kept.size());
  panel.customer_index = kept;
  panel.customer_ids.resize(kept.size());
  panel.start.resize(kept.size());
  internal::ReserveHuge(panel.values, kept.size() * static_cast<size_t>(months) * kLrfmFeatures);
  panel.values.assign(kept.size() * static_cast<size_t>(months) * kLrfmFeatures, 0.0);
  internal::ExceptionCapture capture;
#pragma omp parallel for schedule(static)
  for (int64_t position = 0; position < kept_count; ++position) {
    capture.Run([&] {
    const int32_t customer = kept[position];
    panel.customer_ids[position] = transactions.customer_ids[customer];
    const int start = options.pre_acquisition == PreAcquisition::kZero
                          ? 0
                          : std::max(0, MonthOfDay(first[customer]) - first_month);
    panel.start[position] = start;
    Day last = last_before_window[customer];
    for (int month = 0; month < months; ++month) {
      const size_t cell = static_cast<size_t>(customer) * months + month;
      last = std::max(last, last_in_cell[cell]);
      double* out = panel.values.data() + (static_cast<size_t>(position) * months + month) * kLrfmFeatures;
      if (month_end[month] <= first[customer]) continue;  // before acquisition: stays zero
      out[kLength] = month_end[month] - first[customer];
      out[kRecency] = month_end[month] - last;
      out[kFrequency] = values[cell * kLrfmFeatures + kFrequency];
      out[kMonetary] = values[cell * kLrfmFeatures + kMonetary];
    }
    });
  }
  capture.Rethrow();
  return panel;
}

}  // namespace segcast
