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

namespace {

// The log with every ISO purchase date ("2010-12-01 08:26:00") re-written as a spreadsheet export
// writes it: day first "01/12/2010 08:26" (UK), or month first "12/1/2010 8:26" and, with
// `am_pm`, "12/1/2010 8:26 AM" (US). Only InvoiceDate has that shape between two commas.
std::string ReExportDates(const std::string& text, bool day_first, bool am_pm) {
  auto digits = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t at = 0; at + 21 <= text.size(); ++at) {
    const char* field = text.data() + at;
    if (field[0] != ',' || field[5] != '-' || field[8] != '-' || field[11] != ' ' || field[14] != ':' ||
        field[17] != ':' || text[at + 20] != ',' || !digits(field[1]) || !digits(field[12])) {
      continue;
    }
    const std::string year(field + 1, 4), month(field + 6, 2), day(field + 9, 2), minute(field + 15, 2);
    const int hour = std::stoi(std::string(field + 12, 2));
    auto unpadded = [](const std::string& two) { return two[0] == '0' ? two.substr(1) : two; };
    out.append(text, copied, at + 1 - copied);
    if (day_first) {
      out += day + "/" + month + "/" + year + " " + std::string(field + 12, 2) + ":" + minute;
    } else if (am_pm) {
      out += unpadded(month) + "/" + unpadded(day) + "/" + year + " " + std::to_string((hour + 11) % 12 + 1) + ":" +
             minute + (hour < 12 ? " AM" : " PM");
    } else {
      out += unpadded(month) + "/" + unpadded(day) + "/" + year + " " + std::to_string(hour) + ":" + minute;
    }
    copied = at + 20;
    at += 19;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace

TEST_CASE("Online Retail re-exported day first or month first: the same rows, days and customers",
          "[shared][ingest][dates]") {
  const std::string path = SharedDataPath("online_retail.csv.gz").string();
  const std::string text = internal::ReadAll(*internal::OpenByteSource(path));
  IngestOptions options;
  options.path = path;
  options.latest_day = DayFromCivil(2026, 1, 1);
  const IngestResult original = IngestText(text, options);
  REQUIRE(original.report.rows_accepted == 392692);
  struct Export {
    const char* name;
    bool day_first;
    bool am_pm;
    const char* order;
    const char* first_row_date;
  };
  for (const Export& form : {Export{"day first", true, false, "dmy", "01/12/2010 08:26"},
                             Export{"month first", false, false, "mdy", "12/1/2010 8:26"},
                             Export{"month first, AM/PM", false, true, "mdy", "12/1/2010 8:26 AM"}}) {
    INFO(form.name);
    const std::string exported = ReExportDates(text, form.day_first, form.am_pm);
    REQUIRE(exported.find(std::string(",") + form.first_row_date + ",") < 400);
    options.path = std::string("online_retail_") + form.order + ".csv";
    const IngestResult result = IngestText(exported, options);
    const IngestReport& report = result.report;
    CHECK(report.dates.order == form.order);
    CHECK(report.dates.source == "detected");
    // Every row that reaches the date rule (the accepted ones and the duplicates) has a slash date.
    CHECK(report.dates.slash_rows ==
          report.rows_accepted + report.rejected[static_cast<int>(RejectReason::kDuplicate)]);
    CHECK(report.rows_read == original.report.rows_read);
    CHECK(report.rows_accepted == original.report.rows_accepted);
    CHECK(report.rejected == original.report.rejected);
    CHECK(report.customers == 4338);
    CHECK(report.first_day == DayFromCivil(2010, 12, 1));
    CHECK(report.last_day == DayFromCivil(2011, 12, 9));
    CHECK(result.transactions.customer_ids == original.transactions.customer_ids);
    CHECK(result.transactions.customer == original.transactions.customer);
    CHECK(result.transactions.day == original.transactions.day);
    CHECK(result.transactions.revenue == original.transactions.revenue);
    CHECK(result.transactions.line == original.transactions.line);
    // The panel of a day-first read was "2,997 customers x 24 months from 2010-01"; now as the original.
    CHECK(MonthOfDay(report.last_day) - MonthOfDay(report.first_day) + 1 == 13);
  }
}
