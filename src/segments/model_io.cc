// model.json reading and writing. The file is the contract between `segcast run` and
// `segcast assign`, possibly across segcast versions, so every field is checked on load and the
// message names the key that is wrong.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include "segcast/error.h"
#include "segcast/model.h"

namespace segcast {
namespace {

using nlohmann::json;

void Require(bool condition, const std::string& field, const std::string& expected) {
  if (!condition) throw InvalidArgument("invalid model", {.field = field, .expected = expected});
}

json ToJson(const SavedModel& model) {
  json root;
  root["format_version"] = model.format_version;
  root["segcast_version"] = model.segcast_version;
  root["run_id"] = model.run_id;
  root["as_of"] = model.as_of;
  root["options"] = {{"metric", model.options.metric},
                     {"band", model.options.band},
                     {"k", model.options.k},
                     {"window", model.options.window},
                     {"scaling", model.options.scaling},
                     {"pre_acquisition", model.options.pre_acquisition}};
  root["scaler"] = {{"method", model.scaler.method},    {"per_series", model.scaler.per_series},
                    {"features", {"L", "R", "F", "M"}}, {"log1p", model.scaler.log1p},
                    {"center", model.scaler.center},    {"scale", model.scaler.scale}};
  json centroids = json::array();
  for (const ModelCentroid& centroid : model.centroids) {
    json values = json::array();
    for (int month = 0; month < centroid.months; ++month) {
      values.push_back(
          json::array({centroid.values[month * 4 + 0], centroid.values[month * 4 + 1],
                       centroid.values[month * 4 + 2], centroid.values[month * 4 + 3]}));
    }
    centroids.push_back({{"segment_id", centroid.segment_id},
                         {"name", centroid.name},
                         {"evidence", centroid.evidence},
                         {"months", centroid.months},
                         {"values", std::move(values)}});
  }
  root["centroids"] = std::move(centroids);
  return root;
}

class ModelReader {
 public:
  explicit ModelReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void Fail(const std::string& message, const std::string& field,
                         const std::string& expected) const {
    throw ConfigError(message, {.file = file_, .field = field, .expected = expected});
  }

  const json& Get(const json& object, const std::string& key, const std::string& path) const {
    if (!object.is_object() || !object.contains(key)) Fail("missing key", path + key, "present");
    return object.at(key);
  }
  std::string String(const json& object, const std::string& key, const std::string& path) const {
    const json& value = Get(object, key, path);
    if (!value.is_string()) Fail("not a string", path + key, "a string");
    return value.get<std::string>();
  }
  int64_t Integer(const json& object, const std::string& key, const std::string& path) const {
    const json& value = Get(object, key, path);
    if (!value.is_number_integer()) Fail("not an integer", path + key, "an integer");
    return value.get<int64_t>();
  }
  double Number(const json& value, const std::string& field) const {
    if (!value.is_number() || !std::isfinite(value.get<double>()))
      Fail("not a finite number", field, "a finite number");
    return value.get<double>();
  }
  template <typename T>
  std::array<T, 4> Four(const json& object, const std::string& key, const std::string& path) const {
    const json& value = Get(object, key, path);
    if (!value.is_array() || value.size() != 4)
      Fail("wrong shape", path + key, "an array of 4 values (L, R, F, M)");
    std::array<T, 4> result{};
    for (size_t feature = 0; feature < 4; ++feature) {
      const std::string field = path + key + "[" + std::to_string(feature) + "]";
      if constexpr (std::is_same_v<T, bool>) {
        if (!value[feature].is_boolean()) Fail("not a boolean", field, "true or false");
        result[feature] = value[feature].get<bool>();
      } else {
        result[feature] = Number(value[feature], field);
      }
    }
    return result;
  }

  SavedModel Read(const json& root) const {
    SavedModel model;
    model.format_version = static_cast<int>(Integer(root, "format_version", ""));
    model.segcast_version = String(root, "segcast_version", "");
    if (model.format_version != kModelFormatVersion) {
      Fail("model format " + std::to_string(model.format_version) + " written by segcast " +
               model.segcast_version + " cannot be read by this build",
           "format_version", "format " + std::to_string(kModelFormatVersion));
    }
    model.run_id = String(root, "run_id", "");
    model.as_of = String(root, "as_of", "");
    const json& options = Get(root, "options", "");
    model.options.metric = String(options, "metric", "options.");
    model.options.band = static_cast<int>(Integer(options, "band", "options."));
    model.options.k = static_cast<int>(Integer(options, "k", "options."));
    model.options.window = static_cast<int>(Integer(options, "window", "options."));
    model.options.scaling = String(options, "scaling", "options.");
    model.options.pre_acquisition = String(options, "pre_acquisition", "options.");
    const json& scaler = Get(root, "scaler", "");
    model.scaler.method = String(scaler, "method", "scaler.");
    const json& per_series = Get(scaler, "per_series", "scaler.");
    if (!per_series.is_boolean()) Fail("not a boolean", "scaler.per_series", "true or false");
    model.scaler.per_series = per_series.get<bool>();
    model.scaler.log1p = Four<bool>(scaler, "log1p", "scaler.");
    model.scaler.center = Four<double>(scaler, "center", "scaler.");
    model.scaler.scale = Four<double>(scaler, "scale", "scaler.");
    const json& centroids = Get(root, "centroids", "");
    if (!centroids.is_array()) Fail("not an array", "centroids", "an array of centroids");
    for (size_t index = 0; index < centroids.size(); ++index) {
      const std::string path = "centroids[" + std::to_string(index) + "].";
      const json& item = centroids[index];
      ModelCentroid centroid;
      centroid.segment_id = static_cast<int32_t>(Integer(item, "segment_id", path));
      centroid.name = String(item, "name", path);
      centroid.evidence = String(item, "evidence", path);
      centroid.months = static_cast<int>(Integer(item, "months", path));
      const json& values = Get(item, "values", path);
      if (!values.is_array() || static_cast<int64_t>(values.size()) != centroid.months)
        Fail("wrong shape", path + "values", std::to_string(centroid.months) + " months");
      for (size_t month = 0; month < values.size(); ++month) {
        const std::string field = path + "values[" + std::to_string(month) + "]";
        if (!values[month].is_array() || values[month].size() != 4)
          Fail("wrong shape", field, "4 values (L, R, F, M)");
        for (size_t feature = 0; feature < 4; ++feature)
          centroid.values.push_back(
              Number(values[month][feature], field + "[" + std::to_string(feature) + "]"));
      }
      model.centroids.push_back(std::move(centroid));
    }
    try {
      ValidateModel(model);
    } catch (const InvalidArgument& error) {
      Fail(error.message(), error.location().field, error.location().expected);
    }
    return model;
  }

 private:
  std::string file_;
};

// fsync of a file or directory; failures only weaken durability, so they are not errors.
void SyncPath(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return;
  (void)::fsync(descriptor);
  ::close(descriptor);
}

// Assignment scales new customers by options.scaling with the scaler's figures: a scaler of
// another method (an edited or mixed-up model.json) would put every customer in the wrong place
// without an error.
void RequireScalerMatchesScaling(const SavedModel& model) {
  const std::string& scaling = model.options.scaling;
  const bool per_series = scaling == "series-minmax" || scaling == "znorm";
  Require(per_series || scaling == "none" || scaling == "feature-minmax", "options.scaling",
          "\"none\", \"feature-minmax\", \"series-minmax\" or \"znorm\"");
  const ScalerParameters& scaler = model.scaler;
  if (scaler.method != scaling) {
    throw InvalidArgument("the model's scaler is '" + PrintableText(scaler.method, 40) +
                              "' but its option scaling is '" + scaling +
                              "': the file was edited or mixed up; save the model again with "
                              "`segcast run`",
                          {.field = "scaler.method", .expected = "\"" + scaling + "\" (options.scaling)"});
  }
  // Models saved before per_series was recorded hold false for every method; true is only
  // consistent with a per-series scaling.
  Require(!scaler.per_series || per_series, "scaler.per_series",
          "false with scaling \"" + scaling + "\"");
  if (scaling == "feature-minmax") return;
  // Without global parameters the scaler must be the identity: anything else was fitted for
  // another scaling.
  for (int feature = 0; feature < 4; ++feature) {
    const std::string index = "[" + std::to_string(feature) + "]";
    Require(scaler.center[feature] == 0.0, "scaler.center" + index, "0 with scaling \"" + scaling + "\"");
    Require(scaler.scale[feature] == 1.0, "scaler.scale" + index, "1 with scaling \"" + scaling + "\"");
  }
}

}  // namespace

void ValidateModel(const SavedModel& model) {
  Require(model.format_version == kModelFormatVersion, "format_version",
          std::to_string(kModelFormatVersion));
  Require(model.options.metric == "dtw" || model.options.metric == "euclidean", "options.metric",
          "\"dtw\" or \"euclidean\"");
  Require(model.options.band >= -1, "options.band", ">= -1");
  Require(model.options.k >= 1, "options.k", ">= 1");
  Require(model.options.window >= 0, "options.window", ">= 0");
  Require(model.options.pre_acquisition == "absent" || model.options.pre_acquisition == "zero",
          "options.pre_acquisition", "\"absent\" or \"zero\"");
  Require(static_cast<int>(model.centroids.size()) == model.options.k, "centroids",
          std::to_string(model.options.k) + " centroids (options.k)");
  for (int feature = 0; feature < 4; ++feature) {
    const std::string index = "[" + std::to_string(feature) + "]";
    Require(std::isfinite(model.scaler.center[feature]), "scaler.center" + index, "finite");
    Require(std::isfinite(model.scaler.scale[feature]) && model.scaler.scale[feature] > 0,
            "scaler.scale" + index, "finite and > 0");
  }
  RequireScalerMatchesScaling(model);
  std::set<int32_t> ids;
  for (size_t index = 0; index < model.centroids.size(); ++index) {
    const ModelCentroid& centroid = model.centroids[index];
    const std::string path = "centroids[" + std::to_string(index) + "]";
    Require(centroid.segment_id >= 0, path + ".segment_id", ">= 0");
    Require(ids.insert(centroid.segment_id).second, path + ".segment_id", "unique segment ids");
    Require(centroid.months >= 1, path + ".months", ">= 1");
    Require(centroid.values.size() == static_cast<size_t>(centroid.months) * 4, path + ".values",
            std::to_string(centroid.months) + " x 4 values");
    for (double value : centroid.values) Require(std::isfinite(value), path + ".values", "finite");
  }
}

void SaveModel(const SavedModel& model, const std::filesystem::path& directory) {
  SavedModel copy = model;
  if (copy.segcast_version.empty()) copy.segcast_version = SEGCAST_VERSION;
  ValidateModel(copy);
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw InputError("cannot create the model directory: " + error.message(),
                     {.file = directory.string(), .expected = "a writable directory"});
  }
  const std::filesystem::path target = directory / kModelFileName;
  // The temporary file lives in the same directory so that rename() is atomic (same filesystem);
  // the pid keeps two writers from sharing it.
  const std::filesystem::path temporary =
      directory / (std::string(".") + kModelFileName + ".tmp." + std::to_string(::getpid()));
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << ToJson(copy).dump(2) << "\n";
    out.flush();
    if (!out) {
      const int reason = errno;
      std::filesystem::remove(temporary, error);
      ThrowWriteFailure("writing the model file", temporary.string(), reason);
    }
  }
  // Durable before visible: the data reaches the disk before the rename publishes it, and the
  // directory entry after.
  SyncPath(temporary);
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw InputError("cannot move the model file into place: " + error.message(),
                     {.file = target.string(), .expected = "a writable directory"});
  }
  SyncPath(directory);
}

SavedModel LoadModel(const std::filesystem::path& directory_or_file) {
  const std::filesystem::path file = std::filesystem::is_directory(directory_or_file)
                                         ? directory_or_file / kModelFileName
                                         : directory_or_file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("cannot open the saved model",
                     {.file = file.string(), .expected = "a model directory holding model.json"});
  }
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& error) {
    throw ConfigError(std::string("not valid JSON: ") + error.what(),
                      {.file = file.string(), .expected = "a model.json written by segcast"});
  }
  return ModelReader(file.string()).Read(root);
}

std::vector<double> ApplyScaler(const ScalerParameters& scaler, const double* series, int months) {
  if (scaler.per_series) {
    throw InvalidArgument("per-series scaling '" + scaler.method +
                              "' has no global parameters: scale each series on its own",
                          {.field = "scaler.per_series", .expected = "a global scaling"});
  }
  std::vector<double> scaled(static_cast<size_t>(months) * 4);
  for (int month = 0; month < months; ++month) {
    for (int feature = 0; feature < 4; ++feature) {
      double value = series[month * 4 + feature];
      // Sign-preserving, as the panel scaler does: revenue after returns can be negative.
      if (scaler.log1p[feature]) value = std::copysign(std::log1p(std::fabs(value)), value);
      scaled[month * 4 + feature] = (value - scaler.center[feature]) / scaler.scale[feature];
    }
  }
  return scaled;
}

}  // namespace segcast
