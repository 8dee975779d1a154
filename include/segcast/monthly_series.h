// Monthly series to forecast: where they come from and how a short final month is handled.
//
// A MonthlySeries is a run of consecutive calendar months with one value each (NaN = missing).
// Three sources:
//   - ReadLongSeriesCsv: a long CSV `series_id,month,value` (month "YYYY-MM"), any number of series;
//   - ReadTourismCsv: the wide tourism-competition file (../shared/data/tourism_monthly.csv.gz),
//     optionally split into training part and the held-out test part;
//   - RevenueSeriesFromPanel: the total monthly revenue of an LRFM panel (sum of M over customers),
//     and one series per segment given a label per panel customer.
// A final month that the as-of date cuts short (Online Retail ends on 2011-12-09) is not part of
// `values`: it is kept in `partial` with its actual to date, so the fit never reads it as a crash.
//
//   segcast::MonthlySeriesSet set = segcast::ReadLongSeriesCsv("sales.csv");
//   for (const segcast::MonthlySeries& series : set.series)
//     std::cout << series.id << " " << series.values.size() << " months\n";
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/panel.h"

namespace segcast {

//! The last calendar month of a series when the as-of date ends it early.
struct PartialMonth {
  MonthIndex month = 0;          //!< the calendar month cut short
  double actual_to_date = 0.0;   //!< sum of values observed in it, before the as-of date
  int days_observed = 0;         //!< days of the month before the as-of date, 1 .. days_in_month-1
  int days_in_month = 0;         //!< 28 .. 31
};

//! One monthly series: consecutive calendar months starting at first_month.
struct MonthlySeries {
  std::string id;                         //!< series name ("total", a segment label, "m1", ...)
  MonthIndex first_month = 0;             //!< calendar month of values[0]
  std::vector<double> values;             //!< one per month; NaN marks a missing month
  std::optional<PartialMonth> partial;    //!< the short final month, left out of `values`
  //! Held-out future values (tourism test part), months first_month + values.size() onward;
  //! empty when unknown. Scorers compare forecasts with these.
  std::vector<double> future;

  int size() const { return static_cast<int>(values.size()); }
  MonthIndex last_month() const { return first_month + size() - 1; }
};

//! A set of series read from one file, with what was skipped while reading it.
struct MonthlySeriesSet {
  std::vector<MonthlySeries> series;  //!< in order of first appearance in the file
  int64_t rows_read = 0;              //!< data rows (header excluded)
  int64_t rows_rejected = 0;          //!< rows with an unparseable month or value, or a duplicate
  int64_t missing_months = 0;         //!< gaps inside series, filled with NaN
  //! Up to 20 rejected rows as "line N: reason", for the report.
  std::vector<std::string> reject_examples;
};

//! Reads a long CSV with header `series_id,month,value` (extra columns ignored; columns found by
//! name). Months are "YYYY-MM" or "YYYY-MM-DD" (day ignored); rows of one series may come in any
//! order. `.gz` files are decompressed. Throws InputError if unreadable or a column is missing.
MonthlySeriesSet ReadLongSeriesCsv(const std::string& path);

//! Reads the tourism competition's wide file (series_id,n,horizon,category,start_year,
//! start_month,v1..). With `hold_out_test` the last `horizon` values of each row go to
//! MonthlySeries::future and `values` is the training part; otherwise `values` holds all n.
MonthlySeriesSet ReadTourismCsv(const std::string& path, bool hold_out_test);

//! Monthly revenue series of a panel. The first is "total" (sum of M over all customers);
//! with `labels` (one per panel customer, same order as panel.customer_ids; a negative label
//! leaves the customer out of the segment series but in the total) one series per distinct label
//! follows, named `segment_prefix + label`, in increasing label order.
//! When panel.as_of is not the first day of a month, the panel's last month is partial: it goes
//! to MonthlySeries::partial and out of `values`. Throws InvalidArgument when labels.size() does
//! not match the panel.
std::vector<MonthlySeries> RevenueSeriesFromPanel(const LrfmPanel& panel,
                                                  const std::vector<int>& labels = {},
                                                  const std::string& segment_prefix = "segment_");

//! Segment labels for the customers of a panel, read from an assignments file as written by
//! `segcast segment` (header with columns `id` and `segment`; segment a whole number >= 0).
struct PanelLabels {
  std::vector<int> labels;           //!< one per panel customer; -1 = not in the file
  int64_t rows_read = 0;             //!< data rows of the file
  int64_t rows_unmatched = 0;        //!< rows whose id is not a panel customer
  int64_t rows_rejected = 0;         //!< rows with a segment that is not a whole number >= 0
  int64_t customers_unassigned = 0;  //!< panel customers absent from the file
};
//! Throws InputError when the file cannot be read or lacks a column.
PanelLabels ReadPanelLabels(const std::string& path, const LrfmPanel& panel);

}  // namespace segcast
