// The monthly LRFM panel: each customer's trajectory, month by month.
//
// Definitions (docs/definitions.md has worked examples):
//   - Calendar months from the first month of data through the month containing as_of - 1 day;
//     PanelOptions::window keeps only the last N of them.
//   - end(t) is exclusive: the first day of month t+1, or as_of if earlier.
//   - A customer's series starts at the month of its first purchase (variable length) unless
//     pre_acquisition is kZero, which fills earlier months with zeros (every series full length).
//   - F(c,t) distinct invoices in month t; M(c,t) revenue in month t (0 when none).
//   - L(c,t) = end(t) - first purchase day; R(c,t) = end(t) - last purchase day before end(t),
//     carried forward through months without purchases.
//
// Storage is one dense customers x months x 4 array of doubles with per-customer start offsets.
//
//   segcast::LrfmPanel panel = segcast::BuildPanel(transactions, {});
//   for (int c = 0; c < panel.customer_count(); ++c)
//     for (int t = panel.start[c]; t < panel.month_count; ++t)
//       double recency = panel.At(c, t, segcast::kRecency);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/transactions.h"

namespace segcast {

//! Feature order inside a panel cell.
enum LrfmFeature : int { kLength = 0, kRecency = 1, kFrequency = 2, kMonetary = 3 };
inline constexpr int kLrfmFeatures = 4;
inline constexpr const char* kLrfmFeatureNames[kLrfmFeatures] = {"L", "R", "F", "M"};

//! What a customer's months before its first purchase hold.
enum class PreAcquisition {
  kAbsent,  //!< not part of the series: variable-length series (default)
  kZero,    //!< zeros in all four features: every series spans the whole window
};

struct PanelOptions {
  //! Reference date. Default: DefaultAsOf(transactions), the day after the last purchase.
  std::optional<Day> as_of;
  //! Keep only the last N months of the panel; 0 keeps every month. Must be >= 0.
  int window = 0;
  //! How months before a customer's first purchase are represented.
  PreAcquisition pre_acquisition = PreAcquisition::kAbsent;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct LrfmPanel {
  Day as_of = 0;
  MonthIndex first_month = 0;  //!< calendar month of panel column 0
  int month_count = 0;
  //! Customers with a purchase before as_of, in Transactions::customer_ids order.
  std::vector<int32_t> customer_index;  //!< index into Transactions::customer_ids
  std::vector<std::string> customer_ids;
  //! First panel column of each customer's series (0 with PreAcquisition::kZero, or when the
  //! first purchase precedes the window).
  std::vector<int32_t> start;
  //! customers x month_count x 4, row-major; cells before start[c] are 0.
  std::vector<double> values;

  int customer_count() const { return static_cast<int>(customer_ids.size()); }
  int SeriesLength(int customer) const { return month_count - start[customer]; }
  double At(int customer, int month, int feature) const {
    return values[(static_cast<size_t>(customer) * month_count + month) * kLrfmFeatures + feature];
  }
  //! Pointer to the first cell of the customer's series: SeriesLength() x 4 contiguous doubles.
  const double* Series(int customer) const {
    return values.data() +
           (static_cast<size_t>(customer) * month_count + start[customer]) * kLrfmFeatures;
  }
};

LrfmPanel BuildPanel(const Transactions& transactions, const PanelOptions& options);

}  // namespace segcast
