// Parity with the independent numpy reference (scripts/reference/ts_kmeans_reference.py): from the
// same initial centroids, the labels of every iteration are identical and the inertia agrees to
// 1e-9 (relative). The reference outputs are committed in tests/data/cluster/parity_*.json; the
// script's docstring says how to regenerate them.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster/centroid_init.h"
#include "segcast/ingest.h"
#include "segcast/panel.h"
#include "segcast/scale.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"
#include "support/shared_data.h"

namespace {

nlohmann::json LoadReference(const std::string& name) {
  std::ifstream in(segcast::testing::FixturePath("cluster/" + name));
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

std::string LabelString(const std::vector<int>& labels) {
  std::string text;
  for (int label : labels) text.push_back(static_cast<char>('0' + label));
  return text;
}

void CheckParity(const segcast::TimeSeriesSet& set, const nlohmann::json& reference) {
  REQUIRE(reference["count"].get<int>() == set.size());
  REQUIRE(reference["length"].get<int>() == set.MaxLength());
  segcast::TsKMeansOptions options;
  options.k = reference["k"].get<int>();
  options.max_iter = reference["max_iter"].get<int>();
  options.tol = reference["tol"].get<double>();
  options.init = segcast::KMeansInit::kGiven;
  options.initial_length = set.MaxLength();
  const auto indices = reference["init_indices"].get<std::vector<int>>();
  options.initial_centroids.resize(static_cast<size_t>(options.k) * set.MaxLength() * set.dims);
  for (int cluster = 0; cluster < options.k; ++cluster) {
    segcast::internal::CopyPadded(
        set, indices[cluster], set.MaxLength(),
        options.initial_centroids.data() + static_cast<size_t>(cluster) * set.MaxLength() * set.dims);
  }
  options.record_label_history = true;
  options.threads = 2;
  const auto result = segcast::FitTsKMeans(set, options);
  const auto& iterations = reference["iterations"];
  REQUIRE(result.inertia_history.size() == iterations.size());
  for (size_t iteration = 0; iteration < iterations.size(); ++iteration) {
    INFO("iteration " << iteration);
    CHECK(LabelString(result.label_history[iteration]) ==
          iterations[iteration]["labels"].get<std::string>());
    CHECK(result.inertia_history[iteration] ==
          Approx(iterations[iteration]["inertia"].get<double>()).epsilon(1e-9));
  }
  CHECK(result.converged == reference["converged"].get<bool>());
  CHECK(LabelString(result.labels) == reference["final_labels"].get<std::string>());
  const auto distances = reference["final_distances"].get<std::vector<double>>();
  for (size_t index = 0; index < distances.size(); ++index) {
    CHECK(result.distances[index] == Approx(distances[index]).epsilon(1e-9));
  }
}

segcast::TimeSeriesSet ReadUcr(const std::string& name) {
  return segcast::Concatenate(
      segcast::ReadSeriesFile(segcast::testing::SharedDataPath("ucr/" + name + "_TRAIN.ts.gz").string()),
      segcast::ReadSeriesFile(segcast::testing::SharedDataPath("ucr/" + name + "_TEST.ts.gz").string()));
}

}  // namespace

TEST_CASE("Parity with the numpy reference on GunPoint", "[cluster][parity][shared]") {
  CheckParity(ReadUcr("GunPoint"), LoadReference("parity_gunpoint.json"));
}

TEST_CASE("Parity with the numpy reference on BasicMotions", "[cluster][parity][shared]") {
  CheckParity(ReadUcr("BasicMotions"), LoadReference("parity_basicmotions.json"));
}

TEST_CASE("Parity with the numpy reference on the Online Retail LRFM panel",
          "[cluster][parity][shared]") {
  segcast::IngestOptions ingest;
  ingest.path = segcast::testing::SharedDataPath("online_retail.csv.gz").string();
  const auto transactions = segcast::Ingest(ingest).transactions;
  const auto panel = segcast::BuildPanel(transactions, {});
  segcast::PanelScaleOptions scale;
  scale.scaling = segcast::PanelScaling::kFeatureMinMax;
  scale.log1p_frequency_monetary = true;
  CheckParity(segcast::PanelToSeries(panel, scale, nullptr), LoadReference("parity_online_retail.json"));
}
