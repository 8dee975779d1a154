// Purchase histories per customer (x, t_x, T, spend) and the month boundaries of a horizon.
#include <algorithm>
#include <numeric>

#include "segcast/customer_base.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr double kDaysPerWeek = 7.0;

struct DayValue {
  Day day;
  double value;
};

// Rows before as_of grouped by customer (a counting sort: offsets[c] .. offsets[c + 1]).
std::vector<DayValue> RowsByCustomer(const Transactions& transactions, Day as_of,
                                     std::vector<int64_t>& offsets) {
  const size_t customers = transactions.customer_count();
  offsets.assign(customers + 1, 0);
  for (size_t row = 0; row < transactions.size(); ++row) {
    if (transactions.day[row] < as_of) ++offsets[transactions.customer[row] + 1];
  }
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  std::vector<DayValue> rows(offsets.back());
  std::vector<int64_t> next(offsets.begin(), offsets.end() - 1);
  for (size_t row = 0; row < transactions.size(); ++row) {
    if (transactions.day[row] >= as_of) continue;
    rows[next[transactions.customer[row]]++] = {transactions.day[row], transactions.revenue[row]};
  }
  return rows;
}

}  // namespace

CustomerHistories SummarizeCustomers(const Transactions& transactions, Day as_of) {
  std::vector<int64_t> offsets;
  std::vector<DayValue> rows = RowsByCustomer(transactions, as_of, offsets);
  if (rows.empty()) {
    throw InvalidArgument("no purchase before the as-of date " + FormatDay(as_of),
                          {.field = "as_of", .expected = "a date after the first purchase"});
  }
  CustomerHistories histories;
  histories.as_of = as_of;
  const int customers = static_cast<int>(transactions.customer_count());
  for (int customer = 0; customer < customers; ++customer) {
    auto begin = rows.begin() + offsets[customer], end = rows.begin() + offsets[customer + 1];
    if (begin == end) continue;
    std::sort(begin, end, [](const DayValue& x, const DayValue& y) { return x.day < y.day; });
    // Distinct purchase days, each with its summed value.
    int purchase_days = 0;
    double first_spend = 0, repeat_spend = 0, revenue = 0;
    for (auto row = begin; row != end; ++row) {
      const bool new_day = row == begin || row->day != (row - 1)->day;
      purchase_days += new_day;
      (purchase_days == 1 ? first_spend : repeat_spend) += row->value;
      revenue += row->value;
    }
    const int repeats = purchase_days - 1;
    histories.customer_index.push_back(customer);
    histories.repeat_purchases.push_back(repeats);
    histories.recency_weeks.push_back((end - 1)->day - begin->day);
    histories.age_weeks.push_back(as_of - begin->day);
    histories.recency_weeks.back() /= kDaysPerWeek;
    histories.age_weeks.back() /= kDaysPerWeek;
    histories.mean_repeat_spend.push_back(repeats > 0 ? repeat_spend / repeats : 0.0);
    histories.first_purchase_spend.push_back(first_spend);
    histories.first_day.push_back(begin->day);
    histories.revenue.push_back(revenue);
  }
  return histories;
}

std::vector<double> MonthEndWeeks(Day as_of, int months) {
  std::vector<double> weeks(months);
  const MonthIndex first = MonthOfDay(as_of);
  for (int month = 0; month < months; ++month) {
    weeks[month] = (FirstDayOfMonth(first + month + 1) - as_of) / kDaysPerWeek;
  }
  return weeks;
}

}  // namespace segcast
