// The KPMG tables (../shared/data): demographics and addresses joined, their mixes per segment.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "segcast/pipeline.h"
#include "support/shared_data.h"

namespace fs = std::filesystem;
using namespace segcast;

TEST_CASE("KPMG: each segment reports its wealth, gender and state mix, and no personal columns",
          "[pipeline][shared]") {
  const fs::path out =
      fs::temp_directory_path() / ("segcast-kpmg-" + std::to_string(::getpid()));
  fs::remove_all(out);
  RunOptions options;
  options.ingest.path = testing::SharedDataPath("kpmg_transactions.csv.gz").string();
  options.ingest.demographics_path = testing::SharedDataPath("kpmg_customer_demographic.csv.gz").string();
  options.ingest.addresses_path = testing::SharedDataPath("kpmg_customer_address.csv.gz").string();
  options.output_dir = out.string();
  options.k = 4;
  options.forecast.samples = 200;
  const RunResult result = RunPipeline(options);

  // 20,000 rows, 179 cancelled; 3,494 customers of whom one has only a cancelled order before the
  // as-of date or none at all after cleaning.
  CHECK(result.ingest.rows_read == 20000);
  CHECK(result.ingest.rows_read == result.ingest.rows_accepted + result.ingest.rejected_total());
  REQUIRE(result.report.segments.size() == 4);
  for (const SegmentSummary& segment : result.report.segments) {
    std::vector<std::string> columns;
    for (const AttributeMix& mix : segment.mixes) columns.push_back(mix.column);
    INFO("segment " << segment.segment_id);
    CHECK(std::find(columns.begin(), columns.end(), "wealth_segment") != columns.end());
    CHECK(std::find(columns.begin(), columns.end(), "gender") != columns.end());
    CHECK(std::find(columns.begin(), columns.end(), "state") != columns.end());
    CHECK(std::find(columns.begin(), columns.end(), "first_name") == columns.end());
    CHECK(std::find(columns.begin(), columns.end(), "address") == columns.end());
    CHECK(std::find(columns.begin(), columns.end(), "DOB") == columns.end());
    // The addresses' country is Australia for every customer: a constant says nothing.
    CHECK(std::find(columns.begin(), columns.end(), "country") == columns.end());
    // A record flag, not an attribute (models/personas.toml [mix] exclude).
    CHECK(std::find(columns.begin(), columns.end(), "deceased_indicator") == columns.end());
    for (const AttributeMix& mix : segment.mixes) {
      if (mix.column != "gender" && mix.column != "state") continue;
      // F, Femal and Female are one value; NSW and New South Wales too.
      for (const MixEntry& entry : mix.entries) {
        CHECK(entry.value != "F");
        CHECK(entry.value != "Femal");
        CHECK(entry.value != "NSW");
        CHECK(entry.value != "VIC");
      }
    }
  }
  REQUIRE(result.report.mix_differences.size() == result.report.segments[0].mixes.size());
  CHECK_FALSE(result.report.mix_statement.empty());
  std::ifstream report(fs::path(result.run_dir) / "report.md");
  std::stringstream text;
  text << report.rdbuf();
  CHECK(text.str().find("wealth_segment: ") != std::string::npos);
  CHECK(text.str().find("state: New South Wales") != std::string::npos);
  CHECK(text.str().find(result.report.mix_statement) != std::string::npos);
  fs::remove_all(out);
}
