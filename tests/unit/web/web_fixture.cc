#include "unit/web/web_fixture.h"

#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "segcast/pipeline.h"

namespace segcast::testing {
namespace {

namespace fs = std::filesystem;

RunOptions SampleOptions(const fs::path& output_dir) {
  RunOptions options;
  options.ingest.path = std::string(SEGCAST_SOURCE_DIR) + "/data/online_retail_sample.csv.gz";
  options.output_dir = output_dir.string();
  options.store = "sqlite:" + (output_dir / "segcast.db").string();
  options.k = 3;
  options.run_backtest = false;
  options.threads = 2;
  options.seed = 7;
  return options;
}

struct OwnedFixture {
  WebFixture fixture;
  ~OwnedFixture() {
    std::error_code error;
    fs::remove_all(fixture.output_dir, error);
  }
};

}  // namespace

const WebFixture& SampleRuns() {
  static const std::unique_ptr<OwnedFixture> owned = [] {
    auto result = std::make_unique<OwnedFixture>();
    WebFixture& fixture = result->fixture;
    fixture.output_dir = fs::temp_directory_path() / ("segcast_web_test_" + std::to_string(getpid()));
    fs::remove_all(fixture.output_dir);
    RunOptions first = SampleOptions(fixture.output_dir);
    first.panel.as_of = *ParseIsoDay("2011-09-01");
    fixture.first_run = RunPipeline(first).run_id;
    RunOptions second = SampleOptions(fixture.output_dir);
    second.previous = (fixture.output_dir / "models" / fixture.first_run).string();
    second.run_backtest = true;  // the dashboard shows the run's cohort backtest
    fixture.second_run = RunPipeline(second).run_id;
    fixture.store = first.store;
    return result;
  }();
  return owned->fixture;
}

std::vector<std::map<std::string, std::string>> ParseCsvText(const std::string& text) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t position = 0; position < text.size(); ++position) {
    const char c = text[position];
    if (quoted) {
      if (c == '"' && position + 1 < text.size() && text[position + 1] == '"') {
        field += '"';
        ++position;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      records.back().push_back(field);
      field.clear();
      records.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !records.back().empty()) records.back().push_back(field);
  if (records.back().empty()) records.pop_back();
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t record = 1; record < records.size(); ++record) {
    std::map<std::string, std::string> row;
    for (size_t column = 0; column < records[0].size() && column < records[record].size(); ++column) {
      row[records[0][column]] = records[record][column];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::map<std::string, std::string>> ReadCsvRows(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseCsvText(text.str());
}

nlohmann::json ParseJson(const std::string& body) { return nlohmann::json::parse(body); }

}  // namespace segcast::testing
