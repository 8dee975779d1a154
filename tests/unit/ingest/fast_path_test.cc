// The fast paths of ingestion against their references, on inputs chosen to trip them:
//  - the vectorised split of quote-free lines against libcsv splitting every record
//    (SplitPath::kLibcsvOnly): identical rows, ids, numbers, dates, keys, rejections and lines;
//  - the Clinger fast path of decimal numbers against std::from_chars, bit for bit;
//  - views into memory (IngestText, a memory-mapped file) against copied blocks (gzip), with
//    blocks of 4 KiB to 4 MiB and 1 or 2 threads.
#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ingest/block_parser.h"
#include "ingest/libcsv_record.h"
#include "ingest/number_parse.h"
#include "ingest_test_util.h"
#include "same_result.h"

using namespace segcast;
using segcast::internal::Block;
using segcast::internal::ParsedBlock;
using segcast::internal::SplitPath;
using segcast::testing::IngestString;
using segcast::testing::RequireSameResult;
using segcast::testing::TempFile;

namespace {

const std::string kHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

std::string Pick(std::mt19937& random, const std::vector<std::string>& choices) {
  return choices[random() % choices.size()];
}

// Rows built from pieces that each exercise one corner of the CSV rules or of a cleaning rule.
// Line ends are LF, CRLF or a lone CR; some rows are repeated verbatim or re-quoted.
std::string TrickyLog(int rows, uint32_t seed, bool bom) {
  std::mt19937 random(seed);
  const std::vector<std::string> descriptions = {
      "PLAIN THING", "\"quoted, with comma\"", "\"doubled \"\"quotes\"\" inside\"", "\"two\nlines\"",
      "\"three\r\nlines\nhere\"", "ab\"c", "\"ab\"c,d\"", "\"\"", "", "  spaced  ", "non-utf8 \xff\xfe\xa3",
      "\"\xe9t\xe9, caf\xe9\"", "tab\there", "\"ends with quote\"\"\""};
  const std::vector<std::string> quantities = {"6", "12", "-1", "0", "x", "5.", ".5", "1e3", "+3", " 7 ",
                                               "2.0000000000000001", "0.1", "", "007", "1,5"};
  const std::vector<std::string> dates = {"12/1/2010 8:26", "12/1/2010 8:26", "2010-12-01 08:26:00",
                                          "2011-02-30 10:00", "2012-02-29 23:59", "13/1/2011 10:00",
                                          "12/31/2011 24:00", "41245", "41245.5", "", "2011-03-01T09:30",
                                          "\"12/1/2010 8:26\""};
  const std::vector<std::string> prices = {"2.55", "0.165", "0", "-11062.06", "1e2", "3.", "\"4.25\"",
                                           "123456789012345.6", "0.0000001", "nan", "inf", "  1.5"};
  const std::vector<std::string> customers = {"17850", "17850", "13047", " 12583 ", "", "  ", "\"17850\"",
                                              "\xff\xfe", "12345.0"};
  const std::vector<std::string> countries = {"United Kingdom", "France", "\"Korea, Republic of\"",
                                              "EIRE\xa0", ""};
  const std::vector<std::string> line_ends = {"\n", "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
  std::string log = (bom ? "\xEF\xBB\xBF" : "") + kHeader + "\n";
  std::vector<std::string> earlier;
  for (int row = 0; row < rows; ++row) {
    std::string line;
    if (!earlier.empty() && random() % 12 == 0) {
      line = earlier[random() % earlier.size()];  // exact duplicate (also across blocks)
    } else {
      const std::string invoice = (random() % 15 == 0 ? "C" : "") + std::to_string(536000 + row / 4);
      line = invoice + ",85123A," + Pick(random, descriptions) + "," + Pick(random, quantities) + "," +
             Pick(random, dates) + "," + Pick(random, prices) + "," + Pick(random, customers) + "," +
             Pick(random, countries);
      if (random() % 40 == 0) line += ",extra";
      if (random() % 40 == 0) line = line.substr(0, line.rfind(','));
      if (random() % 25 == 0) line = "\"" + invoice + "\"" + line.substr(invoice.size());  // re-quoted
      earlier.push_back(line);
    }
    log += line + Pick(random, line_ends);
  }
  return log;
}

internal::ColumnLayout RetailLayout() {
  internal::LibcsvRecord header;
  return internal::ResolveLayout(PresetMapping(SchemaPreset::kOnlineRetail), header.Split(kHeader), "test.csv",
                                 "online-retail");
}

ParsedBlock ParseWhole(const std::string& text, SplitPath path) {
  Block block;
  block.storage.assign(text.begin(), text.end());
  block.last = true;
  const size_t data = text.find('\n') + 1;  // the header line is plain in these logs
  ParsedBlock parsed;
  internal::ParseBlock(block, data, 2, RetailLayout(), true, parsed, path);
  return parsed;
}

void RequireSameRows(const ParsedBlock& fast, const ParsedBlock& reference) {
  REQUIRE(fast.rows_read == reference.rows_read);
  CHECK(fast.rejected == reference.rejected);
  CHECK(fast.customer_names == reference.customer_names);
  CHECK(fast.invoice_names == reference.invoice_names);
  CHECK(fast.country_names == reference.country_names);
  CHECK(fast.customer == reference.customer);
  CHECK(fast.invoice == reference.invoice);
  CHECK(fast.country == reference.country);
  CHECK(fast.day == reference.day);
  CHECK(fast.quantity == reference.quantity);
  CHECK(fast.price == reference.price);
  CHECK(fast.revenue == reference.revenue);
  CHECK(fast.line == reference.line);
  CHECK(fast.text_begin == reference.text_begin);
  CHECK(fast.text_size == reference.text_size);
  REQUIRE(fast.key.size() == reference.key.size());
  for (size_t row = 0; row < fast.key.size(); ++row) CHECK(fast.key[row] == reference.key[row]);
  REQUIRE(fast.rejects.size() == reference.rejects.size());
  for (size_t row = 0; row < fast.rejects.size(); ++row) {
    INFO("reject " << row << " line " << reference.rejects[row].line);
    CHECK(fast.rejects[row].line == reference.rejects[row].line);
    CHECK(fast.rejects[row].reason == reference.rejects[row].reason);
    CHECK(fast.rejects[row].field == reference.rejects[row].field);
    CHECK(fast.rejects[row].record == reference.rejects[row].record);
  }
}

}  // namespace

TEST_CASE("the vectorised split gives exactly libcsv's rows and rejections", "[ingest][fastpath]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const std::string log = TrickyLog(4000, seed, false);
    ParsedBlock fast = ParseWhole(log, SplitPath::kFast);
    ParsedBlock reference = ParseWhole(log, SplitPath::kLibcsvOnly);
    INFO("seed " << seed);
    // The log really holds every kind of row: accepted ones and each row-level rejection.
    CHECK(reference.day.size() > 100);
    for (RejectReason reason : {RejectReason::kMalformedRow, RejectReason::kMissingCustomer, RejectReason::kCancelled,
                                RejectReason::kUnparseableNumber, RejectReason::kNonPositiveQuantity,
                                RejectReason::kNegativePrice, RejectReason::kZeroPrice,
                                RejectReason::kUnparseableDate}) {
      CHECK(reference.rejected[static_cast<int>(reason)] > 0);
    }
    RequireSameRows(fast, reference);
  }
}

TEST_CASE("fields longer than one vector step and every comma position split alike", "[ingest][fastpath]") {
  // Rows of 17 to 200 bytes whose commas fall on every offset of a 16-byte step, with the quote
  // or CR (which sends a line to libcsv) at every offset too.
  std::string log = kHeader + "\n";
  for (int pad = 0; pad < 48; ++pad) {
    const std::string description(static_cast<size_t>(pad), 'd');
    log += "536365,A" + std::string(static_cast<size_t>(pad % 17), 'a') + "," + description + ",6,12/1/2010 8:26,2.55," +
           std::to_string(17000 + pad) + ",United Kingdom\n";
    std::string quoted = description;
    quoted.insert(quoted.size() / 2, "\"");
    log += "536366," + quoted + ",B,2,12/1/2010 8:26,1.5,17850,France\n";
    log += "536367,A," + description + ",1,12/1/2010 8:26,1.5,17850,France\r" + description + "\n";
  }
  RequireSameRows(ParseWhole(log, SplitPath::kFast), ParseWhole(log, SplitPath::kLibcsvOnly));
}

TEST_CASE("the decimal fast path equals from_chars bit for bit, or declines", "[ingest][fastpath]") {
  auto reference = [](std::string_view text, double& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
  };
  std::vector<std::string> texts = {"0",    "6",     "-1",    "2.55",  "0.165", "-0",       "-0.0",
                                    "007",  "5.",    ".5",    "-.5",   "-",     ".",        "",
                                    "1e3",  "1.5e2", "0x10",  "1..2",  "1.2.3", "--1",      "123456789012345",
                                    "1234567890123456", "0.000000000000001", "0.0000000000000001",
                                    "999999999999999", "9007199254740993", "4.35", "0.1", "1,5", " 1", "+2.5", " -3.75 ", "+-1", "\t8"};
  std::mt19937_64 random(7);
  for (int sample = 0; sample < 20000; ++sample) {
    const int digits = 1 + static_cast<int>(random() % 17);
    std::string text = (random() % 4 == 0) ? "-" : "";
    std::string number;
    for (int digit = 0; digit < digits; ++digit) number += static_cast<char>('0' + random() % 10);
    const size_t point = random() % (number.size() + 1);
    if (random() % 3 != 0) number.insert(point, ".");
    texts.push_back(text + number);
  }
  int handled = 0;
  for (const std::string& text : texts) {
    double fast = 0;
    double slow = 0;
    INFO(text);
    const bool expected = reference(text, slow);
    if (internal::ParseSimpleDecimal(text, fast)) {
      ++handled;
      REQUIRE(expected);
      REQUIRE(std::memcmp(&fast, &slow, sizeof fast) == 0);
    }
    // ParseNumber as it was before the fast path: trim, drop one '+', then from_chars.
    std::string_view trimmed = internal::TrimSpaces(text);
    if (!trimmed.empty() && trimmed.front() == '+') trimmed.remove_prefix(1);
    double old_value = 0;
    const bool old_accepts = !trimmed.empty() && reference(trimmed, old_value);
    double through = 0;
    REQUIRE(internal::ParseNumber(text, through) == old_accepts);
    if (old_accepts) REQUIRE(std::memcmp(&through, &old_value, sizeof through) == 0);
  }
  CHECK(handled > 10000);  // the fast path does take most plain decimals
}

TEST_CASE("mapped, in-memory and inflated blocks give one result (BOM, CRLF, quotes)", "[ingest][fastpath]") {
  for (bool bom : {false, true}) {
    const std::string log = TrickyLog(6000, 11, bom);
    TempFile plain("fast_path.csv", log);
    TempFile packed("fast_path.csv.gz", log, true);
    IngestOptions options;
    options.collect_rejects = true;
    options.threads = 1;
    IngestResult reference = IngestString(log, options);
    // A cut-off row may end inside a quoted country ("Korea, ...) and take the next line into
    // its record, as libcsv reads it: a few records fewer than generated rows.
    CHECK(reference.report.rows_read > 5800);
    CHECK(reference.report.rows_read <= 6000);
    for (int64_t block_bytes : {int64_t{4096}, int64_t{65536}, int64_t{4} << 20}) {
      for (int threads : {1, 2}) {
        INFO("bom " << bom << ", block " << block_bytes << ", threads " << threads);
        options.block_bytes = block_bytes;
        options.threads = threads;
        options.path = plain.path();
        RequireSameResult(Ingest(options), reference);
        options.path = packed.path();
        RequireSameResult(Ingest(options), reference);
        options.path = "memory.csv";
        RequireSameResult(IngestText(log, options), reference);
      }
    }
  }
}
