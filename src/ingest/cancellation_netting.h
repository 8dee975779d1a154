// Matches the rows of cancellation invoices with the purchases they cancel (IngestOptions::
// net_cancellations). A post-pass over the merged table, in file order, so the result does not
// depend on how the log was cut into blocks or on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace segcast::internal {

//! A cancellation row with its customer resolved against the merged table.
struct Cancellation {
  int64_t line = 0;       //!< absolute physical line
  int32_t customer = -1;  //!< global customer id; -1 when the customer has no accepted row
  uint64_t product = 0;   //!< ProductKey
  double quantity = 0;    //!< units cancelled, > 0
};

//! One cancellation that matched at least one purchase row.
struct CancellationMatch {
  size_t cancellation = 0;    //!< index into the cancellations given
  double quantity = 0;        //!< units matched
  double revenue = 0;         //!< revenue of those units: the rows' revenue per unit times units
  size_t latest_row = 0;      //!< the latest purchase row it matched (the first one taken from)
};

struct MatchPlan {
  std::vector<double> quantity;            //!< units each accepted row keeps
  std::vector<CancellationMatch> matches;  //!< in the cancellations' order
};

//! The accepted rows, as columns of the merged table (rows in file order).
struct PurchaseColumns {
  const std::vector<int32_t>& customer;
  const std::vector<uint64_t>& product;
  const std::vector<int64_t>& line;
  const std::vector<double>& quantity;
  const std::vector<double>& revenue;
};

//! Walks purchases and cancellations (both in line order) together. Each cancellation takes its
//! units from the purchase rows of the same customer and product above it in the file, latest
//! first, each row giving at most the units it still has; units left over (a purchase before the
//! log starts, or one already cancelled) match nothing.
MatchPlan MatchCancellations(const PurchaseColumns& purchases, const std::vector<Cancellation>& cancellations);

}  // namespace segcast::internal
