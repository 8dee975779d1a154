// Builds small Transactions tables by hand for the feature tests (no ingestion involved).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/transactions.h"

namespace segcast::testing {

struct Purchase {
  std::string customer;
  std::string invoice;
  std::string date;  // YYYY-MM-DD
  double revenue;
  std::string country;  // "" = none
};

inline Transactions MakeTransactions(const std::vector<Purchase>& purchases) {
  Transactions table;
  std::map<std::string, int32_t> customers;
  for (const Purchase& purchase : purchases) customers.emplace(purchase.customer, 0);
  for (auto& [id, index] : customers) {
    index = static_cast<int32_t>(table.customer_ids.size());
    table.customer_ids.push_back(id);
  }
  std::map<std::string, int32_t> invoices;
  std::map<std::string, int32_t> countries;
  int64_t line = 2;
  for (const Purchase& purchase : purchases) {
    auto [invoice, new_invoice] = invoices.emplace(purchase.invoice, static_cast<int32_t>(table.invoice_ids.size()));
    if (new_invoice) table.invoice_ids.push_back(purchase.invoice);
    int32_t country = -1;
    if (!purchase.country.empty()) {
      auto [found, added] = countries.emplace(purchase.country, static_cast<int32_t>(table.countries.size()));
      if (added) table.countries.push_back(purchase.country);
      country = found->second;
    }
    table.customer.push_back(customers[purchase.customer]);
    table.invoice.push_back(invoice->second);
    table.day.push_back(*ParseIsoDay(purchase.date));
    table.quantity.push_back(1);
    table.price.push_back(purchase.revenue);
    table.revenue.push_back(purchase.revenue);
    table.country.push_back(country);
    table.line.push_back(line++);
  }
  return table;
}

//! The hand-computed example of docs/definitions.md: a leap day, month ends, a gap of two
//! months, a single-purchase customer and a partial last month (as_of 2012-06-10).
inline Transactions WorkedExample() {
  return MakeTransactions({
      {"A", "a1", "2012-01-31", 10, "UK"},
      {"A", "a2", "2012-02-29", 5, "France"},
      {"A", "a2", "2012-02-29", 2, "France"},
      {"A", "a3", "2012-05-15", 7, "UK"},
      {"B", "b1", "2012-03-01", 100, "Germany"},
      {"C", "c1", "2012-06-09", 1, ""},
  });
}

}  // namespace segcast::testing
