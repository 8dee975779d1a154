// Saved models: what `segcast assign` needs to place new customers without refitting.
//
// A model directory holds one file, model.json, with the scaler parameters, the centroids (in
// scaled units), the clustering options, the persona map, and the segcast and format versions.
// It is written atomically (a temporary file in the same directory, flushed, then renamed), so a
// reader sees either the old model or the new one, never a partial file. LoadModel checks the
// format version and every shape before returning.
//
//   segcast::SavedModel model;
//   model.options.k = 4;  model.scaler = scaler;  model.centroids = centroids;  ...
//   segcast::SaveModel(model, "out/models/2011-12");
//   segcast::SavedModel again = segcast::LoadModel("out/models/2011-12");
//   std::vector<double> scaled = segcast::ApplyScaler(again.scaler, series, months);
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace segcast {

//! The model file format this build writes and reads.
inline constexpr int kModelFormatVersion = 1;
//! Name of the model file inside a model directory.
inline constexpr const char* kModelFileName = "model.json";

//! How raw L, R, F, M values were scaled before clustering. For a scaling that treats every
//! series alike (e.g. feature-minmax: center = minimum, scale = range, from PanelScaler):
//!   scaled[f] = ((log1p[f] ? sign(x) log(1 + |x|) : x) - center[f]) / scale[f]
//! A per-series scaling (series-minmax, znorm) has no global parameters: per_series = true and
//! each new series must be scaled on its own, as the clustering did (ScaleSeries in scale.h).
struct ScalerParameters {
  //! Name of the scaling method as the clustering calls it, e.g. "feature-minmax"; informative.
  std::string method = "none";
  //! True for per-series methods: center and scale are then unused.
  bool per_series = false;
  std::array<bool, 4> log1p{};              //!< sign-preserving log1p first (see SignedLog1p)
  std::array<double, 4> center{};           //!< subtracted; finite
  std::array<double, 4> scale{1, 1, 1, 1};  //!< divided by; finite and > 0
};

//! The clustering options a model was fitted with; assignment must measure distance the same way.
struct ModelOptions {
  std::string metric = "dtw";              //!< "dtw" or "euclidean"
  int band = -1;                           //!< Sakoe-Chiba radius in months; -1 = no band
  int k = 0;                               //!< number of clusters; equals the number of centroids
  int window = 0;                          //!< panel window in months; 0 = all months
  std::string scaling = "none";            //!< scaling name, equal to ScalerParameters::method
  std::string pre_acquisition = "absent";  //!< "absent" or "zero" (see PreAcquisition)
};

//! One cluster's centroid and persona.
struct ModelCentroid {
  int32_t segment_id = 0;      //!< stable id, >= 0, unique in the model
  std::string name;            //!< persona name ("" if none)
  std::string evidence;        //!< persona evidence
  int months = 0;              //!< trajectory length, >= 1
  std::vector<double> values;  //!< months x 4 scaled values, row-major (L, R, F, M per month)
};

struct SavedModel {
  int format_version = kModelFormatVersion;
  std::string segcast_version;  //!< filled by SaveModel when empty
  std::string run_id;           //!< the run that fitted the model ("" if unknown)
  std::string as_of;            //!< the run's reference date, "YYYY-MM-DD" ("" if unknown)
  ModelOptions options;
  ScalerParameters scaler;
  std::vector<ModelCentroid> centroids;  //!< options.k entries
};

//! Throws InvalidArgument naming the first bad field (k vs centroids, shapes, ids, scaler).
void ValidateModel(const SavedModel& model);

//! Writes DIR/model.json atomically, creating DIR when needed. Validates first. Throws
//! InvalidArgument for a bad model, InputError when the directory cannot be written.
void SaveModel(const SavedModel& model, const std::filesystem::path& directory);

//! Reads DIR/model.json (or a model.json path). Throws InputError when missing or unreadable,
//! ConfigError (file, field, expected) for a wrong format version, a missing key or bad shapes.
SavedModel LoadModel(const std::filesystem::path& directory_or_file);

//! Scales a raw series (months x 4 values, original units) with the model's scaler. Throws
//! InvalidArgument for a per-series scaler (scale such series with ScaleSeries instead).
std::vector<double> ApplyScaler(const ScalerParameters& scaler, const double* series, int months);

}  // namespace segcast
