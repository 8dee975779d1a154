#include <algorithm>

#include "segcast/error.h"
#include "segcast/transactions.h"

namespace segcast {

Day DefaultAsOf(const Transactions& transactions) {
  if (transactions.day.empty()) {
    throw InvalidArgument("no accepted transactions, so there is no default as-of date",
                          {.field = "as_of", .expected = "at least one accepted row"});
  }
  return *std::max_element(transactions.day.begin(), transactions.day.end()) + 1;
}

Day FirstPurchaseDay(const Transactions& transactions) {
  if (transactions.day.empty()) {
    throw InvalidArgument("no accepted transactions, so there is no first purchase",
                          {.field = "transactions", .expected = "at least one accepted row"});
  }
  return *std::min_element(transactions.day.begin(), transactions.day.end());
}

}  // namespace segcast
