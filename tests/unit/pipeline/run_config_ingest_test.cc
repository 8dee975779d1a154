// The run configuration's ingest keys ([input] duplicates, net_cancellations,
// normalise_customer_ids) reach IngestOptions and the manifest's options.
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

TEST_CASE("run configs: the ingest row options and their manifest entries", "[pipeline][config]") {
  const fs::path dir = fs::temp_directory_path() / ("segcast_config_ingest_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path config = dir / "run.toml";

  RunOptions defaults;
  nlohmann::json manifest = nlohmann::json::parse(RunOptionsJson(defaults));
  CHECK(manifest["input"]["duplicates"] == "auto");
  CHECK(manifest["input"]["net_cancellations"] == false);
  CHECK(manifest["input"]["normalise_customer_ids"] == false);

  std::ofstream(config) << "[input]\npath = \"a.csv\"\nduplicates = \"keep\"\nnet_cancellations = true\n"
                           "normalise_customer_ids = true\n";
  RunOptions options;
  LoadRunConfig(config.string(), options);
  CHECK(options.ingest.duplicates == DuplicateRule::kKeep);
  CHECK(options.ingest.net_cancellations);
  CHECK(options.ingest.normalise_customer_ids);
  manifest = nlohmann::json::parse(RunOptionsJson(options));
  CHECK(manifest["input"]["duplicates"] == "keep");
  CHECK(manifest["input"]["net_cancellations"] == true);
  CHECK(manifest["input"]["normalise_customer_ids"] == true);

  std::ofstream(config) << "[input]\npath = \"a.csv\"\nduplicates = \"sometimes\"\n";
  try {
    LoadRunConfig(config.string(), options);
    FAIL("an unknown duplicate rule was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().line == 3);
    CHECK(error.location().field == "input.duplicates");
  }
  std::ofstream(config) << "[input]\nnet_cancellations = \"yes\"\n";
  CHECK_THROWS_AS(LoadRunConfig(config.string(), options), ConfigError);
  fs::remove_all(dir);
}
