// A run with a joined per-customer table (as KPMG's demographics): the dashboard's re-clustering
// breaks its segments down by the same columns as the run's own segments, and says why when the
// table is gone; the persona's description and recommended action pass through to the answer.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "segcast/dashboard.h"
#include "segcast/pipeline.h"
#include "unit/web/web_fixture.h"

namespace segcast {
namespace {

namespace fs = std::filesystem;
using testing::ParseJson;
using testing::ReadCsvRows;
using testing::SampleRuns;

// A made-up tier per customer of the sample, from the sum of the id's characters (the sample's
// ids all end in 0): three values, every customer matched, so each segment's tier mix sums to its
// customers.
std::string TierOf(const std::string& id) {
  int sum = 0;
  for (const char c : id) sum += c;
  return sum % 3 == 0 ? "gold" : (sum % 3 == 1 ? "silver" : "bronze");
}

struct JoinedRun {
  fs::path dir;
  fs::path table;
  std::string run_id;
  ~JoinedRun() {
    std::error_code error;
    fs::remove_all(dir, error);
  }
};

const JoinedRun& SampleWithTiers() {
  static const std::unique_ptr<JoinedRun> run = [] {
    auto result = std::make_unique<JoinedRun>();
    result->dir = fs::temp_directory_path() / ("segcast_web_joined_" + std::to_string(getpid()));
    fs::remove_all(result->dir);
    fs::create_directories(result->dir);
    result->table = result->dir / "tiers.csv";
    std::ofstream table(result->table);
    table << "customer_id,tier\n";
    for (const auto& row : ReadCsvRows(SampleRuns().output_dir / "runs" / SampleRuns().second_run / "rfm.csv"))
      table << row.at("customer_id") << "," << TierOf(row.at("customer_id")) << "\n";
    table.close();
    RunOptions options;
    options.ingest.path = std::string(SEGCAST_SOURCE_DIR) + "/data/online_retail_sample.csv.gz";
    options.ingest.demographics_path = result->table.string();
    options.output_dir = (result->dir / "out").string();
    options.store = "none";
    options.k = 3;
    options.run_backtest = false;
    options.threads = 2;
    options.seed = 7;
    result->run_id = RunPipeline(options).run_id;
    return result;
  }();
  return *run;
}

nlohmann::json Get(const Dashboard& dashboard, const std::string& path,
                   const std::multimap<std::string, std::string>& query = {}) {
  const ApiResponse answer = dashboard.Get(path, query);
  INFO(path << " -> " << answer.body.substr(0, 300));
  REQUIRE(answer.status == 200);
  return ParseJson(answer.body);
}

Dashboard Open(const JoinedRun& run) {
  DashboardOptions options;
  options.output_dir = (run.dir / "out").string();
  options.threads = 2;
  return Dashboard(options);
}

}  // namespace

TEST_CASE("a re-clustering breaks its segments down by the run's joined columns", "[web][mix]") {
  const JoinedRun& run = SampleWithTiers();
  const Dashboard dashboard = Open(run);
  const auto own = Get(dashboard, "/api/runs/latest/segments");
  REQUIRE(own["segments"][0]["mix"].contains("tier"));
  // The run's own k and metric again: the same partition, so the same mixes, column by column.
  const auto again = Get(dashboard, "/api/runs/latest/segments", {{"k", "3"}, {"metric", "dtw"}});
  CHECK(again["mix_note"].is_null());
  REQUIRE(again["segments"].size() == own["segments"].size());
  for (size_t segment = 0; segment < own["segments"].size(); ++segment)
    CHECK(again["segments"][segment]["mix"] == own["segments"][segment]["mix"]);
  // Another k: every segment's tier mix counts each of its customers once.
  const auto five = Get(dashboard, "/api/runs/latest/segments", {{"k", "5"}, {"metric", "dtw"}});
  for (const auto& segment : five["segments"]) {
    REQUIRE(segment["mix"].contains("tier"));
    int64_t counted = 0;
    for (const auto& entry : segment["mix"]["tier"]) {
      CHECK((entry["value"] == "gold" || entry["value"] == "silver" || entry["value"] == "bronze"));
      counted += entry["customers"].get<int64_t>();
    }
    CHECK(counted == segment["customers"].get<int64_t>());
  }
  // The run's personas are described in words.
  for (const auto& segment : own["segments"]) CHECK(!segment["description"].get<std::string>().empty());
}

TEST_CASE("a joined table changed since the run is not used, and the answer says why", "[web][mix]") {
  const JoinedRun& run = SampleWithTiers();
  const fs::path saved = run.dir / "tiers.saved";
  fs::copy_file(run.table, saved, fs::copy_options::overwrite_existing);
  std::ofstream(run.table, std::ios::app) << "no-such-customer,gold\n";
  const Dashboard dashboard = Open(run);
  const auto answer = Get(dashboard, "/api/runs/latest/segments", {{"k", "4"}, {"metric", "dtw"}});
  fs::copy_file(saved, run.table, fs::copy_options::overwrite_existing);
  REQUIRE(answer["mix_note"].is_string());
  CHECK(answer["mix_note"].get<std::string>().find("changed since the run") != std::string::npos);
  CHECK(answer["mix_note"].get<std::string>().find("tier") != std::string::npos);
  CHECK_FALSE(answer["segments"][0]["mix"].contains("tier"));
}

TEST_CASE("a segment's recommended action is passed through when the run wrote one", "[web][mix]") {
  const JoinedRun& run = SampleWithTiers();
  const fs::path segments_file = run.dir / "out" / "runs" / run.run_id / "segments.json";
  std::ifstream in(segments_file);
  nlohmann::json segments = nlohmann::json::parse(in);
  in.close();
  const bool had_action = segments["segments"][0].contains("action");
  {
    const Dashboard dashboard = Open(run);
    const auto answer = Get(dashboard, "/api/runs/latest/segments");
    if (!had_action) CHECK(answer["segments"][0]["action"].is_null());
  }
  segments["segments"][0]["action"] = {{"name", "Win back"}, {"why", "R rose from 20 to 95 days"}};
  std::ofstream(segments_file) << segments.dump();
  const Dashboard dashboard = Open(run);
  const auto answer = Get(dashboard, "/api/runs/latest/segments");
  const int first = segments["segments"][0]["segment"].get<int>();
  for (const auto& segment : answer["segments"]) {
    if (segment["segment_id"] != first) continue;
    CHECK(segment["action"]["name"] == "Win back");
    CHECK(segment["action"]["why"] == "R rose from 20 to 95 days");
  }
}

}  // namespace segcast
