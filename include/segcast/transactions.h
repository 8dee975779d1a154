// The clean transaction table: what ingestion produces and every later stage reads.
//
// Columnar and dictionary-encoded so that a 10-million-row log stays a few hundred MB and the
// panel builder streams through plain arrays.
//
//   segcast::Transactions table = segcast::Ingest(options).transactions;
//   for (size_t row = 0; row < table.size(); ++row)
//     total[table.customer[row]] += table.revenue[row];
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "segcast/calendar.h"

namespace segcast {

//! Per-customer attributes from optional left joins (demographics, addresses). Customers with no
//! match in a joined table have empty strings in its columns.
struct CustomerAttributes {
  //! Column names, e.g. "gender", "wealth_segment", "state".
  std::vector<std::string> columns;
  //! values[customer][column], indexed like Transactions::customer_ids; "" means missing.
  std::vector<std::vector<std::string>> values;
};

//! Accepted rows only; rejected rows are counted in the ingest report.
struct Transactions {
  //! Distinct customer ids as written in the input, sorted ascending (numerically when every id is
  //! an integer, else byte-wise). Row field `customer` indexes this.
  std::vector<std::string> customer_ids;
  //! Distinct invoice (order) ids; row field `invoice` indexes this.
  std::vector<std::string> invoice_ids;
  //! Distinct country names; row field `country` indexes this, -1 when the schema has none.
  std::vector<std::string> countries;

  // One entry per accepted row, in input order.
  std::vector<int32_t> customer;  //!< index into customer_ids
  std::vector<int32_t> invoice;   //!< index into invoice_ids
  std::vector<Day> day;           //!< purchase date (time of day dropped)
  std::vector<double> quantity;   //!< units; 1 for schemas without a quantity column
  std::vector<double> price;      //!< unit price, or the amount for amount-only schemas
  std::vector<double> revenue;    //!< quantity * price, or the amount column
  std::vector<int32_t> country;   //!< index into countries, or -1
  std::vector<int64_t> line;      //!< 1-based physical line of the row in its file

  //! Joined per-customer attributes; empty columns when nothing was joined.
  CustomerAttributes attributes;

  size_t size() const { return day.size(); }
  size_t customer_count() const { return customer_ids.size(); }
};

//! The as-of date used when none is given: the day after the last accepted transaction.
//! Throws InvalidArgument on an empty table.
Day DefaultAsOf(const Transactions& transactions);

//! The day of the earliest accepted transaction. Throws InvalidArgument on an empty table.
Day FirstPurchaseDay(const Transactions& transactions);

}  // namespace segcast
