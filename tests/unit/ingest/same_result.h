// Test support: two ingestion results are the same, field by field (rows, rejections, every
// column, the dictionaries and the rejected rows). Shared by the determinism and fast-path tests.
#pragma once

#include <catch2/catch.hpp>

#include "segcast/ingest.h"

namespace segcast::testing {

//! CHECKs every count, column, dictionary and rejected row of `a` against `b`.
inline void RequireSameResult(const IngestResult& a, const IngestResult& b) {
  CHECK(a.report.rows_read == b.report.rows_read);
  CHECK(a.report.rows_accepted == b.report.rows_accepted);
  CHECK(a.report.rejected == b.report.rejected);
  CHECK(a.report.text_bytes == b.report.text_bytes);
  CHECK(a.report.dates.order == b.report.dates.order);
  CHECK(a.report.dates.slash_rows == b.report.dates.slash_rows);
  CHECK(a.report.dates.day_first_only == b.report.dates.day_first_only);
  CHECK(a.report.dates.month_first_only == b.report.dates.month_first_only);
  CHECK(a.report.dates.first_future_line == b.report.dates.first_future_line);
  CHECK(a.transactions.customer_ids == b.transactions.customer_ids);
  CHECK(a.transactions.invoice_ids == b.transactions.invoice_ids);
  CHECK(a.transactions.countries == b.transactions.countries);
  CHECK(a.transactions.customer == b.transactions.customer);
  CHECK(a.transactions.invoice == b.transactions.invoice);
  CHECK(a.transactions.country == b.transactions.country);
  CHECK(a.transactions.day == b.transactions.day);
  CHECK(a.transactions.quantity == b.transactions.quantity);
  CHECK(a.transactions.price == b.transactions.price);
  CHECK(a.transactions.revenue == b.transactions.revenue);
  CHECK(a.transactions.line == b.transactions.line);
  REQUIRE(a.rejects.size() == b.rejects.size());
  for (size_t row = 0; row < a.rejects.size(); ++row) {
    CHECK(a.rejects[row].line == b.rejects[row].line);
    CHECK(a.rejects[row].reason == b.rejects[row].reason);
    CHECK(a.rejects[row].field == b.rejects[row].field);
    CHECK(a.rejects[row].record == b.rejects[row].record);
  }
}

}  // namespace segcast::testing
