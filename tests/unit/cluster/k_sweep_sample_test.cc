// The k sweep on a sample: same k as the exact sweep on a planted set, a full fit that labels
// every series, independence of the thread count, and the warm start from given centroids.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segcast/k_selection.h"
#include "segcast/quality.h"
#include "segcast/ts_kmeans.h"
#include "unit/cluster/planted_walks.h"

namespace {

segcast::KSelectionOptions SweepOptions(int sweep_sample, int threads) {
  segcast::KSelectionOptions options;
  options.k_min = 2;
  options.k_max = 6;
  options.fit.seed = 11;
  options.fit.max_iter = 15;
  options.fit.threads = threads;
  options.silhouette.threads = threads;
  options.sweep_sample = sweep_sample;
  return options;
}

}  // namespace

TEST_CASE("A sweep on a sample picks the exact sweep's k and fits it on every series",
          "[cluster][k_selection][sweep_sample]") {
  const auto set = segcast::testing::PlantedWalks(21, 600);
  const auto exact = segcast::SelectTsK(set, SweepOptions(0, 2));
  const auto sampled = segcast::SelectTsK(set, SweepOptions(150, 2));
  REQUIRE(exact.best_k() == 4);
  CHECK(exact.sample.empty());
  CHECK(exact.seconds_full_fit == 0.0);
  CHECK(sampled.best_k() == exact.best_k());

  // The sample: 150 distinct ascending indices of the 600 series.
  REQUIRE(sampled.sample.size() == 150);
  CHECK(std::is_sorted(sampled.sample.begin(), sampled.sample.end()));
  CHECK(std::adjacent_find(sampled.sample.begin(), sampled.sample.end()) ==
        sampled.sample.end());
  CHECK(sampled.sample.back() < 600);
  CHECK(sampled.series_count == 600);

  // Rows are the sample's: the other fits label the 150 sampled series only.
  REQUIRE(sampled.rows.size() == 5);
  const int other = sampled.best_index == 0 ? 1 : 0;
  CHECK(sampled.fits[other].labels.size() == 150);
  CHECK(sampled.silhouette.sample_size == 150);
  for (const auto& row : sampled.rows) {
    CHECK(row.silhouette_se > 0.0);
    CHECK(row.silhouette_se < 0.1);
  }

  // The chosen fit labels every series, and recovers the planted levels on all of them.
  const segcast::TsKMeansResult& full = sampled.fits[sampled.best_index];
  REQUIRE(full.labels.size() == 600);
  CHECK(full.k == 4);
  std::vector<int> planted(600);
  for (int series = 0; series < 600; ++series) planted[series] = series % 4;
  CHECK(segcast::AdjustedRandIndex(full.labels, planted) > 0.95);
  CHECK(segcast::MinClusterShare(full.labels, 4) > 0.2);
  CHECK(sampled.choice.find("sample of 150 of 600 customers") != std::string::npos);
  CHECK(sampled.choice.find(" s.e.)") != std::string::npos);
  CHECK(sampled.seconds_full_fit > 0.0);
}

TEST_CASE("A sweep sample at or above the series count changes nothing",
          "[cluster][k_selection][sweep_sample]") {
  const auto set = segcast::testing::PlantedWalks(5, 240);
  const auto exact = segcast::SelectTsK(set, SweepOptions(0, 2));
  const auto at_count = segcast::SelectTsK(set, SweepOptions(240, 2));
  CHECK(at_count.sample.empty());
  CHECK(at_count.best_index == exact.best_index);
  CHECK(at_count.choice == exact.choice);
  for (size_t index = 0; index < exact.rows.size(); ++index) {
    CHECK(at_count.rows[index].silhouette == exact.rows[index].silhouette);
    CHECK(at_count.fits[index].labels == exact.fits[index].labels);
    CHECK(at_count.fits[index].centroids == exact.fits[index].centroids);
  }
}

TEST_CASE("A sampled sweep does not depend on the thread count",
          "[cluster][k_selection][sweep_sample]") {
  const auto set = segcast::testing::PlantedWalks(33, 500);
  const auto one = segcast::SelectTsK(set, SweepOptions(120, 1));
  const auto two = segcast::SelectTsK(set, SweepOptions(120, 2));
  CHECK(one.sample == two.sample);
  CHECK(one.best_index == two.best_index);
  CHECK(one.choice == two.choice);
  for (size_t index = 0; index < one.rows.size(); ++index) {
    CHECK(one.rows[index].silhouette == two.rows[index].silhouette);
    CHECK(one.rows[index].silhouette_se == two.rows[index].silhouette_se);
    CHECK(one.rows[index].inertia == two.rows[index].inertia);
  }
  CHECK(one.fits[one.best_index].labels == two.fits[two.best_index].labels);
  CHECK(one.fits[one.best_index].centroids == two.fits[two.best_index].centroids);
  // Another seed draws another sample.
  auto reseeded = SweepOptions(120, 1);
  reseeded.fit.seed = 12;
  CHECK(segcast::SelectTsK(set, reseeded).sample != one.sample);
}

TEST_CASE("The full fit is the warm start from the sample fit's centroids",
          "[cluster][k_selection][sweep_sample]") {
  const auto set = segcast::testing::PlantedWalks(21, 600);
  const auto options = SweepOptions(150, 2);
  const auto sampled = segcast::SelectTsK(set, options);
  // Refit the chosen k on the sample alone: the sweep's own fit of the sample.
  segcast::TimeSeriesSet subset;
  subset.dims = set.dims;
  for (int index : sampled.sample) subset.Add(set.ids[index], set.Data(index), set.Length(index));
  segcast::TsKMeansOptions fit = options.fit;
  fit.k = sampled.best_k();
  const auto sample_fit = segcast::FitTsKMeans(subset, fit);
  REQUIRE(sample_fit.length == set.MaxLength());  // no padding needed for this sample
  segcast::TsKMeansOptions warm = options.fit;
  warm.k = sample_fit.k;
  warm.init = segcast::KMeansInit::kGiven;
  warm.initial_centroids = sample_fit.centroids;
  warm.initial_length = sample_fit.length;
  const auto direct = segcast::FitTsKMeans(set, warm);
  const auto& full = sampled.fits[sampled.best_index];
  CHECK(full.labels == direct.labels);
  CHECK(full.centroids == direct.centroids);
  CHECK(full.iterations == direct.iterations);
}

TEST_CASE("A fit started from converged centroids keeps their labels",
          "[cluster][ts_kmeans][warm_start]") {
  const auto set = segcast::testing::PlantedWalks(8, 300);
  segcast::TsKMeansOptions cold;
  cold.k = 4;
  cold.seed = 2;
  cold.threads = 2;
  const auto first = segcast::FitTsKMeans(set, cold);
  REQUIRE(first.converged);
  segcast::TsKMeansOptions warm = cold;
  warm.init = segcast::KMeansInit::kGiven;
  warm.initial_centroids = first.centroids;
  warm.initial_length = first.length;
  const auto second = segcast::FitTsKMeans(set, warm);
  CHECK(second.labels == first.labels);
  CHECK(second.converged);
  CHECK(second.iterations <= 2);
  CHECK(second.inertia == Approx(first.final_inertia).epsilon(1e-9));
  // The labels are those of a plain assignment to the given centroids.
  std::vector<int> labels;
  std::vector<double> distances;
  segcast::AssignToCentroids(set, first.centroids, 4, first.length, cold.metric, cold.band, 1,
                             labels, distances);
  CHECK(second.labels == labels);
}

TEST_CASE("A sweep sample below k_max is refused", "[cluster][k_selection][sweep_sample]") {
  auto options = SweepOptions(5, 1);
  try {
    options.Validate();
    FAIL("no exception");
  } catch (const segcast::InvalidArgument& error) {
    CHECK(std::string(error.what()).find("sweep_sample") != std::string::npos);
  }
  options.sweep_sample = -1;
  CHECK_THROWS_AS(options.Validate(), segcast::InvalidArgument);
  options.sweep_sample = 6;
  CHECK_NOTHROW(options.Validate());
}
