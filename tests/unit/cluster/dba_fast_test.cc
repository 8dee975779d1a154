// The fast DBA route (fused alignment, repeated-iteration and unchanged-cluster skipping) against
// straightforward references written here from the definitions: DtwPath's path added step by step,
// DBA iterated to its stopping rules without shortcuts, and TimeSeries K-Means assembled from the
// naive assignment and the reference DBA. Every comparison is bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cluster/assign.h"
#include "cluster/dba_align.h"
#include "segcast/dba.h"
#include "segcast/dtw.h"
#include "segcast/ts_kmeans.h"

namespace {

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Values on a coarse grid (many ties in the cost matrix, so the walk back's tie-breaking is
// exercised) or continuous.
std::vector<double> RandomSteps(std::mt19937_64& engine, int length, int dims, bool grid) {
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> level(0, 3);
  std::vector<double> steps(static_cast<size_t>(length) * dims);
  for (double& value : steps) value = grid ? 0.5 * level(engine) : normal(engine);
  return steps;
}

// The definition: DtwPath's path, each (row, col) adding member step col to barycenter row.
double ReferenceAlign(const std::vector<double>& x, int nx, const std::vector<double>& y, int ny,
                      int dims, int radius, std::vector<double>& sums,
                      std::vector<int64_t>& counts) {
  segcast::DtwWorkspace workspace;
  const double cost = segcast::DtwPath(x.data(), nx, y.data(), ny, dims, radius, workspace);
  for (const auto& [row, col] : workspace.path()) {
    for (int dim = 0; dim < dims; ++dim) sums[row * dims + dim] += y[col * dims + dim];
    ++counts[row];
  }
  return cost;
}

// tslearn's DBA iterated without shortcuts; members summed in chunks of 32 combined in order
// (the summation order dba.cc documents, which makes the result thread-independent).
segcast::DbaResult ReferenceDba(const segcast::TimeSeriesSet& set, const std::vector<int>& members,
                                const segcast::DbaOptions& options, std::vector<double>& barycenter,
                                int length) {
  const int dims = set.dims;
  segcast::DbaResult result;
  double cost_prev = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < options.max_iter; ++iteration) {
    std::vector<double> sums(static_cast<size_t>(length) * dims, 0.0);
    std::vector<int64_t> counts(length, 0);
    double cost = 0.0;
    for (size_t begin = 0; begin < members.size(); begin += 32) {
      std::vector<double> chunk_sums(sums.size(), 0.0);
      std::vector<int64_t> chunk_counts(length, 0);
      for (size_t position = begin; position < std::min(members.size(), begin + 32); ++position) {
        const int member = members[position];
        std::vector<double> y(set.Data(member),
                              set.Data(member) + static_cast<size_t>(set.Length(member)) * dims);
        const double squared =
            ReferenceAlign(barycenter, length, y, set.Length(member), dims,
                           options.band.RadiusFor(length, set.Length(member)), chunk_sums,
                           chunk_counts);
        const double distance = std::sqrt(squared);
        cost += distance * distance;
      }
      for (size_t cell = 0; cell < sums.size(); ++cell) sums[cell] += chunk_sums[cell];
      for (int row = 0; row < length; ++row) counts[row] += chunk_counts[row];
    }
    cost /= static_cast<double>(members.size());
    for (int row = 0; row < length; ++row) {
      const double inverse = 1.0 / static_cast<double>(counts[row]);
      for (int dim = 0; dim < dims; ++dim) {
        barycenter[row * dims + dim] = inverse * sums[row * dims + dim];
      }
    }
    result.iterations = iteration + 1;
    result.cost = cost;
    if (std::abs(cost_prev - cost) < options.tol) {
      result.converged = true;
      break;
    }
    if (cost_prev < cost) {
      result.cost_increased = true;
      break;
    }
    cost_prev = cost;
  }
  return result;
}

segcast::TimeSeriesSet GroupedSet(uint64_t seed, int count, int min_length, int max_length,
                                  int dims, bool grid) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> length_of(min_length, max_length);
  std::uniform_int_distribution<int> level(0, 2);
  segcast::TimeSeriesSet set;
  set.dims = dims;
  for (int series = 0; series < count; ++series) {
    const int length = length_of(engine);
    const double base = 3.0 * (series % 3);
    std::vector<double> steps(static_cast<size_t>(length) * dims);
    for (int step = 0; step < length; ++step) {
      for (int dim = 0; dim < dims; ++dim) {
        steps[step * dims + dim] =
            grid ? base + 0.5 * level(engine) : base + std::sin(0.7 * step + dim) + 0.4 * normal(engine);
      }
    }
    set.Add(std::to_string(series), steps.data(), length);
  }
  return set;
}

}  // namespace

TEST_CASE("The fused DBA alignment equals DtwPath plus the path loop bit for bit",
          "[cluster][dba][fast]") {
  std::mt19937_64 engine(11);
  segcast::DtwWorkspace workspace;
  int cases = 0;
  for (const int dims : {1, 2, 4, 6}) {
    for (const int nx : {1, 2, 3, 5, 13, 24}) {
      for (const int ny : {1, 2, 4, 7, 13, 30}) {
        for (const int radius : {-1, 0, 1, 3, 12}) {
          for (const bool grid : {false, true}) {
            const auto x = RandomSteps(engine, nx, dims, grid);
            const auto y = RandomSteps(engine, ny, dims, grid);
            // Start from non-zero sums so the order of the additions matters.
            std::vector<double> sums = RandomSteps(engine, nx, dims, false);
            std::vector<int64_t> counts(nx, 3);
            std::vector<double> expected_sums = sums;
            std::vector<int64_t> expected_counts = counts;
            const double expected =
                ReferenceAlign(x, nx, y, ny, dims, radius, expected_sums, expected_counts);
            std::vector<double> x_t;
            segcast::internal::TransposeSteps(x.data(), nx, dims, x_t);
            const double cost = segcast::internal::AlignAndAccumulate(
                x_t.data(), nx, y.data(), ny, dims, radius, workspace, sums.data(), counts.data());
            INFO("dims " << dims << " nx " << nx << " ny " << ny << " radius " << radius
                         << " grid " << grid);
            REQUIRE(std::memcmp(&cost, &expected, sizeof(double)) == 0);
            REQUIRE(cost == segcast::DtwSquaredReference(x.data(), nx, y.data(), ny, dims, radius));
            REQUIRE(SameBits(sums, expected_sums));
            REQUIRE(counts == expected_counts);
            ++cases;
          }
        }
      }
    }
  }
  CHECK(cases == 4 * 6 * 6 * 5 * 2);
}

TEST_CASE("DBA equals the shortcut-free reference bit for bit, with and without a band",
          "[cluster][dba][fast]") {
  int fixed_points = 0;
  for (const bool grid : {false, true}) {
    const segcast::TimeSeriesSet set = GroupedSet(grid ? 5 : 6, 150, 4, 13, 4, grid);
    for (const int radius : {-1, 2}) {
      for (const double tol : {1e-5, 0.0}) {
        segcast::DbaOptions options;
        options.band.radius = radius;
        options.tol = tol;
        options.max_iter = 30;
        std::vector<std::vector<int>> members(3);
        for (int series = 0; series < set.size(); ++series) members[series % 3].push_back(series);
        std::vector<double> initial;
        for (int cluster = 0; cluster < 3; ++cluster) {
          const double* data = set.Data(cluster);
          for (int step = 0; step < 13; ++step) {
            const int source = std::min(step, set.Length(cluster) - 1);
            for (int dim = 0; dim < 4; ++dim) initial.push_back(data[source * 4 + dim]);
          }
        }
        for (const int threads : {1, 2, 3}) {
          options.threads = threads;
          std::vector<double> fast = initial;
          const auto results = segcast::DbaUpdateMany(set, members, options, fast.data(), 13);
          for (int cluster = 0; cluster < 3; ++cluster) {
            std::vector<double> reference(initial.begin() + cluster * 52,
                                          initial.begin() + (cluster + 1) * 52);
            const segcast::DbaResult expected =
                ReferenceDba(set, members[cluster], options, reference, 13);
            const std::vector<double> got(fast.begin() + cluster * 52,
                                          fast.begin() + (cluster + 1) * 52);
            INFO("grid " << grid << " radius " << radius << " tol " << tol << " threads "
                         << threads << " cluster " << cluster);
            REQUIRE(SameBits(got, reference));
            REQUIRE(results[cluster].iterations == expected.iterations);
            REQUIRE(results[cluster].cost == expected.cost);
            REQUIRE(results[cluster].converged == expected.converged);
            REQUIRE(results[cluster].cost_increased == expected.cost_increased);
            if (results[cluster].fixed_point) ++fixed_points;
          }
        }
      }
    }
  }
  // The repeated-iteration shortcut was taken (else this test would not cover it).
  CHECK(fixed_points > 0);
}

TEST_CASE("TimeSeries K-Means with DBA skipping equals a loop of naive assignment and reference DBA",
          "[cluster][kmeans][fast]") {
  int64_t skipped = 0;
  for (const bool grid : {false, true}) {
    const segcast::TimeSeriesSet set = GroupedSet(grid ? 21 : 22, 240, 5, 13, 4, grid);
    for (const int k : {2, 3, 5}) {
      segcast::TsKMeansOptions options;
      options.k = k;
      options.init = segcast::KMeansInit::kGiven;
      options.initial_length = 13;
      for (int cluster = 0; cluster < k; ++cluster) {
        const int source = cluster * 7;
        for (int step = 0; step < 13; ++step) {
          const int at = std::min(step, set.Length(source) - 1);
          for (int dim = 0; dim < 4; ++dim) {
            options.initial_centroids.push_back(set.Data(source)[at * 4 + dim]);
          }
        }
      }
      options.threads = 2;
      const segcast::TsKMeansResult fast = segcast::FitTsKMeans(set, options);
      REQUIRE(fast.empty_reseeds == 0);  // the reference below has no re-seeding
      skipped += fast.dba_skipped;

      segcast::DbaOptions dba;
      dba.max_iter = options.dba_max_iter;
      dba.tol = options.dba_tol;
      dba.threads = 1;
      std::vector<double> centroids = options.initial_centroids;
      std::vector<double> history;
      std::vector<int> labels;
      std::vector<double> squared;
      segcast::internal::AssignmentStats stats;
      double old_inertia = std::numeric_limits<double>::infinity();
      int iterations = 0;
      for (int iteration = 1; iteration <= options.max_iter; ++iteration) {
        iterations = iteration;
        const segcast::internal::CentroidView view{centroids.data(), k, 13, 4};
        segcast::internal::AssignNaive(set, view, segcast::Metric::kDtw, options.band, 1, labels,
                                       squared, stats);
        double inertia = 0.0;
        for (double value : squared) inertia += std::sqrt(value) * std::sqrt(value);
        inertia /= static_cast<double>(squared.size());
        history.push_back(inertia);
        for (int cluster = 0; cluster < k; ++cluster) {
          std::vector<int> members;
          for (int series = 0; series < set.size(); ++series) {
            if (labels[series] == cluster) members.push_back(series);
          }
          REQUIRE_FALSE(members.empty());
          std::vector<double> centroid(centroids.begin() + cluster * 52,
                                       centroids.begin() + (cluster + 1) * 52);
          ReferenceDba(set, members, dba, centroid, 13);
          std::copy(centroid.begin(), centroid.end(), centroids.begin() + cluster * 52);
        }
        if (std::abs(old_inertia - inertia) < options.tol) break;
        old_inertia = inertia;
      }
      INFO("grid " << grid << " k " << k);
      REQUIRE(fast.iterations == iterations);
      REQUIRE(SameBits(fast.inertia_history, history));
      REQUIRE(SameBits(fast.centroids, centroids));
      const segcast::internal::CentroidView view{centroids.data(), k, 13, 4};
      segcast::internal::AssignNaive(set, view, segcast::Metric::kDtw, options.band, 1, labels,
                                     squared, stats);
      REQUIRE(fast.labels == labels);
    }
  }
  // Unchanged clusters were skipped in these runs, so the comparison covers the skipping.
  CHECK(skipped > 0);
}
