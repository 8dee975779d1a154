// The order of slash dates decided for the whole file (DateOrder), and the future_date rule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "ingest_test_util.h"
#include "same_result.h"
#include "segcast/error.h"
#include "segcast/panel.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::Rejected;
using segcast::testing::RequireSameResult;

namespace {

const char* kHeader =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

// One row per date, each its own invoice and customer.
std::string LogOfDates(const std::vector<std::string>& dates) {
  std::string log = kHeader;
  for (size_t row = 0; row < dates.size(); ++row) {
    log += std::to_string(536000 + row) + ",A,item,2," + dates[row] + ",1.5," +
           std::to_string(12000 + row) + ",UK\n";
  }
  return log;
}

IngestOptions WithOrder(DateOrder order, std::optional<Day> latest_day = DayFromCivil(2026, 1, 1)) {
  IngestOptions options;
  options.date_order = order;
  options.latest_day = latest_day;
  return options;
}

// A day-first log of `rows` rows over 2011 with duplicates, cancellations and quoted fields, in
// which only the rows of `evidence_rows` have a day above 12.
std::string DayFirstLog(int rows, uint32_t seed, const std::vector<int>& evidence_rows) {
  std::mt19937 random(seed);
  std::string log = kHeader;
  std::string previous;
  for (int row = 0; row < rows; ++row) {
    const bool evidence =
        std::find(evidence_rows.begin(), evidence_rows.end(), row) != evidence_rows.end();
    if (!previous.empty() && !evidence && random() % 25 == 0) {
      log += previous;
      continue;
    }
    const int day =
        evidence ? 13 + static_cast<int>(random() % 16) : 1 + static_cast<int>(random() % 12);
    const int month = 1 + static_cast<int>(random() % 12);
    char date[32];
    std::snprintf(date, sizeof date, "%02d/%02d/2011 %02d:%02d", day, month,
                  static_cast<int>(random() % 24), static_cast<int>(random() % 60));
    std::string description = random() % 10 == 0 ? "\"two\nlines, quoted\"" : "plain";
    std::string invoice =
        (!evidence && random() % 40 == 0 ? "C" : "") + std::to_string(540000 + row / 3);
    std::string line = invoice + ",S," + description + "," + std::to_string(1 + random() % 5) +
                       "," + date + ",2.5," + std::to_string(13000 + random() % 300) + ",UK\n";
    log += line;
    previous = line;
  }
  return log;
}

}  // namespace

TEST_CASE("a first field above 12 anywhere makes the file day first", "[ingest][dates]") {
  IngestResult result = IngestString(
      LogOfDates({"01/12/2010 08:26", "02/12/2010 09:00", "13/12/2010 10:00", "05/01/2011 11:00"}),
      WithOrder(DateOrder::kAuto));
  CHECK(result.report.rows_accepted == 4);
  CHECK(result.transactions.day ==
        std::vector<Day>{DayFromCivil(2010, 12, 1), DayFromCivil(2010, 12, 2),
                         DayFromCivil(2010, 12, 13), DayFromCivil(2011, 1, 5)});
  CHECK(result.report.dates.order == "dmy");
  CHECK(result.report.dates.source == "detected");
  CHECK(result.report.dates.slash_rows == 4);
  CHECK(result.report.dates.day_first_only == 1);
  CHECK(result.report.dates.month_first_only == 0);
  CHECK(result.report.BriefReport().find(
            "dates: slash dates read day first (dmy): 1 row has a first field above 12") !=
        std::string::npos);
  nlohmann::json json = nlohmann::json::parse(result.report.ToJson());
  CHECK(json["date_order"] == "dmy");
  CHECK(json["date_order_source"] == "detected");
  CHECK(json["day_first_only"] == 1);
  CHECK(json["rejected"]["future_date"] == 0);
  CHECK_FALSE(json.contains("latest_day"));
}

TEST_CASE("a second field above 12 makes it month first; none is ambiguous, read month first",
          "[ingest][dates]") {
  IngestResult month_first =
      IngestString(LogOfDates({"12/1/2010 8:26", "12/13/2010 8:26"}), WithOrder(DateOrder::kAuto));
  CHECK(month_first.report.dates.order == "mdy");
  CHECK(month_first.report.dates.source == "detected");
  CHECK(month_first.transactions.day ==
        std::vector<Day>{DayFromCivil(2010, 12, 1), DayFromCivil(2010, 12, 13)});

  IngestResult ambiguous =
      IngestString(LogOfDates({"01/12/2010 08:26", "02/12/2010 08:26", "2010-12-03"}),
                   WithOrder(DateOrder::kAuto));
  CHECK(ambiguous.report.dates.order == "mdy");
  CHECK(ambiguous.report.dates.source == "ambiguous");
  CHECK(ambiguous.report.dates.slash_rows == 2);
  CHECK(ambiguous.transactions.day == std::vector<Day>{DayFromCivil(2010, 1, 12),
                                                       DayFromCivil(2010, 2, 12),
                                                       DayFromCivil(2010, 12, 3)});
  CHECK(ambiguous.report.BriefReport().find(
            "slash dates ambiguous (no field above 12 in 2 rows), read month first "
            "(mdy); --date-order dmy if they are day first") != std::string::npos);
  // The explicit order reads them day first.
  IngestResult day_first =
      IngestString(LogOfDates({"01/12/2010 08:26", "02/12/2010 08:26", "2010-12-03"}),
                   WithOrder(DateOrder::kDayFirst));
  CHECK(day_first.transactions.day == std::vector<Day>{DayFromCivil(2010, 12, 1),
                                                       DayFromCivil(2010, 12, 2),
                                                       DayFromCivil(2010, 12, 3)});
  CHECK(day_first.report.dates.source == "given");

  // No slash date at all: nothing to say.
  IngestResult iso = IngestString(LogOfDates({"2010-12-01 08:26:00"}), WithOrder(DateOrder::kAuto));
  CHECK(iso.report.dates.order.empty());
  CHECK(iso.report.dates.source.empty());
  CHECK(iso.report.DatesNote().empty());
  // Year-first slash dates alone.
  IngestResult year_first =
      IngestString(LogOfDates({"2010/12/01 08:26"}), WithOrder(DateOrder::kAuto));
  CHECK(year_first.report.dates.order == "ymd");
  CHECK(year_first.transactions.day == std::vector<Day>{DayFromCivil(2010, 12, 1)});
}

TEST_CASE("slash dates that contradict each other refuse the file, naming a line of each",
          "[ingest][dates]") {
  const std::string log = LogOfDates(
      {"01/12/2010 08:26", "12/13/2010 08:26", "02/12/2010", "25/12/2010 10:00", "31/12/2010"});
  try {
    IngestString(log, WithOrder(DateOrder::kAuto));
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().file == "test.csv");
    CHECK(error.location().line == 3);  // the first of the two kinds
    CHECK(error.location().field == "InvoiceDate");
    const std::string message = error.message();
    INFO(message);
    CHECK(message.find("line 5 has 25/12/2010 10:00, a real date only day first (2 such rows)") !=
          std::string::npos);
    CHECK(message.find("line 3 has 12/13/2010 08:26, a real date only month first (1 such row)") !=
          std::string::npos);
    CHECK(message.find("--date-order dmy or --date-order mdy") != std::string::npos);
  }

  // Either explicit order reads the file; the rows that do not fit are unparseable_date.
  IngestResult day_first = IngestString(log, WithOrder(DateOrder::kDayFirst));
  CHECK(day_first.report.rows_accepted == 4);
  CHECK(Rejected(day_first, RejectReason::kUnparseableDate) == 1);
  REQUIRE(day_first.rejects.size() == 1);
  CHECK(day_first.rejects[0].line == 3);
  CHECK(day_first.rejects[0].reason == RejectReason::kUnparseableDate);
  CHECK(day_first.rejects[0].field == "InvoiceDate");
  CHECK(day_first.report.dates.month_first_only == 1);
  CHECK(day_first.report.BriefReport().find("slash dates read day first (dmy), as given; 1 row "
                                            "that is a real date only month first was rejected as "
                                            "unparseable_date") != std::string::npos);
  IngestResult month_first = IngestString(log, WithOrder(DateOrder::kMonthFirst));
  CHECK(month_first.report.rows_accepted == 3);
  CHECK(Rejected(month_first, RejectReason::kUnparseableDate) == 2);
  IngestResult year_first = IngestString(log, WithOrder(DateOrder::kYearFirst));
  CHECK(year_first.report.rows_accepted == 0);
  CHECK(Rejected(year_first, RejectReason::kUnparseableDate) == 5);
}

TEST_CASE("the decided order is the explicit order's result, for any thread count and block size",
          "[ingest][dates]") {
  // The only day above 12 is near the end: every earlier ambiguous row must still be read day
  // first.
  const std::string log = DayFirstLog(20000, 7, {19990});
  IngestResult reference = IngestString(log, WithOrder(DateOrder::kDayFirst));
  CHECK(reference.report.rows_accepted > 15000);
  CHECK(reference.report.dates.day_first_only >= 1);  // the row, and maybe a copy of it
  for (int threads : {1, 2, 4}) {
    for (int64_t block_bytes : {int64_t{4096}, int64_t{65536}, int64_t{4} << 20}) {
      IngestOptions options = WithOrder(DateOrder::kAuto);
      options.threads = threads;
      options.block_bytes = block_bytes;
      INFO("threads " << threads << ", block " << block_bytes);
      IngestResult result = IngestString(log, options);
      RequireSameResult(reference, result);
      CHECK(result.report.dates.order == "dmy");
      CHECK(result.report.dates.source == "detected");
    }
  }
}

TEST_CASE("a contradiction deep in a large file names the same lines for any thread count",
          "[ingest][dates]") {
  std::string log = DayFirstLog(20000, 11, {100, 15000});
  log += "999999,S,plain,1,01/13/2011 10:00,2.5,13001,UK\n";  // one month-first row at the very end
  std::string message;
  for (int threads : {1, 2, 4}) {
    for (int64_t block_bytes : {int64_t{4096}, int64_t{4} << 20}) {
      IngestOptions options = WithOrder(DateOrder::kAuto);
      options.threads = threads;
      options.block_bytes = block_bytes;
      try {
        IngestString(log, options);
        FAIL("no error");
      } catch (const InputError& error) {
        if (message.empty()) message = error.what();
        CHECK(message == error.what());
      }
    }
  }
  CHECK(message.find("a real date only month first (1 such row)") != std::string::npos);
}

TEST_CASE("rows dated after latest_day are future_date, counted and listed", "[ingest][dates]") {
  const std::string log = LogOfDates({"2011-12-01 08:00", "2099-12-01 08:00", "12/1/9011 8:26",
                                      "2011-12-09 10:00", "9999-12-31 23:59", "2011-12-31"});
  IngestResult result = IngestString(log, WithOrder(DateOrder::kAuto, DayFromCivil(2011, 12, 31)));
  CHECK(result.report.rows_read == 6);
  CHECK(result.report.rows_accepted == 3);
  CHECK(Rejected(result, RejectReason::kFutureDate) == 3);
  CHECK(result.report.rows_read == result.report.rows_accepted + result.report.rejected_total());
  REQUIRE(result.rejects.size() == 3);
  CHECK(result.rejects[0].line == 3);
  CHECK(result.rejects[1].line == 4);
  CHECK(result.rejects[2].line == 6);
  for (const RejectedRow& reject : result.rejects) {
    CHECK(reject.reason == RejectReason::kFutureDate);
    CHECK(reject.field == "InvoiceDate");
  }
  CHECK(RejectReasonName(RejectReason::kFutureDate) == "future_date");
  CHECK(result.report.last_day == DayFromCivil(2011, 12, 31));
  CHECK(result.report.dates.first_future_line == 3);
  CHECK(result.report.BriefReport().find(
            "warning: 3 rows are dated after 2011-12-31 (the first at line 3), rejected "
            "as future_date") != std::string::npos);
  nlohmann::json json = nlohmann::json::parse(result.report.ToJson());
  CHECK(json["rejected"]["future_date"] == 3);
  CHECK(json["latest_day"] == "2011-12-31");
  CHECK(json["first_future_line"] == 3);
  // The panel spans the real months only.
  LrfmPanel panel = BuildPanel(result.transactions, {});
  CHECK(panel.month_count == 1);
  CHECK(panel.as_of == DayFromCivil(2012, 1, 1));
}

TEST_CASE("the default latest day is tomorrow by the clock", "[ingest][dates]") {
  const Day tomorrow = DefaultLatestDay();
  CHECK(tomorrow > DayFromCivil(2024, 1, 1));
  const std::string log = LogOfDates({FormatDay(tomorrow - 2), FormatDay(tomorrow),
                                      FormatDay(tomorrow + 1), "9999-12-31 23:59", "2099-01-01"});
  IngestOptions options;  // no latest_day: the clock's
  IngestResult result = IngestString(log, options);
  // (Run across midnight UTC, `tomorrow` may be today by the time Ingest reads the clock.)
  CHECK(result.report.rows_accepted >= 1);
  CHECK(result.report.rows_accepted <= 3);
  CHECK(Rejected(result, RejectReason::kFutureDate) >= 2);
  CHECK(result.report.dates.latest_day >= tomorrow);
  CHECK(DefaultAsOf(result.transactions) <= result.report.dates.latest_day + 1);
}

TEST_CASE("latest_day out of the calendar's range is refused", "[ingest][dates]") {
  IngestOptions options;
  options.path = "test.csv";
  options.latest_day = DayFromCivil(9999, 12, 31);
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options.latest_day = DayFromCivil(9998, 12, 31);
  CHECK_NOTHROW(options.Validate());
  options.latest_day = DayFromCivil(1400, 1, 1) - 1;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
}

TEST_CASE(
    "an ambiguous date whose decided reading is future is rejected as with the explicit order",
    "[ingest][dates]") {
  const Day latest = DayFromCivil(2011, 6, 15);
  // Day first: 01/07/2011 is 1 July (after latest), month first it would be 7 January.
  // 10/06/2011 is 10 June day first (kept), 6 October month first. 12/07/2011 is late either way.
  // 01/07/2011 appears twice: the copy is future_date too, not a duplicate of a rejected row.
  const std::vector<std::string> day_first_dates = {"13/05/2011", "01/07/2011", "10/06/2011",
                                                    "12/07/2011", "05/06/2011", "01/07/2011"};
  std::string log = LogOfDates(day_first_dates);
  log += "536001,A,item,2,01/07/2011,1.5,12001,UK\n";  // an exact copy of line 3
  for (int threads : {1, 3}) {
    IngestOptions options = WithOrder(DateOrder::kAuto, latest);
    options.threads = threads;
    options.block_bytes = 4096;
    IngestResult automatic = IngestString(log, options);
    IngestResult explicit_order = IngestString(log, WithOrder(DateOrder::kDayFirst, latest));
    RequireSameResult(explicit_order, automatic);
    CHECK(automatic.report.dates.order == "dmy");
    CHECK(automatic.report.dates.source == "detected");
    CHECK(automatic.report.rows_accepted == 3);
    CHECK(Rejected(automatic, RejectReason::kFutureDate) == 4);
    CHECK(Rejected(automatic, RejectReason::kDuplicate) == 0);
    CHECK(automatic.transactions.day == std::vector<Day>{DayFromCivil(2011, 5, 13),
                                                         DayFromCivil(2011, 6, 10),
                                                         DayFromCivil(2011, 6, 5)});
  }
  // Month first, the mirror case: 07/01/2011 is 1 July month first, 7 January day first.
  std::string month_first = LogOfDates({"05/13/2011", "07/01/2011", "06/10/2011"});
  IngestResult automatic = IngestString(month_first, WithOrder(DateOrder::kAuto, latest));
  RequireSameResult(IngestString(month_first, WithOrder(DateOrder::kMonthFirst, latest)),
                    automatic);
  CHECK(automatic.report.dates.order == "mdy");
  CHECK(Rejected(automatic, RejectReason::kFutureDate) == 1);
  CHECK(automatic.transactions.day ==
        std::vector<Day>{DayFromCivil(2011, 5, 13), DayFromCivil(2011, 6, 10)});
  // Ambiguous (no field above 12): month first, and 07/01/2011 is then 1 July, after latest.
  IngestResult ambiguous =
      IngestString(LogOfDates({"07/01/2011", "06/10/2011"}), WithOrder(DateOrder::kAuto, latest));
  CHECK(ambiguous.report.dates.source == "ambiguous");
  CHECK(Rejected(ambiguous, RejectReason::kFutureDate) == 1);
  CHECK(ambiguous.transactions.day == std::vector<Day>{DayFromCivil(2011, 6, 10)});
}
