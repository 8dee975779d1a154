// The [shared] tier: the real logs of ../shared/data.
#include <catch2/catch.hpp>

#include "ingest/byte_source.h"
#include "ingest_test_util.h"
#include "support/shared_data.h"

using namespace segcast;
using segcast::testing::SharedDataPath;
using segcast::testing::TempFile;

TEST_CASE("Online Retail: the expected accounting", "[shared][ingest]") {
  IngestOptions options;
  options.path = SharedDataPath("online_retail.csv.gz").string();
  IngestResult result = Ingest(options);
  const IngestReport& report = result.report;
  CHECK(report.schema == "online-retail");
  CHECK(report.rows_read == 541909);
  CHECK(report.rows_accepted == 392692);
  CHECK(report.customers == 4338);
  CHECK(report.text_bytes == 47100511);
  CHECK(report.rejected[static_cast<int>(RejectReason::kMissingCustomer)] == 135080);
  CHECK(report.rows_read == report.rows_accepted + report.rejected_total());
  CHECK(DefaultAsOf(result.transactions) == DayFromCivil(2011, 12, 10));
  CHECK(report.first_day == DayFromCivil(2010, 12, 1));
}

TEST_CASE("Online Retail: plain = gzip, 1 thread = 2 threads, and the II header", "[shared][ingest]") {
  std::string path = SharedDataPath("online_retail.csv.gz").string();
  std::string text = internal::ReadAll(*internal::OpenByteSource(path));
  IngestOptions one;
  one.path = path;
  one.threads = 1;
  IngestResult gzip = Ingest(one);

  IngestOptions two;
  two.path = "online_retail.csv";
  two.threads = 2;
  IngestResult plain = IngestText(text, two);
  CHECK(plain.transactions.customer == gzip.transactions.customer);
  CHECK(plain.transactions.invoice_ids == gzip.transactions.invoice_ids);
  CHECK(plain.transactions.day == gzip.transactions.day);
  CHECK(plain.transactions.revenue == gzip.transactions.revenue);
  CHECK(plain.report.rejected == gzip.report.rejected);

  // The same log with the Online Retail II header (the format of the source projects).
  std::string renamed = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country" +
                        text.substr(text.find('\n'));
  IngestResult second = IngestText(renamed, two);
  CHECK(second.report.schema == "online-retail-ii");
  CHECK(second.report.rows_accepted == 392692);
  CHECK(second.transactions.revenue == gzip.transactions.revenue);
}

TEST_CASE("KPMG: transactions with both customer tables joined", "[shared][ingest]") {
  IngestOptions options;
  options.path = SharedDataPath("kpmg_transactions.csv.gz").string();
  options.demographics_path = SharedDataPath("kpmg_customer_demographic.csv.gz").string();
  options.addresses_path = SharedDataPath("kpmg_customer_address.csv.gz").string();
  IngestResult result = Ingest(options);
  CHECK(result.report.schema == "kpmg");
  CHECK(result.report.rows_read == 20000);
  CHECK(result.report.rejected[static_cast<int>(RejectReason::kCancelled)] == 179);
  CHECK(result.report.rows_accepted == 19821);
  REQUIRE(result.report.joins.size() == 2);
  CHECK(result.report.joins[0].rows == 4000);
  CHECK(result.report.joins[1].rows == 3999);
  const Transactions& table = result.transactions;
  // 5034 is in neither customer sheet (shared README): its attributes are empty.
  auto found = std::find(table.customer_ids.begin(), table.customer_ids.end(), "5034");
  REQUIRE(found != table.customer_ids.end());
  const auto& values = table.attributes.values[found - table.customer_ids.begin()];
  CHECK(std::all_of(values.begin(), values.end(), [](const std::string& value) { return value.empty(); }));
  CHECK(result.report.joins[0].matched_customers == result.report.customers - 1);
}
