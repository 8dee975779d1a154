#include "cli/rfm_clustering.h"

#include <cmath>
#include <fstream>

#include "cli/ingest_flags.h"
#include "cli/segment_outputs.h"
#include "segcast/error.h"
#include "segcast/kmeans.h"
#include "segcast/scale.h"

namespace segcast::cli {

void AddRfmClusteringFlags(CLI::App& command, RfmClusteringFlags& flags) {
  command.add_option("--k", flags.k, "Static K-Means of the RFM table with this many segments");
  command.add_option("--k-range", flags.k_range, "Sweep k over MIN..MAX; k chosen by silhouette as in segcast segment --k-range");
  command.add_option("--scaler", flags.scaler, "none, minmax, standard or robust")
      ->check(CLI::IsMember({"none", "minmax", "standard", "robust"}))
      ->capture_default_str();
  command.add_flag("--log1p,!--no-log1p", flags.log1p, "log1p of R, F and M before scaling (default on)");
  command.add_option("--n-init", flags.n_init, "K-Means runs, best inertia kept")->capture_default_str();
  command.add_option("--seed", flags.seed, "Seed of the k-means++ seeding")->capture_default_str();
}

nlohmann::json RunRfmClustering(const RfmClusteringFlags& flags, const RfmTable& rfm,
                                const std::filesystem::path& output) {
  if (flags.k <= 0 && flags.k_range.empty()) return nullptr;
  const Eigen::MatrixXd raw = RfmMatrix(rfm);
  const ColumnScaler scaler = ColumnScaler::Fit(raw, ParseColumnScaling(flags.scaler), flags.log1p);
  const Eigen::MatrixXd points = scaler.Transform(raw);
  KMeansOptions options;
  options.k = flags.k > 0 ? flags.k : 4;
  options.n_init = flags.n_init;
  options.seed = flags.seed;
  options.threads = flags.threads;
  nlohmann::json json;
  KMeansResult chosen;
  if (!flags.k_range.empty()) {
    int k_min = 0, k_max = 0;
    ParseKRange(flags.k_range, &k_min, &k_max);
    SilhouetteOptions silhouette;
    silhouette.threads = flags.threads;
    const StaticKSelection sweep = SelectStaticK(points, k_min, k_max, options, silhouette);
    WriteKSelection(output / "rfm_k_selection.csv", sweep.rows);
    chosen = sweep.fits[sweep.best_index];
    json["best_k"] = sweep.best_k();
  } else {
    chosen = FitKMeans(points, options);
  }
  const auto write = [](const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw InputError("cannot write", {path.string(), 0, "", "a writable directory"});
  };
  std::string segments = "customer_id,segment,distance\n";
  for (size_t row = 0; row < rfm.size(); ++row) {
    segments += CsvField(rfm.customer_ids[row]) + "," + std::to_string(chosen.labels[row]) + "," +
                FormatNumber(chosen.distances[row]) + "\n";
  }
  write(output / "rfm_segments.csv", segments);
  const Eigen::MatrixXd units = scaler.Inverse(chosen.centers);
  std::string centers = "segment,recency,frequency,monetary,recency_units,frequency_units,monetary_units,customers\n";
  std::vector<int> sizes(chosen.k, 0);
  for (int label : chosen.labels) ++sizes[label];
  for (int cluster = 0; cluster < chosen.k; ++cluster) {
    centers += std::to_string(cluster);
    for (int column = 0; column < 3; ++column) centers += "," + FormatNumber(chosen.centers(cluster, column));
    for (int column = 0; column < 3; ++column) centers += "," + FormatNumber(units(cluster, column));
    centers += "," + std::to_string(sizes[cluster]) + "\n";
  }
  write(output / "rfm_centers.csv", centers);
  json["k"] = chosen.k;
  json["inertia"] = chosen.inertia;
  json["iterations"] = chosen.iterations;
  json["converged"] = chosen.converged;
  json["scaler"] = flags.scaler;
  json["log1p"] = flags.log1p;
  json["segment_sizes"] = sizes;
  return json;
}

}  // namespace segcast::cli
