// Hand-computed cases for the row-level options: the duplicate rule, zero and negative prices,
// cancellation matching and netting, and customer id normalisation.
#include <catch2/catch.hpp>

#include <random>

#include "ingest/text_util.h"
#include "ingest_test_util.h"
#include "same_result.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::Rejected;
using segcast::testing::RequireSameResult;
using segcast::testing::TempFile;

namespace {

IngestOptions Generic(const std::string& columns) {
  IngestOptions options;
  options.schema = SchemaPreset::kGeneric;
  options.mapping = ParseColumnMapping(columns);
  return options;
}

double TotalRevenue(const Transactions& table) {
  double total = 0;
  for (double revenue : table.revenue) total += revenue;
  return total;
}

const std::string kHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

// Three purchases of customer 100 (A twice, B once), cancellations after them, a purchase of
// customer 200 cancelled whole, a cancellation by a customer who never bought (300), and a
// purchase after a cancellation, which that cancellation must not touch.
const std::string kCancelLog =
    kHeader +                                     // line 1
    "1,A,x,10,2011-01-01 10:00,2,100,UK\n"        // 2: 10 x 2 = 20
    "2,A,x,5,2011-01-02 10:00,3,100,UK\n"         // 3: 5 x 3 = 15
    "3,B,x,4,2011-01-02 10:00,1,100,UK\n"         // 4: 4 x 1 = 4
    "C4,A,x,-7,2011-01-03 10:00,3,100,UK\n"       // 5: takes 5 from line 3, then 2 from line 2
    "5,A,x,1,2011-01-04 10:00,2,200,UK\n"         // 6: 1 x 2 = 2
    "C6,A,x,-1,2011-01-04 11:00,2,300,UK\n"       // 7: customer 300 bought nothing
    "C7,B,x,-9,2011-01-05 10:00,1,100,UK\n"       // 8: takes 4 from line 4; 5 units match nothing
    "8,B,x,3,2011-01-06 10:00,1,100,UK\n"         // 9: after C7: untouched, 3
    "C9,A,x,-1,2011-01-07,2,200,UK\n";            // 10: takes line 6's only unit

}  // namespace

TEST_CASE("without an invoice column identical rows are repeat purchases unless asked", "[ingest][rows]") {
  const std::string log = "client,day,units,total\n"
                          "a,2020-01-05,1,10\n"
                          "a,2020-01-05,1,10\n"
                          "a,2020-01-05,1,10\n"
                          "b,2020-01-06,2,7\n";
  IngestOptions options = Generic("customer=client,date=day,amount=total");
  IngestResult kept = IngestString(log, options);
  CHECK(kept.report.duplicates == "keep");
  CHECK(kept.report.rows_accepted == 4);
  CHECK(Rejected(kept, RejectReason::kDuplicate) == 0);
  CHECK(kept.report.invoices == 4);
  CHECK(TotalRevenue(kept.transactions) == 37);

  // Asked to drop them: the two copies are duplicates, and their invoices ("line 3", "line 4")
  // are not counted (they were: 4 invoices for 2 accepted rows).
  options.duplicates = DuplicateRule::kDrop;
  IngestResult dropped = IngestString(log, options);
  CHECK(dropped.report.duplicates == "drop");
  CHECK(dropped.report.rows_accepted == 2);
  CHECK(Rejected(dropped, RejectReason::kDuplicate) == 2);
  CHECK(dropped.report.invoices == 2);
  CHECK(dropped.transactions.invoice_ids == std::vector<std::string>{"line 2", "line 5"});
  CHECK(dropped.report.rows_read == dropped.report.rows_accepted + dropped.report.rejected_total());
}

TEST_CASE("with an invoice column duplicates are dropped unless kept", "[ingest][rows]") {
  const std::string log = kHeader + "1,A,x,1,2011-01-01 10:00,1,5,UK\n"
                                    "1,A,x,1,2011-01-01 10:00,1,5,UK\n"
                                    "2,A,x,1,2011-01-01 10:00,1,5,UK\n";
  IngestResult automatic = IngestString(log);
  CHECK(automatic.report.duplicates == "drop");
  CHECK(Rejected(automatic, RejectReason::kDuplicate) == 1);
  CHECK(automatic.report.invoices == 2);
  IngestOptions options;
  options.duplicates = DuplicateRule::kKeep;
  IngestResult kept = IngestString(log, options);
  CHECK(kept.report.rows_accepted == 3);
  CHECK(kept.transactions.line == std::vector<int64_t>{2, 3, 4});
  CHECK(kept.report.invoices == 2);

  CHECK(ParseDuplicateRule("keep") == DuplicateRule::kKeep);
  CHECK(ParseDuplicateRule("drop") == DuplicateRule::kDrop);
  CHECK(ParseDuplicateRule("auto") == DuplicateRule::kAuto);
  CHECK_FALSE(ParseDuplicateRule("yes").has_value());
}

TEST_CASE("a zero price and a negative price have their own reasons", "[ingest][rows]") {
  const std::string log = "client,day,total\n"
                          "a,2020-01-05,0\n"
                          "a,2020-01-06,-0\n"
                          "a,2020-01-07,0.00\n"
                          "a,2020-01-08,-5\n"
                          "a,2020-01-09,5\n";
  IngestResult result = IngestString(log, Generic("customer=client,date=day,amount=total"));
  CHECK(Rejected(result, RejectReason::kZeroPrice) == 3);
  CHECK(Rejected(result, RejectReason::kNegativePrice) == 1);
  CHECK(result.report.rows_accepted == 1);
  REQUIRE(result.rejects.size() == 4);
  CHECK(result.rejects[0].field == "total");
  CHECK(RejectReasonName(result.rejects[0].reason) == "zero_price");
  CHECK(RejectReasonName(result.rejects[3].reason) == "negative_price");
}

TEST_CASE("cancellations left in revenue are reported, the largest first", "[ingest][cancellations]") {
  IngestResult result = IngestString(kCancelLog);
  const IngestReport& report = result.report;
  CHECK(report.rows_read == 9);
  CHECK(report.rows_accepted == 5);
  CHECK(Rejected(result, RejectReason::kCancelled) == 4);
  CHECK(Rejected(result, RejectReason::kCancelledByLaterInvoice) == 0);
  CHECK(TotalRevenue(result.transactions) == 44);  // 20 + 15 + 4 + 2 + 3: nothing netted
  CHECK_FALSE(report.cancellations.netted);
  CHECK(report.cancellations.rows == 3);        // C4, C7, C9; C6's customer bought nothing
  CHECK(report.cancellations.quantity == 12);   // 7 + 4 + 1
  CHECK(report.cancellations.revenue == 25);    // 5 x 3 + 2 x 2, 4 x 1, 1 x 2
  REQUIRE(report.cancellations.largest.size() == 3);
  const CancelledAmount& first = report.cancellations.largest[0];
  CHECK(first.invoice == "C4");
  CHECK(first.line == 5);
  CHECK(first.customer == "100");
  CHECK(first.original_invoice == "2");  // the latest purchase it matched
  CHECK(first.quantity == 7);
  CHECK(first.revenue == 19);
  CHECK(report.cancellations.largest[1].invoice == "C7");
  CHECK(report.cancellations.largest[1].revenue == 4);
  CHECK(report.cancellations.largest[2].invoice == "C9");
  CHECK(report.cancellations.largest[2].customer == "200");
  CHECK(report.BriefReport().find("cancellations left in revenue: 3 cancellation rows match earlier "
                                  "purchases of 25.00") != std::string::npos);
  CHECK(report.BriefReport().find("C4 (line 5) customer 100: 7 units of invoice 2, 19.00") != std::string::npos);
  CHECK(report.ToJson().find("\"cancellations\":{\"largest\":[{\"customer\":\"100\"") != std::string::npos);
}

TEST_CASE("netting takes cancelled units off the latest earlier purchases", "[ingest][cancellations]") {
  IngestOptions options;
  options.net_cancellations = true;
  IngestResult result = IngestString(kCancelLog, options);
  const IngestReport& report = result.report;
  const Transactions& table = result.transactions;
  CHECK(report.cancellations.netted);
  CHECK(report.cancellations.revenue == 25);
  // Lines 3, 4 and 6 lose every unit; line 2 keeps 8 of its 10; line 9 comes after C7.
  CHECK(Rejected(result, RejectReason::kCancelledByLaterInvoice) == 3);
  CHECK(report.rows_accepted == 2);
  CHECK(report.rows_read == report.rows_accepted + report.rejected_total());
  CHECK(table.line == std::vector<int64_t>{2, 9});
  CHECK(table.quantity == std::vector<double>{8, 3});
  CHECK(table.revenue == std::vector<double>{16, 3});
  CHECK(TotalRevenue(table) == 44 - 25);
  // Customer 200's only purchase is gone: not a customer any more; neither are its invoices.
  CHECK(table.customer_ids == std::vector<std::string>{"100"});
  CHECK(table.invoice_ids == std::vector<std::string>{"1", "8"});
  CHECK(report.customers == 1);
  CHECK(report.invoices == 2);
  CHECK(report.last_day == DayFromCivil(2011, 1, 6));
  std::vector<std::string> netted;
  for (const RejectedRow& row : result.rejects) {
    if (row.reason == RejectReason::kCancelledByLaterInvoice) netted.push_back(std::to_string(row.line) + " " + row.record);
  }
  CHECK(netted == std::vector<std::string>{"3 2,A,x,5,2011-01-02 10:00,3,100,UK", "4 3,B,x,4,2011-01-02 10:00,1,100,UK",
                                           "6 5,A,x,1,2011-01-04 10:00,2,200,UK"});
  CHECK(RejectReasonName(RejectReason::kCancelledByLaterInvoice) == "cancelled_by_later_invoice");
}

TEST_CASE("netting an amount column scales the amount; without a product nothing matches", "[ingest][cancellations]") {
  const std::string log = "order,item,client,day,units,total\n"
                          "1,A,a,2020-01-01,4,100\n"
                          "C2,A,a,2020-01-02,-1,25\n";
  IngestOptions options = Generic("invoice=order,product=item,customer=client,date=day,amount=total,cancel_prefix=C");
  options.net_cancellations = true;
  IngestResult result = IngestString(log, options);
  // Without a quantity column each row is one unit: the cancellation takes the row's one unit.
  CHECK(Rejected(result, RejectReason::kCancelledByLaterInvoice) == 1);
  CHECK(result.report.cancellations.revenue == 100);

  options.mapping = ParseColumnMapping("invoice=order,customer=client,date=day,amount=total,cancel_prefix=C");
  IngestResult no_product = IngestString(log, options);
  CHECK(no_product.report.rows_accepted == 1);
  CHECK(no_product.report.cancellations.rows == 0);
  CHECK_FALSE(no_product.report.cancellations.netted);
}

TEST_CASE("netting does not depend on threads or block size", "[ingest][cancellations][determinism]") {
  std::mt19937 random(7);
  std::string log = kHeader;
  for (int row = 0; row < 6000; ++row) {
    const std::string customer = std::to_string(100 + random() % 30);
    const std::string product = std::string(1, static_cast<char>('A' + random() % 6));
    const bool cancel = random() % 5 == 0;
    const int units = 1 + static_cast<int>(random() % 12);
    log += (cancel ? "C" : "") + std::to_string(500000 + row / 3) + "," + product + ",thing," +
           (cancel ? "-" : "") + std::to_string(units) + ",2011-0" + std::to_string(1 + row * 9 / 6000) +
           "-15 10:00," + std::to_string(1 + random() % 5) + ".5," + customer + ",UK\n";
  }
  IngestOptions options;
  options.net_cancellations = true;
  const IngestResult reference = IngestString(log, options);
  REQUIRE(Rejected(reference, RejectReason::kCancelledByLaterInvoice) > 50);
  REQUIRE(reference.report.cancellations.rows > 500);
  options.block_bytes = 4096;
  for (int threads : {1, 2, 4}) {
    options.threads = threads;
    const IngestResult result = IngestString(log, options);
    RequireSameResult(result, reference);
    CHECK(result.report.cancellations.revenue == reference.report.cancellations.revenue);
    CHECK(result.report.ToJson(false) == reference.report.ToJson(false));
  }
}

TEST_CASE("customer ids: trimmed always, integers normalised on request", "[ingest][rows]") {
  CHECK(internal::NormaliseCustomerId("017850") == "17850");
  CHECK(internal::NormaliseCustomerId("17850.0") == "17850");
  CHECK(internal::NormaliseCustomerId("0017850.000") == "17850");
  CHECK(internal::NormaliseCustomerId("17850.") == "17850");
  CHECK(internal::NormaliseCustomerId("000") == "0");
  CHECK(internal::NormaliseCustomerId("17850.5") == "17850.5");
  CHECK(internal::NormaliseCustomerId("A007") == "A007");
  CHECK(internal::NormaliseCustomerId("007A") == "007A");
  CHECK(internal::NormaliseCustomerId(".0") == ".0");

  const std::string log = kHeader + "1,A,x,1,2011-01-01 10:00,1,1,UK\n"
                                    "2,A,x,1,2011-01-01 10:00,1,01,UK\n"
                                    "3,A,x,1,2011-01-01 10:00,1, 001 ,UK\n"
                                    "4,A,x,1,2011-01-01 10:00,1,1.0,UK\n"
                                    "5,A,x,1,2011-01-01 10:00,1,17850.0,UK\n";
  IngestResult plain = IngestString(log);
  CHECK(plain.transactions.customer_ids == std::vector<std::string>{"001", "01", "1", "1.0", "17850.0"});
  IngestOptions options;
  options.normalise_customer_ids = true;
  IngestResult normalised = IngestString(log, options);
  CHECK(normalised.transactions.customer_ids == std::vector<std::string>{"1", "17850"});
  CHECK(normalised.transactions.customer == std::vector<int32_t>{0, 0, 0, 0, 1});

  // A joined table's keys are normalised the same way.
  TempFile table("normalised_join.csv", "customer_id,segment\n0001,gold\n17850,silver\n");
  options.demographics_path = table.path();
  options.join_key = "customer_id";
  IngestResult joined = IngestString(log, options);
  REQUIRE(joined.report.joins.size() == 1);
  CHECK(joined.report.joins[0].matched_customers == 2);
  CHECK(joined.transactions.attributes.values[0] == std::vector<std::string>{"gold"});
}
