// Output files of `segcast segment`: assignments.csv, centroids.csv, k_selection.csv, summary.json.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "segcast/k_selection.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast::cli {

//! id, segment, distance (to the segment's centroid under the fit's metric).
void WriteAssignments(const std::filesystem::path& path, const TimeSeriesSet& series,
                      const TsKMeansResult& fit);

//! segment, step, one column per dimension; then, when `original` is non-empty (k x length x dims),
//! the same dimensions in original units with the suffix "_units"; `step_labels` (may be empty)
//! names each step, e.g. the calendar month.
void WriteCentroids(const std::filesystem::path& path, const TsKMeansResult& fit,
                    const std::vector<std::string>& dim_names, const std::vector<double>& original,
                    const std::vector<std::string>& step_labels);

//! k, inertia, silhouette, davies_bouldin, iterations, converged, seconds_fit.
void WriteKSelection(const std::filesystem::path& path, const std::vector<KSelectionRow>& rows);

//! The fit's figures for summary.json.
nlohmann::json FitJson(const TsKMeansResult& fit);

}  // namespace segcast::cli
