// Bad input: each case ends with a clear error naming the file, line and field, or with a counted
// rejection. Never a crash, never a silent loss.
#include <catch2/catch.hpp>
#include <random>

#include "ingest_test_util.h"
#include "segcast/error.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::Rejected;
using segcast::testing::TempFile;

namespace {

const std::string kHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

IngestResult IngestFile(const std::string& path) {
  IngestOptions options;
  options.path = path;
  return Ingest(options);
}

// The InputError thrown by ingesting `path`; fails the test when none is thrown.
InputError ErrorOf(const std::string& path) {
  try {
    IngestFile(path);
  } catch (const InputError& error) {
    return error;
  }
  FAIL("no InputError for " << path);
  return InputError("unreachable");
}

}  // namespace

TEST_CASE("a missing file or an empty file is an input error", "[ingest][bad]") {
  InputError missing = ErrorOf("/nonexistent/segcast/log.csv");
  CHECK(missing.location().file == "/nonexistent/segcast/log.csv");
  CHECK_THAT(missing.what(), Catch::Contains("cannot open"));

  TempFile empty("empty.csv", "");
  InputError error = ErrorOf(empty.path());
  CHECK_THAT(error.what(), Catch::Contains("empty file"));
  CHECK(error.location().line == 1);
  CHECK(ExitCodeFor(error) == 3);
}

TEST_CASE("a header without rows is an input error at line 2", "[ingest][bad]") {
  TempFile header_only("header_only.csv", kHeader);
  InputError error = ErrorOf(header_only.path());
  CHECK(error.location().line == 2);
  CHECK_THAT(error.what(), Catch::Contains("no data rows"));
}

TEST_CASE("a missing required column is named, with the header found", "[ingest][bad]") {
  TempFile file("missing_column.csv", "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,Country\n1,A,1,2011-01-01,1,UK\n");
  IngestOptions options;
  options.path = file.path();
  options.schema = SchemaPreset::kOnlineRetail;
  try {
    Ingest(options);
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().field == "CustomerID");
    CHECK(error.location().line == 1);
    CHECK(error.location().file == file.path());
    CHECK_THAT(error.what(), Catch::Contains("header: InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, Country"));
  }
  // Without --schema the header fits no preset.
  CHECK_THAT(ErrorOf(file.path()).what(), Catch::Contains("cannot tell the schema"));
}

TEST_CASE("a wrong delimiter is diagnosed from the one-column header", "[ingest][bad]") {
  TempFile file("semicolon.csv", "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\n"
                                 "1;A;x;1;2011-01-01;1;5;UK\n");
  CHECK_THAT(ErrorOf(file.path()).what(), Catch::Contains("is the delimiter ';'?"));
}

TEST_CASE("a header that fits two presets must be chosen explicitly", "[ingest][bad]") {
  std::string header = "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID,transaction_id,customer_id,"
                       "transaction_date,order_status,list_price\n";
  TempFile file("ambiguous.csv", header + "1,1,2011-01-01,1,5,1,5,2011-01-01,Approved,1\n");
  CHECK_THAT(ErrorOf(file.path()).what(), Catch::Contains("several schemas (online-retail, kpmg)"));
  IngestOptions options;
  options.path = file.path();
  options.schema = SchemaPreset::kKpmg;
  CHECK(Ingest(options).report.rows_accepted == 1);
}

TEST_CASE("gzip input: whole, truncated, corrupt", "[ingest][bad][gzip]") {
  std::string log = kHeader;
  for (int row = 0; row < 20000; ++row) {
    log += std::to_string(500000 + row) + ",A,thing " + std::to_string(row * 7919 % 10007) +
           ",2,2011-03-04 10:00,1.25," + std::to_string(12000 + row % 300) + ",UK\n";
  }
  TempFile whole("whole.csv.gz", log, true);
  IngestResult result = IngestFile(whole.path());
  CHECK(result.report.gzip);
  CHECK(result.report.rows_read == 20000);
  CHECK(result.report.text_bytes == static_cast<int64_t>(log.size()));

  std::string compressed;
  {
    std::ifstream in(whole.path(), std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), {});
  }
  TempFile truncated("truncated.csv.gz", compressed.substr(0, compressed.size() / 2));
  InputError error = ErrorOf(truncated.path());
  CHECK_THAT(error.what(), Catch::Contains("truncated gzip"));
  CHECK(error.location().file == truncated.path());

  std::string corrupt = compressed;
  for (size_t byte = 100; byte < 140; ++byte) corrupt[byte] = static_cast<char>(corrupt[byte] ^ 0x5a);
  TempFile damaged("corrupt.csv.gz", corrupt);
  CHECK_THAT(ErrorOf(damaged.path()).what(), Catch::Contains("gzip"));
}

TEST_CASE("data after the gzip stream is named by its byte offset", "[ingest][bad][gzip]") {
  const std::string log = kHeader + "536365,A,thing,2,2010-12-01 08:26,1.25,17850,UK\n";
  TempFile packed("packed.csv.gz", log, true);
  std::string compressed;
  {
    std::ifstream in(packed.path(), std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(compressed.size() > 20);
  // A second member is read as gzip(1) reads it; anything else after the first is an error.
  TempFile second("second.csv.gz", "536366,B,other,1,2010-12-01 08:28,2.5,17850,UK\n", true);
  std::string second_member;
  {
    std::ifstream in(second.path(), std::ios::binary);
    second_member.assign(std::istreambuf_iterator<char>(in), {});
  }
  TempFile two_members("two.csv.gz", compressed + second_member);
  CHECK(IngestFile(two_members.path()).report.rows_accepted == 2);
  TempFile trailing("trailing.csv.gz", compressed + "this is not gzip\n");
  InputError error = ErrorOf(trailing.path());
  CHECK_THAT(error.what(), Catch::Contains("after the end of the gzip stream, at byte offset " +
                                           std::to_string(compressed.size()) + " of the file"));
  CHECK_THAT(error.what(), Catch::Contains("found bytes 74 68 69 73"));  // "this"
  CHECK(error.location().expected == "the end of the file or another gzip member (bytes 1f 8b)");
  // A lone 1f followed by something other than 8b is not a member either.
  TempFile near_magic("near.csv.gz", compressed + std::string("\x1f\x00zz", 4));
  CHECK_THAT(ErrorOf(near_magic.path()).what(), Catch::Contains("found bytes 1f 00 7a 7a"));
}

TEST_CASE("binary garbage gives an input error with a printable message", "[ingest][bad]") {
  std::mt19937 random(7);
  std::string garbage(5000, '\0');
  for (char& byte : garbage) byte = static_cast<char>(random() & 0xff);
  TempFile file("garbage.bin", garbage);
  InputError error = ErrorOf(file.path());
  std::string message = error.what();
  for (char c : message) CHECK((c >= 0x20 && c < 0x7f));
}

TEST_CASE("a 100,000-byte field is read like any other", "[ingest][bad]") {
  std::string big(100000, 'x');
  std::string quoted_big = "line one\n" + std::string(100000, 'y') + "\nline three, with comma";
  std::string log = kHeader + "1,A," + big + ",1,2011-01-01 10:00,1,5,UK\n" + "2,A,\"" + quoted_big +
                    "\",1,2011-01-01 10:00,1,5,UK\n" + "3,A,x,1,2011-01-01 10:00,1,5,UK\n";
  IngestOptions options;
  options.block_bytes = 4096;  // the long rows span many blocks
  IngestResult result = IngestString(log, options);
  CHECK(result.report.rows_accepted == 3);
  CHECK(result.transactions.line == std::vector<int64_t>{2, 3, 6});
}

TEST_CASE("a quoted field never closed is an error naming its line", "[ingest][bad]") {
  std::string log = kHeader + "1,A,x,1,2011-01-01 10:00,1,5,UK\n2,A,\"open,1,2011-01-01 10:00,1,5,UK\n"
                              "3,A,x,1,2011-01-01 10:00,1,5,UK\n";
  try {
    IngestString(log);
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().line == 3);
    CHECK_THAT(error.what(), Catch::Contains("never closed"));
  }
}

TEST_CASE("bad options name the field", "[ingest][bad]") {
  IngestOptions options;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);  // no path
  options.path = "x.csv";
  options.threads = -1;
  try {
    options.Validate();
    FAIL("no error");
  } catch (const InvalidArgument& error) {
    CHECK(error.location().field == "threads");
  }
  options.threads = 0;
  options.block_bytes = 10;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
}
