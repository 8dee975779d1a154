// Hand-computed cases for every cleaning rule on tiny logs.
#include <catch2/catch.hpp>

#include "ingest_test_util.h"
#include "segcast/error.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::Rejected;

namespace {

const std::string kHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

// Line by line: what each row is, and the reason it is rejected if it is.
const std::string kLog =
    kHeader +                                                                           // 1
    "536365,A,Thing,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"                  // 2 ok
    "536365,A,Thing,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"                  // 3 duplicate
    "536366,B,\"Quoted, with comma\",2,2010-12-01 09:00:00,1.5,17850,United Kingdom\n"  // 4 ok
    "C536367,B,Cancel,-1,2010-12-02 10:00:00,1.5,17850,United Kingdom\n"                // 5 cancelled
    "536368,B,NoCust,1,2010-12-02 10:00:00,1.5,  ,United Kingdom\n"                     // 6 missing customer
    "536369,B,Zero,0,2010-12-02 10:00:00,1.5,12000,France\n"                            // 7 quantity 0
    "536370,B,Free,1,2010-12-02 10:00:00,0,12000,France\n"                              // 8 price 0
    "536371,B,BadDate,1,2011-02-30 10:00:00,1,12000,France\n"                           // 9 no such date
    "536372,B,BadNum,x,2011-02-01 10:00:00,1,12000,France\n"                            // 10 not a number
    "536373,B,Short,1,2011-02-01 10:00:00,1,12000\n"                                    // 11 7 fields
    "536374,B,Long,1,2011-02-01 10:00:00,1,12000,France,extra\n"                        // 12 9 fields
    "536375,B,\"multi\nline\",3,2012-02-29 10:00:00,2,12000,France\n"                   // 13-14 ok, leap day
    "536376,B,Only rejected \xA3,1,2011-01-01 10:00,0,13000,Spain\n";                   // 15 price 0

}  // namespace

TEST_CASE("every rule is a named reason and every row is accounted for", "[ingest][rules]") {
  IngestResult result = IngestString(kLog);
  const IngestReport& report = result.report;
  CHECK(report.schema == "online-retail");
  CHECK(report.rows_read == 13);
  CHECK(report.rows_accepted == 3);
  CHECK(Rejected(result, RejectReason::kDuplicate) == 1);
  CHECK(Rejected(result, RejectReason::kCancelled) == 1);
  CHECK(Rejected(result, RejectReason::kMissingCustomer) == 1);
  CHECK(Rejected(result, RejectReason::kNonPositiveQuantity) == 1);
  CHECK(Rejected(result, RejectReason::kZeroPrice) == 2);
  CHECK(Rejected(result, RejectReason::kNegativePrice) == 0);
  CHECK(Rejected(result, RejectReason::kUnparseableDate) == 1);
  CHECK(Rejected(result, RejectReason::kUnparseableNumber) == 1);
  CHECK(Rejected(result, RejectReason::kMalformedRow) == 2);
  CHECK(report.rows_read == report.rows_accepted + report.rejected_total());

  const Transactions& table = result.transactions;
  // 13000's only row is rejected: it is not a customer. Ids sort numerically.
  CHECK(table.customer_ids == std::vector<std::string>{"12000", "17850"});
  REQUIRE(table.size() == 3);
  CHECK(table.line == std::vector<int64_t>{2, 4, 13});
  CHECK(table.customer == std::vector<int32_t>{1, 1, 0});
  CHECK(table.day == std::vector<Day>{DayFromCivil(2010, 12, 1), DayFromCivil(2010, 12, 1), DayFromCivil(2012, 2, 29)});
  CHECK(table.revenue[0] == Approx(15.3).epsilon(1e-15));
  CHECK(table.revenue[1] == 3.0);
  CHECK(table.revenue[2] == 6.0);
  CHECK(table.quantity == std::vector<double>{6, 2, 3});
  CHECK(table.invoice_ids == std::vector<std::string>{"536365", "536366", "536375"});
  CHECK(table.countries[table.country[2]] == "France");
  CHECK(report.first_day == DayFromCivil(2010, 12, 1));
  CHECK(report.last_day == DayFromCivil(2012, 2, 29));
  CHECK(report.customers == 2);
  CHECK(report.invoices == 3);
}

TEST_CASE("rejected rows keep their line, reason, field and bytes", "[ingest][rules]") {
  IngestResult result = IngestString(kLog);
  REQUIRE(result.rejects.size() == 10);
  std::vector<int64_t> lines;
  for (const RejectedRow& row : result.rejects) lines.push_back(row.line);
  CHECK(lines == std::vector<int64_t>{3, 5, 6, 7, 8, 9, 10, 11, 12, 15});
  CHECK(result.rejects[0].reason == RejectReason::kDuplicate);
  CHECK(result.rejects[0].record == "536365,A,Thing,6,2010-12-01 08:26:00,2.55,17850,United Kingdom");
  CHECK(result.rejects[1].field == "InvoiceNo");
  CHECK(result.rejects[2].field == "CustomerID");
  CHECK(result.rejects[4].field == "UnitPrice");
  CHECK(result.rejects[5].reason == RejectReason::kUnparseableDate);
  CHECK(result.rejects[5].field == "InvoiceDate");
  CHECK(result.rejects[6].field == "Quantity");
  CHECK(result.rejects[7].reason == RejectReason::kMalformedRow);
  // A byte that is not UTF-8 (latin-1 pound sign) is kept as it is.
  CHECK(result.rejects[9].record.find("Only rejected \xA3") != std::string::npos);
  CHECK(RejectReasonName(result.rejects[9].reason) == "zero_price");
}

TEST_CASE("a duplicate needs every field equal; quoting does not matter", "[ingest][rules]") {
  std::string log = kHeader +
                    "1,A,x,1,2011-01-01 10:00,1,5,UK\n"
                    "1,A,x,1,2011-01-01 10:00,1,5,UK\n"        // duplicate
                    "\"1\",A,\"x\",1,2011-01-01 10:00,1,5,UK\n"  // same fields, quoted: duplicate
                    "1,A,x,1,2011-01-01 10:01,1,5,UK\n"        // another minute: kept
                    "1,A,x ,1,2011-01-01 10:00,1,5,UK\n";      // trailing space: kept
  IngestResult result = IngestString(log);
  CHECK(Rejected(result, RejectReason::kDuplicate) == 2);
  CHECK(result.transactions.line == std::vector<int64_t>{2, 5, 6});
}

TEST_CASE("a byte-order mark, CRLF line ends and blank lines are tolerated", "[ingest][csv]") {
  std::string log = "\xEF\xBB\xBF" + kHeader.substr(0, kHeader.size() - 1) + "\r\n" +
                    "1,A,x,1,2011-01-01 10:00,1,5,UK\r\n"
                    "\r\n"
                    "2,A,x,1,2011-01-02 10:00,1,5,UK\r\n";
  IngestResult result = IngestString(log);
  CHECK(result.report.schema == "online-retail");
  CHECK(result.report.rows_read == 2);
  CHECK(result.transactions.line == std::vector<int64_t>{2, 4});
}

TEST_CASE("status and amount columns: the kpmg preset", "[ingest][rules]") {
  std::string log =
      "transaction_id,product_id,customer_id,transaction_date,online_order,order_status,list_price\n"
      "1,2,2950,2017-02-25,False,Approved,71.49\n"
      "2,3,3120,2017-05-21,True,Cancelled,2091.47\n"
      "3,3,3120,2017-05-22,True,approved,10\n"
      "4,3,3120,2017-05-23,True,,10\n";
  IngestResult result = IngestString(log);
  CHECK(result.report.schema == "kpmg");
  CHECK(Rejected(result, RejectReason::kCancelled) == 2);
  CHECK(result.transactions.revenue == std::vector<double>{71.49, 10});
  CHECK(result.transactions.quantity == std::vector<double>{1, 1});
  CHECK(result.transactions.country == std::vector<int32_t>{-1, -1});
}

TEST_CASE("the online-retail-ii header is detected", "[ingest][schema]") {
  std::string log = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
                    "489434,85048,LED,12,12/1/2009 7:45,6.95,13085,United Kingdom\n"
                    "C489449,22087,PAPER,-12,12/1/2009 10:33,2.95,16321,Australia\n";
  IngestResult result = IngestString(log);
  CHECK(result.report.schema == "online-retail-ii");
  CHECK(result.report.rows_accepted == 1);
  CHECK(result.transactions.day[0] == DayFromCivil(2009, 12, 1));
  CHECK(result.transactions.revenue[0] == Approx(83.4).epsilon(1e-15));
}

TEST_CASE("a generic mapping: amount, no invoice column, US dates", "[ingest][schema]") {
  std::string log = "client,day,total,kind\n"
                    "a,1/31/2011,10,x\n"
                    "a,1/31/2011,5,x\n"
                    "b,2/1/2011,-3,x\n";
  IngestOptions options;
  options.schema = SchemaPreset::kGeneric;
  options.mapping = ParseColumnMapping("customer=client,date=day,amount=total");
  IngestResult result = IngestString(log, options);
  CHECK(result.report.schema == "generic");
  CHECK(result.transactions.customer_ids == std::vector<std::string>{"a"});  // b's only row: -3
  CHECK(Rejected(result, RejectReason::kNegativePrice) == 1);
  // Without an invoice column every row is its own invoice.
  CHECK(result.transactions.invoice_ids.size() == 2);
  CHECK(result.transactions.customer_ids.size() == 1);

  CHECK_THROWS_AS(ParseColumnMapping("customer"), InvalidArgument);
  CHECK_THROWS_AS(ParseColumnMapping("shoe=size"), InvalidArgument);
  ColumnMapping incomplete = ParseColumnMapping("customer=a,date=b");
  CHECK_THROWS_AS(incomplete.Validate(), InvalidArgument);
}

TEST_CASE("customer ids sort byte-wise when one is not an integer", "[ingest][schema]") {
  std::string log = kHeader + "1,A,x,1,2011-01-01 10:00,1,10,UK\n2,A,x,1,2011-01-01 10:00,1,9,UK\n"
                              "3,A,x,1,2011-01-01 10:00,1,A7,UK\n";
  CHECK(IngestString(log).transactions.customer_ids == std::vector<std::string>{"10", "9", "A7"});
  std::string numeric = kHeader + "1,A,x,1,2011-01-01 10:00,1,10,UK\n2,A,x,1,2011-01-01 10:00,1,9,UK\n";
  CHECK(IngestString(numeric).transactions.customer_ids == std::vector<std::string>{"9", "10"});
}
