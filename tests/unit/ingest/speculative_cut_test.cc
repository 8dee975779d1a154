// Blocks of mapped text are cut at the last LF of each window without looking at quotes, so a cut
// may fall inside a quoted field; the ordered merge detects it (the block before ends inside an
// open quote) and re-parses from that record's start. These tests put quoted line breaks, commas
// and closing quotes at and around many cut points and compare every column, line number, reject
// and count against the same text read as one block (which is never cut), for 1, 2 and 4 threads,
// through IngestText, a memory-mapped file and gzip (whose blocks are cut exactly).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include "ingest_test_util.h"
#include "same_result.h"
#include "segcast/error.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::RequireSameResult;
using segcast::testing::TempFile;

namespace {

constexpr int64_t kSmallBlock = 4096;  // IngestOptions::block_bytes' minimum
const std::string kHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

// A quoted description of about `bytes` bytes that is mostly line breaks and commas, so that the
// last LF of a window that ends inside it is inside the quotes.
std::string QuotedBreaks(size_t bytes, std::mt19937& random, const std::string& line_end) {
  std::string field = "\"";
  while (field.size() < bytes) {
    switch (random() % 5) {
      case 0: field += line_end; break;
      case 1: field += ","; break;
      case 2: field += "\"\""; break;  // a quote inside: must not end the field
      case 3: field += line_end + "," + line_end; break;
      default: field += "x"; break;
    }
  }
  return field + "\"";
}

// Rows whose descriptions are short, long (spanning several 4 KiB windows) or quoted with line
// breaks at every position; `pad` shifts every byte so that each position meets a cut.
std::string QuotedLog(int rows, uint32_t seed, size_t pad, const std::string& line_end, bool bom) {
  std::mt19937 random(seed);
  std::string log = (bom ? "\xEF\xBB\xBF" : "") + kHeader + line_end;
  log += "536365,PAD," + std::string(pad, 'p') + ",1,12/1/2010 8:26,1.5,17850,United Kingdom" + line_end;
  for (int row = 0; row < rows; ++row) {
    std::string description;
    switch (random() % 6) {
      case 0: description = QuotedBreaks(10 + random() % 200, random, line_end); break;
      case 1: description = QuotedBreaks(4096 + random() % 9000, random, line_end); break;  // spans cuts
      case 2: description = "\"ends with a quote\"\"\""; break;
      case 3: description = "\"" + line_end + "\""; break;  // a line break alone, quoted
      default: description = "PLAIN " + std::to_string(random() % 100); break;
    }
    const std::string customer = random() % 9 == 0 ? "" : std::to_string(12000 + random() % 50);
    const std::string quantity = random() % 13 == 0 ? "-2" : std::to_string(1 + random() % 9);
    log += std::to_string(536366 + row / 3) + ",S" + std::to_string(row % 7) + "," + description + "," + quantity +
           ",12/" + std::to_string(1 + random() % 28) + "/2010 9:0" + std::to_string(random() % 10) + ",2.5," +
           customer + ",\"France, " + line_end + "or not\"" + (random() % 30 == 0 ? ",extra" : "") + line_end;
    if (random() % 10 == 0) log += line_end;  // a blank line
  }
  return log;
}

void CompareCut(const std::string& log, const IngestResult& reference, int threads) {
  IngestOptions options;
  options.threads = threads;
  options.block_bytes = kSmallBlock;
  RequireSameResult(IngestString(log, options), reference);
}

// The error message (with its file:line prefix) when `log` fails, or "" when it is read.
std::string ErrorOf(const std::string& log, int64_t block_bytes, int threads) {
  IngestOptions options;
  options.block_bytes = block_bytes;
  options.threads = threads;
  try {
    IngestString(log, options);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("cuts inside quoted fields: same rows, lines and rejects as one block", "[ingest][speculative]") {
  for (const std::string line_end : {"\n", "\r\n"}) {
    for (size_t pad : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{517}, size_t{2048}, size_t{4095}}) {
      const std::string log = QuotedLog(400, 5 + static_cast<uint32_t>(pad), pad, line_end, pad % 2 == 1);
      REQUIRE(log.size() > 100 * kSmallBlock);  // many cuts
      const IngestResult reference = IngestString(log);  // below 4 MiB: a single block, never cut
      CHECK(reference.report.rows_read == 401);
      CHECK(reference.report.rows_accepted > 250);
      CHECK(reference.report.rows_read == reference.report.rows_accepted + reference.report.rejected_total());
      // The last row starts where its invoice number is, on the line the table says.
      CHECK(reference.transactions.line.back() > 1000);
      for (int threads : {1, 2, 4}) {
        INFO("line end " << (line_end.size() == 2 ? "CRLF" : "LF") << ", pad " << pad << ", threads " << threads);
        CompareCut(log, reference, threads);
      }
    }
  }
}

TEST_CASE("a quoted field closing exactly at a cut, or one byte before or after", "[ingest][speculative]") {
  // One quoted description of every length from 4000 to 4200 bytes after a header of fixed size:
  // the closing quote, its comma and the LF after it each meet the first window's cut.
  for (size_t length = 4000; length < 4200; length += 7) {
    std::mt19937 random(static_cast<uint32_t>(length));
    std::string log = kHeader + "\n";
    for (int row = 0; row < 40; ++row) {
      log += std::to_string(536365 + row) + ",A," + QuotedBreaks(length + row % 3, random, "\n") +
             ",2,12/1/2010 8:26,1.5,1785" + std::to_string(row % 4) + ",UK\n";
    }
    const IngestResult reference = IngestString(log);
    REQUIRE(reference.report.rows_accepted == 40);
    INFO("length " << length);
    CompareCut(log, reference, 1);
    CompareCut(log, reference, 2);
  }
}

TEST_CASE("an unterminated quote far from the start: the same error and line", "[ingest][speculative]") {
  for (size_t pad : {size_t{0}, size_t{100}, size_t{4000}}) {
    std::string log = QuotedLog(200, 17, pad, "\n", false);
    const size_t lines_before = static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
    log += "536999,A,\"never closed, 1,12/1/2010 8:26,1.5,17850,UK\n";
    for (int row = 0; row < 2000; ++row) log += "537000,B,no quote here,1,12/1/2010 8:26,1.5,17850,UK\n";
    const std::string expected = ErrorOf(log, int64_t{4} << 20, 1);
    INFO(expected);
    REQUIRE(expected.find("never closed") != std::string::npos);
    REQUIRE(expected.find(":" + std::to_string(lines_before + 1) + ":") != std::string::npos);
    for (int threads : {1, 2, 4}) CHECK(ErrorOf(log, kSmallBlock, threads) == expected);
  }
}

TEST_CASE("a log without an invoice column names invoices by line across cuts", "[ingest][speculative]") {
  std::mt19937 random(23);
  std::string log = "client,day,amount\n";
  for (int row = 0; row < 3000; ++row) {
    const std::string client = random() % 5 == 0 ? "\"c" + std::to_string(row % 40) + "\nsecond line\"" : "c" + std::to_string(row % 40);
    log += client + ",2011-0" + std::to_string(1 + random() % 9) + "-1" + std::to_string(random() % 10) + "," +
           std::to_string(1 + random() % 90) + (random() % 7 == 0 ? "\n\n" : "\n");
    if (row % 11 == 0) log += client + ",2011-01-01,5\n";  // repeated rows: duplicates
  }
  IngestOptions options;
  options.schema = SchemaPreset::kGeneric;
  options.mapping = ParseColumnMapping("customer=client,date=day,amount=amount");
  const IngestResult reference = IngestString(log, options);
  REQUIRE(reference.transactions.invoice_ids.size() > 2500);
  CHECK(reference.transactions.invoice_ids[reference.transactions.invoice[0]] == "line 2");
  options.block_bytes = kSmallBlock;
  for (int threads : {1, 2, 4}) {
    options.threads = threads;
    RequireSameResult(IngestString(log, options), reference);
  }
}

TEST_CASE("blank lines before a header longer than a block, BOM, files mapped and inflated", "[ingest][speculative]") {
  // The blocks up to the header are cut exactly; the header itself spans two windows here.
  std::string header_log = "\xEF\xBB\xBF" + std::string(5000, '\n') + kHeader + ",\"note\n" + std::string(5000, 'n') + "\"\n";
  std::mt19937 random(4);
  for (int row = 0; row < 300; ++row) {
    header_log += std::to_string(536365 + row) + ",A," + QuotedBreaks(50 + random() % 3000, random, "\r\n") +
                  ",3,12/1/2010 8:26,1.5,17850,UK,\"n\r\n\"\r\n";
  }
  const IngestResult reference = IngestString(header_log);
  REQUIRE(reference.report.rows_accepted == 300);
  CHECK(reference.transactions.line.front() == 5000 + 2 + 1);  // blank lines, then two header lines
  TempFile plain("speculative.csv", header_log);
  TempFile packed("speculative.csv.gz", header_log, true);
  IngestOptions options;
  options.collect_rejects = true;
  options.block_bytes = kSmallBlock;
  for (int threads : {1, 2}) {
    options.threads = threads;
    options.path = plain.path();
    RequireSameResult(Ingest(options), reference);
    options.path = packed.path();
    RequireSameResult(Ingest(options), reference);
  }
}

TEST_CASE("random texts of quotes, commas and line breaks: cut or not, one result", "[ingest][speculative]") {
  // Bytes drawn mostly from the CSV syntax (quote, comma, LF, CR) between valid-looking rows, so
  // that records, quoted fields and stray CRs of every shape straddle the 4 KiB cuts. Either both
  // readings fail with the same message or both give the same rows, lines and rejects.
  const std::string alphabet = "\"\",,\n\n\r\"ab 1";
  int compared = 0;
  for (uint32_t seed = 0; seed < 60; ++seed) {
    std::mt19937 random(seed);
    std::string log = kHeader + (seed % 3 == 0 ? "\r\n" : "\n");
    while (log.size() < 40000) {
      if (random() % 4 == 0) {
        for (int byte = 0, bytes = 1 + static_cast<int>(random() % 40); byte < bytes; ++byte) {
          log += alphabet[random() % alphabet.size()];
        }
      } else {
        log += "536365,A,\"d," + std::string(random() % 3, '\n') + "\",2,12/1/2010 8:26,1.5,1785" +
               std::to_string(random() % 9) + ",UK" + (random() % 5 == 0 ? "\r\n" : "\n");
      }
    }
    INFO("seed " << seed);
    const std::string expected_error = ErrorOf(log, int64_t{4} << 20, 1);
    for (int threads : {1, 2}) CHECK(ErrorOf(log, kSmallBlock, threads) == expected_error);
    if (!expected_error.empty()) continue;
    const IngestResult reference = IngestString(log);
    CompareCut(log, reference, 1);
    CompareCut(log, reference, 2);
    ++compared;
  }
  CHECK(compared >= 20);  // most texts are readable: the row comparison is not vacuous
}
