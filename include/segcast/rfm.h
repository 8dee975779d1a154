// Static RFM per customer: the seeds of segmentation.
//
//   recency   = as_of - last purchase date, in days (>= 1 when as_of is after every purchase)
//   frequency = number of distinct invoices
//   monetary  = total revenue
//
//   segcast::RfmTable rfm = segcast::ComputeRfm(transactions, {});
//   // rfm.as_of defaults to the day after the last transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/transactions.h"

namespace segcast {

struct RfmOptions {
  //! Reference date; purchases on or after it are ignored. Default: DefaultAsOf(transactions).
  std::optional<Day> as_of;
};

//! One row per customer with at least one accepted purchase before as_of, indexed like
//! Transactions::customer_ids restricted to those customers (customer_index maps back).
struct RfmTable {
  Day as_of = 0;
  std::vector<int32_t> customer_index;  //!< index into Transactions::customer_ids
  std::vector<std::string> customer_ids;
  std::vector<int32_t> recency;       //!< days from the last purchase to as_of
  std::vector<int32_t> frequency;     //!< distinct invoices
  std::vector<double> monetary;       //!< total revenue, in the log's currency
  std::vector<Day> first_purchase;
  std::vector<Day> last_purchase;
  std::vector<std::string> country;   //!< the country of most of the customer's rows ("" if none)

  size_t size() const { return customer_ids.size(); }
};

RfmTable ComputeRfm(const Transactions& transactions, const RfmOptions& options);

}  // namespace segcast
