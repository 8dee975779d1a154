#include "segcast/model.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "segcast/error.h"

using namespace segcast;
namespace fs = std::filesystem;

namespace {

fs::path TemporaryDirectory(const std::string& name) {
  fs::path path =
      fs::temp_directory_path() / ("segcast_model_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(path);
  return path;
}

SavedModel ExampleModel() {
  SavedModel model;
  model.run_id = "2011-12-10";
  model.as_of = "2011-12-10";
  model.options.metric = "dtw";
  model.options.band = 2;
  model.options.k = 2;
  model.options.window = 12;
  model.options.scaling = "feature-minmax";
  model.scaler.method = "feature-minmax";
  model.scaler.log1p = {false, false, true, true};
  model.scaler.center = {300.5, 90.25, 0.1, 4.75};
  model.scaler.scale = {120.0, 60.0, 0.5, 1.25};
  ModelCentroid first{3, "Champions", "F is high", 2, {0.1, -0.2, 1.5, 2.25, 0.2, -0.3, 1.4, 2.5}};
  ModelCentroid second{
      7, "Lost", "R is above 2x", 3, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1.0 / 3.0}};
  model.centroids = {first, second};
  return model;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

ConfigError LoadError(const fs::path& directory) {
  try {
    LoadModel(directory);
  } catch (const ConfigError& error) {
    return error;
  }
  FAIL("LoadModel accepted a bad model");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a saved model loads back identical", "[segments][model]") {
  const fs::path directory = TemporaryDirectory("roundtrip") / "models" / "run1";
  SavedModel model = ExampleModel();
  SaveModel(model, directory);
  REQUIRE(fs::exists(directory / "model.json"));
  // Only the model file: the temporary file was renamed into place.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);

  SavedModel loaded = LoadModel(directory);
  CHECK(loaded.format_version == kModelFormatVersion);
  CHECK(loaded.segcast_version.find('.') != std::string::npos);  // filled by SaveModel
  CHECK(loaded.run_id == model.run_id);
  CHECK(loaded.as_of == model.as_of);
  CHECK(loaded.options.metric == "dtw");
  CHECK(loaded.options.band == 2);
  CHECK(loaded.options.k == 2);
  CHECK(loaded.options.window == 12);
  CHECK(loaded.options.scaling == "feature-minmax");
  CHECK(loaded.options.pre_acquisition == "absent");
  CHECK(loaded.scaler.method == "feature-minmax");
  CHECK_FALSE(loaded.scaler.per_series);
  CHECK(loaded.scaler.log1p == model.scaler.log1p);
  CHECK(loaded.scaler.center == model.scaler.center);
  CHECK(loaded.scaler.scale == model.scaler.scale);
  REQUIRE(loaded.centroids.size() == 2);
  for (size_t index = 0; index < 2; ++index) {
    CHECK(loaded.centroids[index].segment_id == model.centroids[index].segment_id);
    CHECK(loaded.centroids[index].name == model.centroids[index].name);
    CHECK(loaded.centroids[index].evidence == model.centroids[index].evidence);
    CHECK(loaded.centroids[index].months == model.centroids[index].months);
    CHECK(loaded.centroids[index].values == model.centroids[index].values);  // bit-exact
  }
  // Loading the file path directly works too, and saving again replaces the model.
  CHECK(LoadModel(directory / "model.json").centroids.size() == 2);
  model.run_id = "second";
  SaveModel(model, directory);
  CHECK(LoadModel(directory).run_id == "second");
  fs::remove_all(TemporaryDirectory("roundtrip"));
}

TEST_CASE("loading checks the format version and shapes", "[segments][model]") {
  const fs::path directory = TemporaryDirectory("bad");
  SaveModel(ExampleModel(), directory);
  const std::string good = ReadText(directory / "model.json");

  WriteText(directory / "model.json",
            Replace(good, "\"format_version\": 1", "\"format_version\": 2"));
  ConfigError version = LoadError(directory);
  CHECK(version.location().field == "format_version");
  CHECK(version.message().find("model format 2") == 0);
  CHECK(version.location().file == (directory / "model.json").string());

  WriteText(directory / "model.json", Replace(good, "\"k\": 2", "\"k\": 3"));
  CHECK(LoadError(directory).location().field == "centroids");

  WriteText(directory / "model.json", Replace(good, "\"months\": 3", "\"months\": 4"));
  CHECK(LoadError(directory).location().field == "centroids[1].values");

  WriteText(directory / "model.json", Replace(good, "\"band\": 2,", ""));
  CHECK(LoadError(directory).location().field == "options.band");

  WriteText(directory / "model.json", Replace(good, "120.0", "-1.0"));
  CHECK(LoadError(directory).location().field == "scaler.scale[0]");

  WriteText(directory / "model.json", Replace(good, "\"segment_id\": 7", "\"segment_id\": 3"));
  CHECK(LoadError(directory).location().field == "centroids[1].segment_id");

  WriteText(directory / "model.json", "{ not json");
  CHECK_THROWS_AS(LoadModel(directory), ConfigError);

  CHECK_THROWS_AS(LoadModel(directory / "missing"), InputError);
  fs::remove_all(directory);
}

TEST_CASE("an invalid model is not written", "[segments][model]") {
  const fs::path directory = TemporaryDirectory("invalid");
  SavedModel model = ExampleModel();
  model.options.k = 5;
  CHECK_THROWS_AS(SaveModel(model, directory), InvalidArgument);
  CHECK_FALSE(fs::exists(directory / "model.json"));
  model = ExampleModel();
  model.centroids[0].values.pop_back();
  CHECK_THROWS_AS(ValidateModel(model), InvalidArgument);
  model = ExampleModel();
  model.options.metric = "cosine";
  CHECK_THROWS_AS(ValidateModel(model), InvalidArgument);
}

TEST_CASE("ApplyScaler follows the documented formula", "[segments][model]") {
  ScalerParameters scaler = ExampleModel().scaler;
  const double series[8] = {420.5, 30.25, 0.0, std::exp(2.0) - 1.0, 300.5, 90.25, 1.0, 0.0};
  std::vector<double> scaled = ApplyScaler(scaler, series, 2);
  REQUIRE(scaled.size() == 8);
  CHECK(scaled[0] == Approx(1.0));                  // (420.5 - 300.5) / 120
  CHECK(scaled[1] == Approx(-1.0));                 // (30.25 - 90.25) / 60
  CHECK(scaled[2] == Approx(-0.2));                 // (log1p(0) - 0.1) / 0.5
  CHECK(scaled[3] == Approx((2.0 - 4.75) / 1.25));  // log1p(e^2 - 1) = 2
  CHECK(scaled[4] == Approx(0.0));
  CHECK(scaled[6] == Approx((std::log(2.0) - 0.1) / 0.5));
  const double negative[4] = {0, 0, 0, -(std::exp(1.0) - 1.0)};
  CHECK(ApplyScaler(scaler, negative, 1)[3] == Approx((-1.0 - 4.75) / 1.25));
  scaler.per_series = true;
  CHECK_THROWS_AS(ApplyScaler(scaler, series, 2), InvalidArgument);
}

TEST_CASE("a per-series scaler round-trips", "[segments][model]") {
  const fs::path directory = TemporaryDirectory("per_series");
  SavedModel model = ExampleModel();
  model.options.scaling = "znorm";
  model.scaler.method = "znorm";
  model.scaler.per_series = true;
  model.scaler.center = {0, 0, 0, 0};
  model.scaler.scale = {1, 1, 1, 1};
  SaveModel(model, directory);
  SavedModel loaded = LoadModel(directory);
  CHECK(loaded.scaler.per_series);
  CHECK(loaded.scaler.method == "znorm");
  fs::remove_all(directory);
}

TEST_CASE("a model whose scaler does not match its scaling option is refused", "[segments][model]") {
  const fs::path directory = TemporaryDirectory("scaler_mismatch");
  SaveModel(ExampleModel(), directory);
  const std::string good = ReadText(directory / "model.json");

  // The scaler was fitted by feature-minmax, the option says znorm: assign would scale each
  // customer's series on its own and ignore the fitted figures.
  WriteText(directory / "model.json",
            Replace(good, "\"scaling\": \"feature-minmax\"", "\"scaling\": \"znorm\""));
  ConfigError method = LoadError(directory);
  CHECK(method.location().field == "scaler.method");
  CHECK(method.message().find("the model's scaler is 'feature-minmax' but its option scaling is 'znorm'") == 0);

  // Both say none, but the scaler holds min-max figures: not the identity that "none" means.
  std::string none = Replace(good, "\"scaling\": \"feature-minmax\"", "\"scaling\": \"none\"");
  none = Replace(none, "\"method\": \"feature-minmax\"", "\"method\": \"none\"");
  WriteText(directory / "model.json", none);
  CHECK(LoadError(directory).location().field == "scaler.center[0]");

  // A per-series flag with a global scaling.
  WriteText(directory / "model.json",
            Replace(good, "\"per_series\": false", "\"per_series\": true"));
  CHECK(LoadError(directory).location().field == "scaler.per_series");

  WriteText(directory / "model.json",
            Replace(good, "\"scaling\": \"feature-minmax\"", "\"scaling\": \"zscore\""));
  CHECK(LoadError(directory).location().field == "options.scaling");

  // The saved model itself loads: the checks refuse only what differs.
  WriteText(directory / "model.json", good);
  CHECK(LoadModel(directory).options.scaling == "feature-minmax");
  fs::remove_all(directory);
}
