#include "cli/segment_outputs.h"

#include <cerrno>
#include <cmath>
#include <fstream>

#include "cli/ingest_flags.h"
#include "segcast/error.h"

namespace segcast::cli {
namespace {

std::ofstream OpenOutput(const std::filesystem::path& path) {
  errno = 0;  // a failed open or write sets it: a full disk becomes NoSpaceError
  std::ofstream out(path, std::ios::binary);
  if (!out) ThrowWriteFailure("creating the output file", path.string(), errno);
  return out;
}

void Finish(std::ofstream& out, const std::filesystem::path& path) {
  out.flush();
  if (!out) ThrowWriteFailure("writing the output file", path.string(), errno);
}

std::string Number(double value) { return std::isnan(value) ? "" : FormatNumber(value); }

}  // namespace

void WriteAssignments(const std::filesystem::path& path, const TimeSeriesSet& series,
                      const TsKMeansResult& fit) {
  std::ofstream out = OpenOutput(path);
  out << "id,segment,distance\n";
  for (int index = 0; index < series.size(); ++index) {
    out << CsvField(series.ids[index]) << ',' << fit.labels[index] << ','
        << FormatNumber(fit.distances[index]) << '\n';
  }
  Finish(out, path);
}

void WriteCentroids(const std::filesystem::path& path, const TsKMeansResult& fit,
                    const std::vector<std::string>& dim_names, const std::vector<double>& original,
                    const std::vector<std::string>& step_labels) {
  std::ofstream out = OpenOutput(path);
  out << "segment,step";
  if (!step_labels.empty()) out << ",label";
  for (const auto& name : dim_names) out << ',' << CsvField(name);
  if (!original.empty()) {
    for (const auto& name : dim_names) out << ',' << CsvField(name + "_units");
  }
  out << '\n';
  const int dims = fit.dims;
  for (int cluster = 0; cluster < fit.k; ++cluster) {
    for (int step = 0; step < fit.length; ++step) {
      const size_t base = (static_cast<size_t>(cluster) * fit.length + step) * dims;
      out << cluster << ',' << step;
      if (!step_labels.empty()) out << ',' << CsvField(step_labels[step]);
      for (int dim = 0; dim < dims; ++dim) out << ',' << FormatNumber(fit.centroids[base + dim]);
      if (!original.empty()) {
        for (int dim = 0; dim < dims; ++dim) out << ',' << Number(original[base + dim]);
      }
      out << '\n';
    }
  }
  Finish(out, path);
}

void WriteKSelection(const std::filesystem::path& path, const std::vector<KSelectionRow>& rows) {
  std::ofstream out = OpenOutput(path);
  out << "k,inertia,silhouette,davies_bouldin,iterations,converged,seconds_fit,"
         "min_segment_share\n";
  for (const auto& row : rows) {
    out << row.k << ',' << Number(row.inertia) << ',' << Number(row.silhouette) << ','
        << Number(row.davies_bouldin) << ',' << row.iterations << ','
        << (row.converged ? "true" : "false") << ',' << FormatNumber(row.seconds_fit) << ','
        << Number(row.min_segment_share) << '\n';
  }
  Finish(out, path);
}

nlohmann::json FitJson(const TsKMeansResult& fit) {
  nlohmann::json json;
  json["k"] = fit.k;
  json["inertia"] = fit.inertia;
  json["final_inertia"] = fit.final_inertia;
  json["iterations"] = fit.iterations;
  json["converged"] = fit.converged;
  json["inertia_history"] = fit.inertia_history;
  json["empty_cluster_reseeds"] = fit.empty_reseeds;
  json["dtw_calls"] = fit.dtw_calls;
  json["assignment_pairs"] = fit.pairs;
  json["pruned_lb_kim"] = fit.pruned_lb_kim;
  json["pruned_lb_keogh"] = fit.pruned_lb_keogh;
  json["abandoned"] = fit.abandoned;
  json["pruned_share"] = fit.PrunedShare();
  std::vector<int> sizes(fit.k, 0);
  for (int label : fit.labels) ++sizes[label];
  json["segment_sizes"] = sizes;
  json["seconds"] = {{"init", fit.seconds_init},
                     {"assign", fit.seconds_assign},
                     {"update", fit.seconds_update},
                     {"total", fit.seconds_total}};
  return json;
}

}  // namespace segcast::cli
