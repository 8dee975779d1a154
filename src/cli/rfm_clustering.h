// Static K-Means of the RFM table for `segcast rfm FILE --k 4 | --k-range 2..8`: the flags and
// the step that writes rfm_segments.csv, rfm_centers.csv and (sweep) rfm_k_selection.csv.
// rfm_command.cc wires it in with three calls:
//   AddRfmClusteringFlags(*command, flags->clustering);                       // when adding flags
//   json["clustering"] = RunRfmClustering(flags->clustering, rfm, output);   // after ComputeRfm
// (RunRfmClustering does nothing and returns null when neither --k nor --k-range was given.)
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "segcast/rfm.h"

namespace segcast::cli {

struct RfmClusteringFlags {
  int k = 0;                      // 0: no clustering unless --k-range
  std::string k_range;            // "2..8"
  std::string scaler = "minmax";  // none | minmax | standard | robust
  bool log1p = true;              // log1p of recency, frequency and monetary before scaling
  int n_init = 10;
  uint64_t seed = 0;
  int threads = 0;
};

void AddRfmClusteringFlags(CLI::App& command, RfmClusteringFlags& flags);

//! Fits and writes the outputs into `output`; returns the summary (null when not requested).
nlohmann::json RunRfmClustering(const RfmClusteringFlags& flags, const RfmTable& rfm,
                                const std::filesystem::path& output);

}  // namespace segcast::cli
