// The result does not depend on the thread count or the block size: blocks are cut at record
// boundaries (also inside quoted multi-line fields) and merged in input order.
#include <catch2/catch.hpp>
#include <random>

#include "ingest_test_util.h"
#include "same_result.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::RequireSameResult;

namespace {

// A log with quoted multi-line descriptions, duplicates, cancellations and bad rows.
std::string SyntheticLog(int rows, uint32_t seed) {
  std::mt19937 random(seed);
  std::string log = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  std::string previous;
  for (int row = 0; row < rows; ++row) {
    if (!previous.empty() && random() % 20 == 0) {
      log += previous;  // exact duplicate
      continue;
    }
    std::string invoice = (random() % 30 == 0 ? "C" : "") + std::to_string(500000 + row / 3);
    std::string description = random() % 10 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "plain " + std::to_string(random() % 50);
    int day = 1 + static_cast<int>(random() % 28);
    int month = 1 + static_cast<int>(random() % 12);
    std::string customer = random() % 8 == 0 ? "" : std::to_string(12000 + random() % 200);
    std::string line = invoice + ",S," + description + "," + std::to_string(static_cast<int>(random() % 12) - 1) +
                       "," + std::to_string(month) + "/" + std::to_string(day) + "/2011 10:0" +
                       std::to_string(random() % 10) + "," + std::to_string(random() % 500 / 100.0) + "," +
                       customer + ",UK" + (random() % 100 == 0 ? ",extra" : "") + "\n";
    log += line;
    previous = line;
  }
  return log;
}

}  // namespace

TEST_CASE("1, 2 and 4 threads, large and tiny blocks: identical results", "[ingest][determinism]") {
  std::string log = SyntheticLog(30000, 42);
  IngestOptions reference_options;
  reference_options.threads = 1;
  IngestResult reference = IngestString(log, reference_options);
  CHECK(reference.report.rows_read == reference.report.rows_accepted + reference.report.rejected_total());
  CHECK(reference.report.rows_accepted > 10000);
  CHECK(reference.report.rejected[static_cast<int>(RejectReason::kDuplicate)] > 0);
  CHECK(reference.report.rejected[static_cast<int>(RejectReason::kMalformedRow)] > 0);
  for (int threads : {1, 2, 4}) {
    for (int64_t block_bytes : {int64_t{4096}, int64_t{65536}, int64_t{4} << 20}) {
      IngestOptions options;
      options.threads = threads;
      options.block_bytes = block_bytes;
      INFO("threads " << threads << ", block " << block_bytes);
      RequireSameResult(reference, IngestString(log, options));
    }
  }
}

TEST_CASE("line numbers count the lines of quoted multi-line fields", "[ingest][determinism]") {
  std::string log = SyntheticLog(3000, 9);
  IngestResult result = IngestString(log);
  // Check each accepted row's line against the text: the line must start with its invoice.
  std::vector<size_t> line_start = {0, 0};
  for (size_t offset = 0; offset < log.size(); ++offset) {
    if (log[offset] == '\n') line_start.push_back(offset + 1);
  }
  const Transactions& table = result.transactions;
  for (size_t row = 0; row < table.size(); row += 37) {
    std::string expected = table.invoice_ids[table.invoice[row]] + ",";
    CHECK(log.compare(line_start[table.line[row]], expected.size(), expected) == 0);
  }
}
