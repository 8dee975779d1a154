// A plain file is read into 2 MiB pages ahead of the parsers, and the pages behind the merge are
// given back (made inaccessible) as it goes. These tests read files of many such pages, with
// records whose quoted fields span several pages and many block cuts, and compare every column,
// line and reject with the same text read from memory: a page given back too early would make
// the re-parse of an open record fault. They also check that a file cut short while it is being
// read gives an error naming it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

#include "ingest/byte_source.h"
#include "ingest_test_util.h"
#include "same_result.h"
#include "segcast/error.h"

using namespace segcast;
using segcast::testing::IngestString;
using segcast::testing::RequireSameResult;
using segcast::testing::TempFile;

namespace {

constexpr size_t kPage = size_t{2} << 20;

// About `bytes` of Online Retail rows; every 400th row's description is a quoted field of
// `long_field` bytes holding line breaks and commas, so that records stay open across many cuts.
std::string LongLog(size_t bytes, size_t long_field, uint32_t seed) {
  std::mt19937 random(seed);
  std::string log = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  for (int row = 0; log.size() < bytes; ++row) {
    std::string description = "PLAIN " + std::to_string(random() % 1000);
    if (row % 400 == 7) {
      description = "\"";
      while (description.size() < long_field) description += random() % 3 == 0 ? "\n,\n" : "x,y\"\"z ";
      description += "\"";
    }
    log += std::to_string(536365 + row / 4) + ",S" + std::to_string(row % 11) + "," + description + "," +
           std::to_string(1 + random() % 9) + ",12/" + std::to_string(1 + random() % 28) + "/2010 9:15,2.5," +
           (random() % 7 == 0 ? "" : std::to_string(12000 + random() % 300)) + ",France\n";
  }
  return log;
}

}  // namespace

TEST_CASE("a file of many 2 MiB pages, records open across pages: same result as from memory", "[ingest][loaded]") {
  // 9 MB, with quoted fields of 2.5 MB (longer than a page) and of 300 KB, in 64 KiB blocks.
  for (size_t long_field : {size_t{2500000}, size_t{300000}}) {
    const std::string log = LongLog(9 * 1000 * 1000, long_field, static_cast<uint32_t>(long_field));
    REQUIRE(log.size() > 4 * kPage);
    const IngestResult reference = IngestString(log);
    REQUIRE(reference.report.rows_accepted > 1000);
    TempFile plain("loaded.csv", log);
    IngestOptions options;
    options.path = plain.path();
    options.collect_rejects = true;
    for (int64_t block_bytes : {int64_t{64} << 10, int64_t{4} << 20}) {
      for (int threads : {1, 2, 3}) {
        options.block_bytes = block_bytes;
        options.threads = threads;
        RequireSameResult(Ingest(options), reference);
      }
    }
  }
}

TEST_CASE("a plain file is read page by page: Prepare, Release and Read see the file's bytes", "[ingest][loaded]") {
  std::string text(5 * kPage + 12345, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  TempFile plain("pages.csv", text);
  auto source = internal::OpenByteSource(plain.path());
  const std::string_view whole = source->Whole();
  REQUIRE(whole.size() == text.size());
  source->Prepare(kPage + 1);  // two whole pages are read
  CHECK(source->consumed() == static_cast<int64_t>(2 * kPage));
  CHECK(whole.substr(0, 2 * kPage) == std::string_view(text).substr(0, 2 * kPage));
  source->Release(kPage + 100);  // the first page is given back; the second stays readable
  CHECK(whole.substr(kPage, kPage) == std::string_view(text).substr(kPage, kPage));
  source->Prepare(whole.size());
  CHECK(source->consumed() == static_cast<int64_t>(text.size()));
  CHECK(whole.substr(2 * kPage) == std::string_view(text).substr(2 * kPage));
  // Read() goes through the same pages.
  auto again = internal::OpenByteSource(plain.path());
  CHECK(internal::ReadAll(*again) == text);
}

TEST_CASE("a plain file cut short while it is read: an error naming the file", "[ingest][loaded]") {
  TempFile plain("shrinking.csv", std::string(3 * kPage, 'x'));
  auto source = internal::OpenByteSource(plain.path());
  source->Prepare(1);
  std::filesystem::resize_file(plain.path(), kPage + kPage / 2);
  try {
    source->Prepare(3 * kPage);
    FAIL("no error for a file that became shorter");
  } catch (const InputError& error) {
    const std::string message = error.what();
    CHECK(message.find(plain.path()) != std::string::npos);
    CHECK(message.find("became shorter while it was read: 3145728 of 6291456 bytes") != std::string::npos);
  }
}
