// Silhouette (matrix, streamed, sampled), Davies-Bouldin, ARI / NMI, k selection.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segcast/k_selection.h"
#include "segcast/nearest.h"
#include "segcast/quality.h"
#include "unit/cluster/planted_walks.h"

namespace {

segcast::TimeSeriesSet Points(const std::vector<double>& values) {
  segcast::TimeSeriesSet set;
  for (double value : values) set.Add("p", &value, 1);
  return set;
}

}  // namespace

TEST_CASE("Silhouette and Davies-Bouldin of a hand-computed example", "[cluster][quality]") {
  const auto set = Points({0, 1, 10, 11});
  const std::vector<int> labels = {0, 0, 1, 1};
  segcast::SilhouetteOptions options;
  const auto result = segcast::SilhouetteScores(set, {labels}, options);
  // s = 9.5/10.5 for the outer points and 8.5/9.5 for the inner ones.
  const double expected = (2 * 9.5 / 10.5 + 2 * 8.5 / 9.5) / 4;
  CHECK(result.scores[0] == Approx(expected).epsilon(1e-14));
  CHECK(result.used_matrix);
  // Centroids 0.5 and 10.5: spreads 0.5, separation 10 -> DB = 0.1.
  CHECK(segcast::DaviesBouldin(set, labels, {0.5, 10.5}, 2, 1, segcast::Metric::kDtw, {}, 1) ==
        Approx(0.1).epsilon(1e-14));
  // A singleton cluster scores 0 for its member.
  const auto singleton = segcast::SilhouetteScores(set, {{0, 0, 0, 1}}, options);
  const double a0 = (1 + 10) / 2.0, b0 = 11;
  const double a1 = (1 + 9) / 2.0, b1 = 10;
  const double a2 = (10 + 9) / 2.0, b2 = 1;
  const double manual = ((b0 - a0) / b0 + (b1 - a1) / b1 + (b2 - a2) / a2 + 0.0) / 4;
  CHECK(singleton.scores[0] == Approx(manual).epsilon(1e-14));
  CHECK(std::isnan(segcast::SilhouetteScores(set, {{0, 0, 0, 0}}, options).scores[0]));
}

TEST_CASE("Streamed silhouette equals the matrix one, for several labelings at once",
          "[cluster][quality]") {
  const auto set = segcast::testing::PlantedWalks(3, 150);
  std::vector<std::vector<int>> labelings;
  for (int k : {2, 3, 5}) {
    std::vector<int> labels(set.size());
    for (int index = 0; index < set.size(); ++index) labels[index] = (index * 13 / 7) % k;
    labelings.push_back(labels);
  }
  segcast::SilhouetteOptions options;
  options.threads = 2;
  const auto matrix = segcast::SilhouetteScores(set, labelings, options);
  options.memory_budget_bytes = 0;
  options.threads = 3;
  const auto streamed = segcast::SilhouetteScores(set, labelings, options);
  CHECK(matrix.used_matrix);
  CHECK_FALSE(streamed.used_matrix);
  const auto distances = segcast::PairwiseDistances(set, segcast::Metric::kDtw, {}, 1);
  for (size_t index = 0; index < labelings.size(); ++index) {
    CHECK(streamed.scores[index] == matrix.scores[index]);
    CHECK(matrix.scores[index] == segcast::SilhouetteFromMatrix(distances, labelings[index]));
  }
  // Sampling scores the chosen subset exactly: with the sample equal to the set, same score.
  options.sample = set.size();
  CHECK(segcast::SilhouetteScores(set, labelings, options).scores[0] == matrix.scores[0]);
  options.sample = 60;
  const auto sampled = segcast::SilhouetteScores(set, labelings, options);
  CHECK(sampled.sample_size == 60);
  CHECK(std::abs(sampled.scores[0] - matrix.scores[0]) < 0.5);
}

TEST_CASE("Adjusted Rand index and NMI of known examples", "[cluster][quality]") {
  // scikit-learn's documented adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714...
  CHECK(segcast::AdjustedRandIndex({0, 0, 1, 1}, {0, 0, 1, 2}) == Approx(4.0 / 7.0).epsilon(1e-12));
  CHECK(segcast::AdjustedRandIndex({0, 0, 1, 1}, {1, 1, 0, 0}) == 1.0);
  // MI = ln 2, H = ln 2 and 1.5 ln 2: NMI = 1 / 1.25.
  CHECK(segcast::NormalizedMutualInformation({0, 0, 1, 1}, {0, 0, 1, 2}) ==
        Approx(0.8).epsilon(1e-12));
  CHECK(segcast::NormalizedMutualInformation({0, 1, 0, 1}, {0, 0, 1, 1}) == Approx(0.0).margin(1e-12));
}

TEST_CASE("k selection sweeps k, scores each fit and applies the choice rule",
          "[cluster][quality][k_selection]") {
  const auto set = segcast::testing::PlantedWalks(8, 200);
  segcast::KSelectionOptions options;
  options.k_min = 2;
  options.k_max = 6;
  options.fit.seed = 3;
  options.fit.max_iter = 15;
  const auto sweep = segcast::SelectTsK(set, options);
  REQUIRE(sweep.rows.size() == 5);
  int best = 0;
  for (size_t index = 0; index < sweep.rows.size(); ++index) {
    CHECK(sweep.rows[index].k == static_cast<int>(index) + 2);
    CHECK(sweep.rows[index].silhouette >= -1.0);
    CHECK(sweep.rows[index].silhouette <= 1.0);
    CHECK(sweep.rows[index].davies_bouldin > 0.0);
    if (sweep.rows[index].silhouette > sweep.rows[best].silhouette) best = static_cast<int>(index);
    // Each row's silhouette is the one of its fit's labels.
    segcast::SilhouetteOptions single;
    CHECK(segcast::SilhouetteScores(set, {sweep.fits[index].labels}, single).scores[0] ==
          sweep.rows[index].silhouette);
  }
  // Four generated levels: k = 4 has the best silhouette and the rule keeps it.
  CHECK(sweep.rows[best].k == 4);
  CHECK(sweep.best_index == segcast::ChooseRow(sweep.rows, options.choice));
  CHECK(sweep.best_k() == 4);
  CHECK(sweep.rows[best].min_segment_share ==
        Approx(segcast::MinClusterShare(sweep.fits[best].labels, 4)));
  CHECK(sweep.choice.rfind("k = 4: ", 0) == 0);
  int k_min = 0, k_max = 0;
  segcast::ParseKRange("2..8", &k_min, &k_max);
  CHECK((k_min == 2 && k_max == 8));
  CHECK_THROWS_AS(segcast::ParseKRange("2-8", &k_min, &k_max), segcast::InvalidArgument);
}

TEST_CASE("Nearest series with pruning equals a brute-force ranking", "[cluster][nearest]") {
  const auto set = segcast::testing::PlantedWalks(21, 400);
  segcast::DtwWorkspace workspace;
  for (int query : {0, 17, 399}) {
    std::vector<std::pair<double, int>> brute;
    for (int index = 0; index < set.size(); ++index) {
      if (index == query) continue;
      brute.emplace_back(segcast::Dtw(set.Data(index), set.Length(index), set.Data(query),
                                      set.Length(query), 2, {}, workspace),
                         index);
    }
    std::sort(brute.begin(), brute.end());
    for (int threads : {1, 3}) {
      segcast::NearestOptions options;
      options.count = 10;
      options.threads = threads;
      const auto result =
          segcast::NearestSeries(set, set.Data(query), set.Length(query), query, options);
      REQUIRE(result.hits.size() == 10);
      for (int rank = 0; rank < 10; ++rank) {
        CHECK(result.hits[rank].index == brute[rank].second);
        CHECK(result.hits[rank].distance == brute[rank].first);
      }
      CHECK(result.pruned + result.abandoned > 0);
    }
  }
}

namespace {

std::vector<segcast::KSelectionRow> Rows(const std::vector<double>& silhouettes,
                                         const std::vector<double>& min_shares) {
  std::vector<segcast::KSelectionRow> rows;
  for (size_t index = 0; index < silhouettes.size(); ++index) {
    segcast::KSelectionRow row;
    row.k = static_cast<int>(index) + 2;
    row.silhouette = silhouettes[index];
    row.min_segment_share = min_shares[index];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("the k rule passes over a trivial split the best silhouette rewards",
          "[cluster][quality][k_selection]") {
  // k = 2 (0.658) splits one-time from repeat buyers. Within 10% of it: silhouettes from
  // 0.658 - 0.0658 = 0.5922 up. k = 4 (0.600) is the largest such k; k = 5 (0.59) just misses.
  const auto rows = Rows({0.658, 0.52, 0.600, 0.59}, {0.30, 0.10, 0.12, 0.08});
  std::string why;
  CHECK(rows[segcast::ChooseRow(rows, {}, &why)].k == 4);
  CHECK(why ==
        "k = 4: the largest k with a silhouette (0.600) within 10% of the best (0.658 at k = 2) "
        "with every segment at least 5% of customers");
  // Tolerance 0 and no share limit: the plain best silhouette.
  CHECK(rows[segcast::ChooseRow(rows, {0.0, 0.0})].k == 2);
  CHECK(segcast::ChooseRow(rows, {0.0, 0.0}) == segcast::BestRow(rows, true));
}

TEST_CASE("the k rule keeps the best silhouette when no larger k comes close",
          "[cluster][quality][k_selection]") {
  // The full Online Retail sweep's silhouettes for k = 2..5: threshold 0.405 - 0.0405 = 0.3645.
  const auto rows = Rows({0.304, 0.405, 0.349, 0.300}, {0.30, 0.31, 0.2, 0.15});
  std::string why;
  CHECK(rows[segcast::ChooseRow(rows, {}, &why)].k == 3);
  CHECK(why == "k = 3: the best silhouette (0.405) with every segment at least 5% of customers");
}

TEST_CASE("the k rule passes over a k with a tiny segment", "[cluster][quality][k_selection]") {
  // k = 3 has the best silhouette (0.50) because 1% of customers are set apart as outliers.
  // Among the rest the best is k = 2 (0.35); k = 4 (0.33) is within 10% of it (>= 0.315).
  const auto rows = Rows({0.35, 0.50, 0.33}, {0.40, 0.01, 0.10});
  CHECK(rows[segcast::ChooseRow(rows, {})].k == 4);
  CHECK(rows[segcast::ChooseRow(rows, {0.1, 0.0})].k == 3);
  // When every k has a tiny segment, the share limit is waived rather than choose nothing.
  const auto all_small = Rows({0.35, 0.50, 0.33}, {0.01, 0.01, 0.01});
  CHECK(all_small[segcast::ChooseRow(all_small, {})].k == 3);
  // Missing silhouettes are never chosen.
  const auto partial = Rows({std::nan(""), 0.2, 0.1}, {0.3, 0.3, 0.3});
  CHECK(partial[segcast::ChooseRow(partial, {})].k == 3);
  CHECK_THROWS_AS(segcast::ChooseRow(rows, {1.0, 0.05}), segcast::InvalidArgument);
  CHECK_THROWS_AS(segcast::ChooseRow(rows, {0.1, 0.6}), segcast::InvalidArgument);
}

TEST_CASE("MinClusterShare is the smallest cluster's share", "[cluster][quality][k_selection]") {
  CHECK(segcast::MinClusterShare({0, 0, 1, 2, 2, 2}, 3) == Approx(1.0 / 6.0));
  CHECK(segcast::MinClusterShare({0, 0, 1, 2, 2, 2}, 4) == 0.0);
  CHECK(segcast::MinClusterShare({}, 2) == 0.0);
}
