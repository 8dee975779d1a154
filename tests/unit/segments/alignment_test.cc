#include "segcast/alignment.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "segcast/error.h"

using namespace segcast;

namespace {

// k well-separated centroids of `months` x 4 values; ids 10, 20, 30, ... and names "P0", "P1"...
std::vector<AlignmentCentroid> Previous(int k, int months) {
  std::vector<AlignmentCentroid> centroids;
  for (int cluster = 0; cluster < k; ++cluster) {
    AlignmentCentroid centroid;
    centroid.segment_id = 10 * (cluster + 1);
    centroid.name = std::string("P").append(std::to_string(cluster));
    for (int month = 0; month < months; ++month)
      for (int feature = 0; feature < 4; ++feature)
        centroid.values.push_back(3.0 * cluster + 0.1 * month - 0.2 * feature * cluster);
    centroids.push_back(centroid);
  }
  return centroids;
}

// The same clusters in the order `permutation`, relabelled 0..k-1, slightly perturbed, and one
// month longer (this month's run sees one more month).
std::vector<AlignmentCentroid> Permuted(const std::vector<AlignmentCentroid>& previous,
                                        const std::vector<int>& permutation, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0.0, 0.05);
  std::vector<AlignmentCentroid> current;
  for (size_t label = 0; label < permutation.size(); ++label) {
    AlignmentCentroid centroid = previous[permutation[label]];
    centroid.segment_id = static_cast<int32_t>(label);
    centroid.name = std::string("C").append(std::to_string(label));
    for (int feature = 0; feature < 4; ++feature)
      centroid.values.push_back(centroid.values[centroid.values.size() - 4]);
    for (double& value : centroid.values) value += noise(random);
    current.push_back(centroid);
  }
  return current;
}

}  // namespace

TEST_CASE("trailing Euclidean distance aligns trajectories at their ends",
          "[segments][alignment]") {
  AlignmentCentroid longer{0, "", {9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8}, 4};
  AlignmentCentroid shorter{1, "", {1, 2, 3, 4, 5, 6, 7, 10}, 4};
  auto distances = EuclideanTrailingDistances({longer}, {shorter, longer});
  CHECK(distances[0][0] == Approx(2.0));  // only the last value differs, by 2
  CHECK(distances[0][1] == Approx(0.0));
  AlignmentCentroid other_features{2, "", {1, 2, 3}, 3};
  CHECK_THROWS_AS(EuclideanTrailingDistances({longer}, {other_features}), InvalidArgument);
  AlignmentCentroid empty{3, "", {}, 4};
  CHECK_THROWS_AS(EuclideanTrailingDistances({longer}, {empty}), InvalidArgument);
}

TEST_CASE("permuted clusters get their previous ids and names back", "[segments][alignment]") {
  const auto previous = Previous(5, 6);
  std::vector<int> permutation(5);
  std::iota(permutation.begin(), permutation.end(), 0);
  int checked = 0;
  do {
    const auto current = Permuted(previous, permutation, 7 + checked);
    const auto distances = EuclideanTrailingDistances(previous, current);
    AlignmentOptions keep;
    keep.keep_previous_names = true;
    AlignmentResult result = AlignSegments(previous, current, distances, keep);
    AlignmentResult fresh_names = AlignSegments(previous, current, distances, {});
    REQUIRE(result.current.size() == 5);
    for (size_t label = 0; label < 5; ++label) {
      const AlignedSegment& segment = result.current[label];
      CHECK(segment.current_label == static_cast<int32_t>(label));
      CHECK(segment.stable_id == previous[permutation[label]].segment_id);
      CHECK(segment.previous_id == segment.stable_id);
      CHECK_FALSE(segment.is_new);
      CHECK(segment.name == previous[permutation[label]].name);
      CHECK(segment.previous_name == previous[permutation[label]].name);
      CHECK_FALSE(segment.renamed);
      // By default the name is this run's persona; the change of name is flagged.
      CHECK(fresh_names.current[label].stable_id == segment.stable_id);
      CHECK(fresh_names.current[label].name == std::string("C").append(std::to_string(label)));
      CHECK(fresh_names.current[label].renamed);
    }
    CHECK(result.vanished.empty());
    ++checked;
  } while (std::next_permutation(permutation.begin(), permutation.end()));
  CHECK(checked == 120);
}

TEST_CASE("a new cluster gets a fresh id; a missing one is reported vanished",
          "[segments][alignment]") {
  const auto previous = Previous(4, 5);
  // Current: clusters 2, 0, 3 of the previous run plus a far-away new one.
  auto current = Permuted(previous, {2, 0, 3}, 1);
  AlignmentCentroid fresh = current[0];
  fresh.segment_id = 3;
  fresh.name = "P0";  // its persona collides with a kept name
  for (double& value : fresh.values) value += 100.0;
  current.push_back(fresh);
  // Four against four: without a limit the far cluster would be forced onto the missing one.
  AlignmentOptions options;
  options.max_distance = 10.0;
  options.keep_previous_names = true;
  AlignmentResult forced =
      AlignSegments(previous, current, EuclideanTrailingDistances(previous, current), {});
  CHECK(forced.vanished.empty());
  for (const AlignedSegment& segment : forced.current) CHECK_FALSE(segment.is_new);
  AlignmentResult result =
      AlignSegments(previous, current, EuclideanTrailingDistances(previous, current), options);
  CHECK(result.current[0].stable_id == 30);
  CHECK(result.current[1].stable_id == 10);
  CHECK(result.current[2].stable_id == 40);
  CHECK(result.current[3].is_new);
  CHECK(result.current[3].stable_id == 41);  // above every previous id
  CHECK(result.current[3].previous_id == -1);
  CHECK(result.current[3].name == "P0 (2)");
  CHECK(result.current[1].name == "P0");
  CHECK(result.vanished == std::vector<int32_t>{20});
  CHECK(result.BriefReport().find("3 segments matched") == 0);
  CHECK(result.BriefReport().find("new: 41; vanished: 20") != std::string::npos);
}

TEST_CASE("more previous than current clusters, and a distance limit", "[segments][alignment]") {
  const auto previous = Previous(3, 4);
  auto current = Permuted(previous, {1}, 3);
  AlignmentResult result =
      AlignSegments(previous, current, EuclideanTrailingDistances(previous, current), {});
  CHECK(result.current[0].stable_id == 20);
  CHECK(result.vanished == std::vector<int32_t>{10, 30});

  AlignmentOptions strict;
  strict.max_distance = 1e-6;
  AlignmentResult none =
      AlignSegments(previous, current, EuclideanTrailingDistances(previous, current), strict);
  CHECK(none.current[0].is_new);
  CHECK(none.current[0].stable_id == 31);
  CHECK(none.current[0].name == "C0");
  CHECK(none.current[0].previous_name.empty());
  CHECK_FALSE(none.current[0].renamed);
  CHECK(none.vanished.size() == 3);
}

TEST_CASE("names follow the option, and the first run starts ids at 0", "[segments][alignment]") {
  const auto previous = Previous(2, 3);
  const auto current = Permuted(previous, {1, 0}, 5);
  AlignmentResult result =
      AlignSegments(previous, current, EuclideanTrailingDistances(previous, current), {});
  CHECK(result.current[0].stable_id == 20);
  CHECK(result.current[0].name == "C0");
  CHECK(result.current[0].previous_name == "P1");
  AlignmentResult first = AlignSegments({}, current, {}, {});
  CHECK(first.current[0].stable_id == 0);
  CHECK(first.current[1].stable_id == 1);
  CHECK(first.current[1].is_new);
}

TEST_CASE("a caller's distance matrix drives the matching", "[segments][alignment]") {
  const auto previous = Previous(3, 2);
  const auto current = Previous(3, 2);
  // Against the Euclidean evidence, the caller's (e.g. DTW) distances pair 0-2, 1-0, 2-1.
  std::vector<std::vector<double>> distances = {{5, 5, 1}, {1, 5, 5}, {5, 1, 5}};
  AlignmentResult result = AlignSegments(previous, current, distances, {});
  CHECK(result.current[0].stable_id == 20);
  CHECK(result.current[1].stable_id == 30);
  CHECK(result.current[2].stable_id == 10);
  CHECK(result.total_distance == Approx(3.0));
  CHECK_THROWS_AS(AlignSegments(previous, current, {{1, 2, 3}}, {}), InvalidArgument);
  auto duplicate = previous;
  duplicate[1].segment_id = duplicate[0].segment_id;
  CHECK_THROWS_AS(AlignSegments(duplicate, current, distances, {}), InvalidArgument);
  AlignmentOptions bad;
  bad.max_distance = 0;
  CHECK_THROWS_AS(AlignSegments(previous, current, distances, bad), InvalidArgument);
}

namespace {
// Reference for the limited matching: every partial matching (each previous segment picks a
// distinct current one or none), scored as matched distances + (unmatched count) * limit / 2.
double BestPartial(const std::vector<std::vector<double>>& distances, double limit, size_t p,
                   std::vector<bool>& used) {
  if (p == distances.size()) {
    double unmatched_current = 0;
    for (bool taken : used) unmatched_current += taken ? 0 : 1;
    return unmatched_current * limit / 2;
  }
  double best = limit / 2 + BestPartial(distances, limit, p + 1, used);
  for (size_t c = 0; c < used.size(); ++c) {
    if (used[c] || distances[p][c] > limit) continue;
    used[c] = true;
    best = std::min(best, distances[p][c] + BestPartial(distances, limit, p + 1, used));
    used[c] = false;
  }
  return best;
}
}  // namespace

TEST_CASE("matching under a distance limit equals brute force", "[segments][alignment]") {
  std::mt19937_64 random(99);
  std::uniform_real_distribution<double> uniform(0.0, 10.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int previous_count = 1 + trial % 5, current_count = 1 + (trial / 5) % 5;
    std::vector<AlignmentCentroid> previous, current;
    for (int p = 0; p < previous_count; ++p) previous.push_back({p, "", {0, 0, 0, 0}, 4});
    for (int c = 0; c < current_count; ++c) current.push_back({c, "", {0, 0, 0, 0}, 4});
    std::vector<std::vector<double>> distances(previous_count, std::vector<double>(current_count));
    for (auto& row : distances)
      for (double& value : row) value = uniform(random);
    AlignmentOptions options;
    options.max_distance = 1.0 + trial % 7;
    AlignmentResult result = AlignSegments(previous, current, distances, options);
    int unmatched = static_cast<int>(result.vanished.size());
    for (const AlignedSegment& segment : result.current) {
      if (segment.is_new)
        ++unmatched;
      else
        CHECK(segment.distance <= options.max_distance);
    }
    std::vector<bool> used(current_count, false);
    INFO("trial " << trial);
    CHECK(result.total_distance + unmatched * options.max_distance / 2 ==
          Approx(BestPartial(distances, options.max_distance, 0, used)));
  }
}
