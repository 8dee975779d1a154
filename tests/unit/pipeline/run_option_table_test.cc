// RunOptionTable: each option read and written through one description (TOML, flags, manifest,
// dashboard, docs/options.md), and a manifest that re-creates the options of its run.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "segcast/error.h"
#include "segcast/pipeline.h"
#include "segcast/run_option_table.h"

using namespace segcast;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("segcast_option_table_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// A configuration that moves an option of every section off its default.
constexpr const char* kChangedConfig = R"([input]
path = "/data/orders.csv"
schema = "generic"
columns = "customer=client,date=day,amount=total"
join_key = "client"
duplicates = "keep"
date_order = "dmy"
latest_date = "2012-01-31"
as_of = "2011-12-01"
window = 18
pre_acquisition = "zero"

[cluster]
k_range = "3..5"
metric = "euclidean"
band = 2
scaling = "znorm"
log1p = false
max_iter = 20
n_init = 3
silhouette_sample = 500
memory_budget_mib = 64
k_tolerance = 0.05
min_segment_share = 0.02
sweep_sample = 0

[personas]
rules = "/rules/personas.toml"
mix_columns = ["gender", "state"]

[forecast]
segment_model = "series"
horizon = 9
interval = 0.9
interval_scale = 1.5
samples = 400
calibrate = true
theta_weight = 0.3
damping = 0.9
yearly = "off"

[customer_base]
holdout_months = 2
rate_adjustment = "segment"
new_customers = false
clv_months = 24
monthly_discount = 0.02

[output]
dir = "/results"
store = "none"
write_panel = false

[run]
id = "december"
previous = "november"
seed = 42
threads = 2
)";

RunOptions LoadText(const TempDir& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir.path / name;
  std::ofstream(path) << text;
  RunOptions options;
  LoadRunConfig(path.string(), options);
  return options;
}

}  // namespace

TEST_CASE("option table: one entry per key and per flag, every default read back by its setter",
          "[pipeline][options]") {
  std::set<std::string> names, flags;
  const RunOptions defaults;
  for (const RunOptionSpec& spec : RunOptionTable()) {
    CHECK(names.insert(spec.Name()).second);
    if (!spec.LongFlag().empty()) CHECK(flags.insert(spec.LongFlag()).second);
    RunOptions copy;
    spec.set(copy, spec.get(defaults));
    CHECK(OptionValueText(spec.get(copy)) == OptionValueText(spec.get(defaults)));
  }
  // Every section of a TOML config, and as many options as the manifest used to record and more.
  CHECK(RunOptionSections() ==
        std::vector<std::string>{"input", "cluster", "personas", "forecast", "customer_base", "output", "run"});
  CHECK(RunOptionTable().size() >= 60);
}

TEST_CASE("option table: a TOML config reaches RunOptions, and the manifest's options re-create them",
          "[pipeline][options]") {
  TempDir dir;
  const RunOptions options = LoadText(dir, "changed.toml", kChangedConfig);
  // Hand-checked fields, including the ones a key sets indirectly.
  CHECK(options.ingest.schema == SchemaPreset::kGeneric);
  CHECK(options.ingest.mapping.customer == "client");
  CHECK(options.ingest.mapping.amount == "total");
  CHECK(options.k == 0);
  CHECK(options.k_min == 3);
  CHECK(options.k_max == 5);
  CHECK(options.cluster.band.radius == 2);
  CHECK_FALSE(options.scale.log1p_frequency_monetary);
  CHECK(options.silhouette.memory_budget_bytes == 64 * 1024 * 1024);
  CHECK(options.forecast.interval_scale_h1 == Approx(ForecastOptions{}.interval_scale_h1 * 1.5));
  CHECK(options.forecast.interval_scale_slope == Approx(ForecastOptions{}.interval_scale_slope * 1.5));
  CHECK(options.forecast.yearly == Toggle::kOff);
  CHECK(options.forecast.trend_damping == 0.9);
  CHECK(options.customer_base.customer_base.clv_months == 24);
  CHECK_FALSE(options.customer_base.new_customers);
  CHECK(options.mix_columns == std::vector<std::string>{"gender", "state"});
  CHECK(options.seed == 42);
  CHECK(options.threads == 2);
  CHECK(options.run_id == "december");

  const std::string recorded = RunOptionsJson(options);
  const nlohmann::json manifest = nlohmann::json::parse(recorded);
  CHECK(manifest["cluster"]["k_range"] == "3..5");
  CHECK(manifest["input"]["columns"] == "customer=client,date=day,amount=total");
  CHECK(manifest["forecast"]["interval_scale"].get<double>() == Approx(1.5));
  CHECK_FALSE(manifest["run"].contains("threads"));  // no output depends on it

  // The manifest's options as the configuration of a new run: the same options.
  RunOptions replayed;
  ApplyRunOptionsJson(recorded, "manifest.json", replayed);
  CHECK(RunOptionsJson(replayed) == recorded);
  // And as TOML (segcast options writes this form).
  const RunOptions from_toml = LoadText(dir, "written.toml", RunOptionsToml(options));
  CHECK(RunOptionsJson(from_toml) == recorded);
  CHECK(from_toml.threads == 2);
  // A whole manifest file is a configuration too.
  const fs::path manifest_file = dir.path / "manifest.json";
  std::ofstream(manifest_file) << nlohmann::json{{"run_id", "december"}, {"options", manifest}}.dump(2);
  RunOptions from_manifest;
  LoadRunConfig(manifest_file.string(), from_manifest);
  CHECK(RunOptionsJson(from_manifest) == recorded);
}

TEST_CASE("option table: manifests written before the table still read", "[pipeline][options]") {
  // The layout of the manifest's options until this version (sections panel and scale).
  const char* old_layout = R"({"input": {"path": "a.csv", "join_key": "customer_id"},
    "panel": {"as_of": "2011-12-10", "window": 12, "pre_acquisition": "zero"},
    "scale": {"scaling": "znorm", "log1p_frequency_monetary": false},
    "cluster": {"k": 4, "k_min": 2, "k_max": 6, "metric": "dtw", "band_radius": 3, "band_fraction": 0,
                "max_iter": 50, "tol": 1e-06, "n_init": 1},
    "personas": {"rules": "built-in"},
    "forecast": {"horizon": 6, "interval_scale_h1": 1.8, "interval_scale_slope": 0.034,
                 "calibrate_intervals": false},
    "output": {"dir": "out", "store": "default", "previous": "2011-11-10", "run_id": ""},
    "seed": 7})";
  RunOptions options;
  ApplyRunOptionsJson(old_layout, "manifest.json", options);
  CHECK(options.panel.window == 12);
  CHECK(options.panel.pre_acquisition == PreAcquisition::kZero);
  CHECK(options.scale.scaling == PanelScaling::kZNormalize);
  CHECK_FALSE(options.scale.log1p_frequency_monetary);
  CHECK(options.cluster.band.radius == 3);
  CHECK(options.k == 4);
  CHECK(options.k_max == 6);
  CHECK(options.forecast.interval_scale_h1 == Approx(1.8));
  CHECK(options.previous == "2011-11-10");
  CHECK(options.seed == 7);
  CHECK(options.persona_rules_path.empty());
}

TEST_CASE("option table: unknown keys and wrong types name the key", "[pipeline][options]") {
  RunOptions options;
  try {
    ApplyRunOptionsJson(R"({"cluster": {"bnad": 3}})", "m.json", options);
    FAIL("an unknown key was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().field == "cluster.bnad");
    CHECK(error.location().file == "m.json");
  }
  try {
    ApplyRunOptionsJson(R"({"cluster": {"band": "wide"}})", "m.json", options);
    FAIL("a string band was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().field == "cluster.band");
    CHECK(error.message() == "wrong type");
  }
  TempDir dir;
  try {
    LoadText(dir, "bad.toml", "[run]\nseed = -1\n");
    FAIL("a negative seed was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().field == "run.seed");
    CHECK(error.location().line == 2);
    CHECK(error.message() == "out of range");
  }
  CHECK_THROWS_AS(LoadText(dir, "bad2.toml", "[input]\nschema = \"kpmg\"\ncolumns = \"customer=a,date=b,amount=c\"\n"),
                  ConfigError);
}

TEST_CASE("option table: docs/options.md is the table's reference", "[pipeline][options]") {
  std::ifstream file(std::string(SEGCAST_SOURCE_DIR) + "/docs/options.md");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  // Regenerate with: segcast options --markdown
  CHECK(text.str().find(RunOptionsMarkdown()) != std::string::npos);
}
