// The ingest's date options (docs/ingest.md, "Dates") from a run config, and in the manifest.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "segcast/run_option_table.h"
#include "segcast/error.h"
#include "segcast/pipeline.h"

using namespace segcast;
namespace fs = std::filesystem;

TEST_CASE("run configs: date_order and latest_date, read and recorded in the manifest's options",
          "[pipeline][config][dates]") {
  const fs::path dir =
      fs::temp_directory_path() / ("segcast_date_options_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path config = dir / "run.toml";
  std::ofstream(config)
      << "[input]\npath = \"orders.csv\"\ndate_order = \"dmy\"\nlatest_date = \"2011-12-31\"\n";
  RunOptions options;
  LoadRunConfig(config.string(), options);
  CHECK(options.ingest.date_order == DateOrder::kDayFirst);
  REQUIRE(options.ingest.latest_day.has_value());
  CHECK(*options.ingest.latest_day == DayFromCivil(2011, 12, 31));
  const nlohmann::json recorded = nlohmann::json::parse(RunOptionsJson(options));
  CHECK(recorded["input"]["date_order"] == "dmy");
  CHECK(recorded["input"]["latest_date"] == "2011-12-31");
  // Defaults: decided from the file, and the clock's tomorrow (recorded as "").
  const nlohmann::json defaults = nlohmann::json::parse(RunOptionsJson(RunOptions{}));
  CHECK(defaults["input"]["date_order"] == "auto");
  CHECK(defaults["input"]["latest_date"] == "");

  for (const char* bad :
       {"date_order = \"yyyy\"", "date_order = 3", "latest_date = \"2011-02-30\""}) {
    std::ofstream(config) << "[input]\npath = \"orders.csv\"\n" << bad << "\n";
    RunOptions refused;
    try {
      LoadRunConfig(config.string(), refused);
      FAIL(std::string("accepted: ") + bad);
    } catch (const ConfigError& error) {
      CHECK(error.location().line == 3);
      CHECK(error.location().field ==
            std::string("input.") + std::string(bad).substr(0, std::string(bad).find(' ')));
    }
  }
  fs::remove_all(dir);
}
