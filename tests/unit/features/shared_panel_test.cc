#include <catch2/catch.hpp>

#include "segcast/ingest.h"
#include "segcast/panel.h"
#include "segcast/rfm.h"
#include "support/shared_data.h"

using namespace segcast;

TEST_CASE("Online Retail panel: 4,338 customers x 13 months, invariants hold", "[shared][features]") {
  IngestOptions options;
  options.path = segcast::testing::SharedDataPath("online_retail.csv.gz").string();
  Transactions table = Ingest(options).transactions;
  LrfmPanel panel = BuildPanel(table, {});
  RfmTable rfm = ComputeRfm(table, {});
  CHECK(panel.as_of == DayFromCivil(2011, 12, 10));
  CHECK(panel.month_count == 13);
  CHECK(panel.first_month == MakeMonth(2010, 12));
  REQUIRE(panel.customer_count() == 4338);
  REQUIRE(rfm.size() == 4338);
  int mismatches = 0;
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    double frequency = 0;
    double monetary = 0;
    for (int month = panel.start[customer]; month < panel.month_count; ++month) {
      frequency += panel.At(customer, month, kFrequency);
      monetary += panel.At(customer, month, kMonetary);
    }
    bool same = frequency == rfm.frequency[customer] &&
                std::abs(monetary - rfm.monetary[customer]) <= 1e-9 * std::abs(rfm.monetary[customer]) &&
                panel.At(customer, 12, kRecency) == rfm.recency[customer] &&
                panel.At(customer, 12, kLength) == panel.as_of - rfm.first_purchase[customer];
    if (!same) ++mismatches;
  }
  CHECK(mismatches == 0);
}
