// DTW kernel and lower bounds: hand-computed cases, properties, and the plain O(n*m) oracle.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "segcast/dtw.h"
#include "segcast/error.h"
#include "segcast/lower_bounds.h"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> RandomSeries(std::mt19937_64& engine, int length, int dims) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values(static_cast<size_t>(length) * dims);
  double level = 0.0;
  for (double& value : values) {
    level += normal(engine);
    value = level;
  }
  return values;
}

}  // namespace

TEST_CASE("DTW of hand-computed univariate cases", "[cluster][dtw]") {
  segcast::DtwWorkspace workspace;
  const std::vector<double> x = {0, 1, 2};
  const std::vector<double> y = {0, 2};
  // Cost matrix [[0,4],[1,1],[4,0]]: the best path (0,0),(1,0)|(1,1),(2,1) costs 1.
  CHECK(segcast::DtwSquared(x.data(), 3, y.data(), 2, 1, -1, kInf, workspace) == 1.0);
  CHECK(segcast::Dtw(x.data(), 3, y.data(), 2, 1, {}, workspace) == 1.0);

  const std::vector<double> a = {0, 0, 1};
  const std::vector<double> b = {0, 1, 1};
  CHECK(segcast::DtwSquared(a.data(), 3, b.data(), 3, 1, -1, kInf, workspace) == 0.0);
  // Band 0 on equal lengths: the diagonal only, the squared Euclidean distance 0 + 1 + 0.
  CHECK(segcast::DtwSquared(a.data(), 3, b.data(), 3, 1, 0, kInf, workspace) == 1.0);
  CHECK(segcast::DtwPath(a.data(), 3, b.data(), 3, 1, -1, workspace) == 0.0);
  const std::vector<std::pair<int, int>> expected_path = {{0, 0}, {1, 0}, {2, 1}, {2, 2}};
  CHECK(workspace.path() == expected_path);
}

TEST_CASE("DTW of hand-computed multivariate cases", "[cluster][dtw]") {
  segcast::DtwWorkspace workspace;
  const std::vector<double> x = {0, 0};
  const std::vector<double> y = {3, 4};
  CHECK(segcast::Dtw(x.data(), 1, y.data(), 1, 2, {}, workspace) == 5.0);
  // A repeated step warps for free.
  const std::vector<double> p = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<double> q = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(segcast::DtwSquared(p.data(), 2, q.data(), 3, 4, -1, kInf, workspace) == 0.0);
  // One series of one step against three: every step aligns with it.
  const std::vector<double> one = {1, 2, 3, 4};
  const std::vector<double> three = {1, 2, 3, 4, 2, 2, 3, 4, 1, 2, 3, 6};
  CHECK(segcast::DtwSquared(one.data(), 1, three.data(), 3, 4, -1, kInf, workspace) == 5.0);
}

TEST_CASE("DTW equals the plain reference, is symmetric, and band 0 is Euclidean",
          "[cluster][dtw]") {
  std::mt19937_64 engine(11);
  std::uniform_int_distribution<int> length(1, 25);
  std::uniform_int_distribution<int> dims_of(1, 6);
  std::uniform_int_distribution<int> radius_of(-1, 6);
  segcast::DtwWorkspace workspace;
  for (int trial = 0; trial < 3000; ++trial) {
    const int dims = dims_of(engine);
    const int nx = length(engine);
    const int ny = trial % 3 == 0 ? nx : length(engine);
    const int radius = radius_of(engine);
    const auto x = RandomSeries(engine, nx, dims);
    const auto y = RandomSeries(engine, ny, dims);
    const double reference = segcast::DtwSquaredReference(x.data(), nx, y.data(), ny, dims, radius);
    const double fast = segcast::DtwSquared(x.data(), nx, y.data(), ny, dims, radius, kInf, workspace);
    REQUIRE(fast == reference);
    REQUIRE(segcast::DtwSquared(y.data(), ny, x.data(), nx, dims, radius, kInf, workspace) == fast);
    REQUIRE(segcast::DtwPath(x.data(), nx, y.data(), ny, dims, radius, workspace) == fast);
    // The path's own cost is the DTW cost, and it starts and ends at the corners.
    const auto& path = workspace.path();
    REQUIRE(path.front() == std::make_pair(0, 0));
    REQUIRE(path.back() == std::make_pair(nx - 1, ny - 1));
    double along = 0.0;
    for (const auto& [i, j] : path) {
      for (int dim = 0; dim < dims; ++dim) {
        const double d = x[i * dims + dim] - y[j * dims + dim];
        along += d * d;
      }
    }
    REQUIRE(along == Approx(fast).epsilon(1e-12));
    // Early abandoning: exact below the threshold, +inf only when the cost is above it.
    const double abandoned =
        segcast::DtwSquared(x.data(), nx, y.data(), ny, dims, radius, fast * 0.5, workspace);
    REQUIRE((abandoned == kInf || abandoned == fast));
    if (abandoned == kInf) REQUIRE(fast > fast * 0.5);
    REQUIRE(segcast::DtwSquared(x.data(), nx, y.data(), ny, dims, radius, fast, workspace) == fast);
    if (nx == ny) {
      const double euclidean = segcast::EuclideanSquared(x.data(), y.data(), nx, dims, kInf);
      REQUIRE(segcast::DtwSquared(x.data(), nx, y.data(), ny, dims, 0, kInf, workspace) ==
              Approx(euclidean).epsilon(1e-12));
      REQUIRE(fast <= euclidean * (1 + 1e-12));
    }
  }
}

TEST_CASE("LB_Kim and LB_Keogh are between 0 and DTW on 100,000 pairs of mixed lengths",
          "[cluster][dtw][bounds]") {
  std::mt19937_64 engine(2024);
  std::uniform_int_distribution<int> length(1, 16);
  std::uniform_int_distribution<int> dims_of(1, 4);
  std::uniform_int_distribution<int> radius_of(-1, 4);
  segcast::DtwWorkspace workspace;
  segcast::Envelope envelope;
  int keogh_positive = 0;
  for (int pair = 0; pair < 100000; ++pair) {
    const int dims = dims_of(engine);
    const int nx = length(engine);
    const int ny = length(engine);
    const int radius = radius_of(engine);
    const auto x = RandomSeries(engine, nx, dims);
    const auto y = RandomSeries(engine, ny, dims);
    const double dtw = segcast::DtwSquared(x.data(), nx, y.data(), ny, dims, radius, kInf, workspace);
    const double kim = segcast::LbKimSquared(x.data(), nx, y.data(), ny, dims);
    segcast::ComputeEnvelope(y.data(), ny, dims, nx, radius, envelope);
    const double keogh = segcast::LbKeoghSquared(x.data(), envelope, kInf);
    REQUIRE(kim >= 0.0);
    REQUIRE(keogh >= 0.0);
    REQUIRE(kim <= dtw * (1 + 1e-12));
    REQUIRE(keogh <= dtw * (1 + 1e-12));
    if (keogh > 0) ++keogh_positive;
  }
  // The bound must also be useful, not just valid.
  CHECK(keogh_positive > 50000);
}

TEST_CASE("LB_Keogh envelope matches a brute-force window", "[cluster][dtw][bounds]") {
  const std::vector<double> y = {3, 1, 4, 1, 5, 9, 2, 6};
  segcast::Envelope envelope;
  // Query of length 5 against 8 steps, radius 1: row i sees columns [i - 1, i + 3 + 1].
  segcast::ComputeEnvelope(y.data(), 8, 1, 5, 1, envelope);
  const std::vector<double> upper = {5, 9, 9, 9, 9};
  const std::vector<double> lower = {1, 1, 1, 1, 1};
  CHECK(envelope.upper == upper);
  CHECK(envelope.lower == lower);
  segcast::ComputeEnvelope(y.data(), 8, 1, 8, 0, envelope);
  CHECK(envelope.upper == y);
  CHECK(envelope.lower == y);
}

TEST_CASE("DtwBand validates and resolves", "[cluster][dtw]") {
  segcast::DtwBand band;
  CHECK(band.RadiusFor(10, 12) == -1);
  band.fraction = 0.1;
  CHECK(band.RadiusFor(10, 12) == 2);
  band.radius = 0;
  CHECK(band.RadiusFor(10, 12) == 0);
  band.radius = -2;
  CHECK_THROWS_AS(band.Validate(), segcast::InvalidArgument);
  CHECK(segcast::DtwCellCount(3, 3, 0) == 3);
  CHECK(segcast::DtwCellCount(3, 5, -1) == 15);
}
