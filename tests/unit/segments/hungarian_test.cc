#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "segcast/alignment.h"
#include "segcast/error.h"

using namespace segcast;

namespace {

double Cost(const std::vector<std::vector<double>>& cost, const std::vector<int>& assignment) {
  double total = 0;
  for (size_t row = 0; row < assignment.size(); ++row)
    if (assignment[row] >= 0) total += cost[row][assignment[row]];
  return total;
}

// Independent reference: every injective map from the smaller side into the larger one.
double BruteForceMinimum(const std::vector<std::vector<double>>& cost) {
  const int rows = static_cast<int>(cost.size());
  const int columns = static_cast<int>(cost[0].size());
  const bool transpose = rows > columns;
  const int small = std::min(rows, columns), large = std::max(rows, columns);
  std::vector<int> order(large);
  std::iota(order.begin(), order.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  do {
    double total = 0;
    for (int index = 0; index < small; ++index)
      total += transpose ? cost[order[index]][index] : cost[index][order[index]];
    best = std::min(best, total);
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

void CheckValidMatching(const std::vector<int>& assignment, int rows, int columns) {
  REQUIRE(static_cast<int>(assignment.size()) == rows);
  std::vector<int> used(columns, 0);
  int matched = 0;
  for (int column : assignment) {
    if (column < 0) continue;
    REQUIRE(column < columns);
    CHECK(++used[column] == 1);
    ++matched;
  }
  CHECK(matched == std::min(rows, columns));
}

}  // namespace

TEST_CASE("assignment of a hand-checked 3x3 matrix", "[segments][hungarian]") {
  // Rows pick columns 1, 0, 2 for a total of 1 + 2 + 2 = 5 (the diagonal costs 4 + 4 + 2 = 10).
  std::vector<std::vector<double>> cost = {{4, 1, 3}, {2, 4, 6}, {3, 5, 2}};
  std::vector<int> assignment = SolveAssignment(cost);
  CHECK(assignment == std::vector<int>{1, 0, 2});
  CHECK(Cost(cost, assignment) == 5);
}

TEST_CASE("assignment equals brute force on random square and rectangular matrices",
          "[segments][hungarian]") {
  std::mt19937_64 random(20111209);
  std::uniform_real_distribution<double> uniform(0.0, 10.0);
  std::uniform_int_distribution<int> small_integer(0, 3);  // many ties
  for (int trial = 0; trial < 400; ++trial) {
    const int rows = 1 + trial % 6;
    const int columns = 1 + (trial / 6) % 6;
    std::vector<std::vector<double>> cost(rows, std::vector<double>(columns));
    for (auto& row : cost)
      for (double& value : row) value = trial % 2 ? uniform(random) : small_integer(random);
    INFO("trial " << trial << ": " << rows << " x " << columns);
    std::vector<int> assignment = SolveAssignment(cost);
    CheckValidMatching(assignment, rows, columns);
    CHECK(Cost(cost, assignment) == Approx(BruteForceMinimum(cost)).margin(1e-9));
    CHECK(SolveAssignment(cost) == assignment);  // deterministic
  }
}

TEST_CASE("negative costs and large values are handled", "[segments][hungarian]") {
  std::vector<std::vector<double>> cost = {{-5, 1e9, 0}, {1e9, -1, 3}, {2, 2, -7}};
  std::vector<int> assignment = SolveAssignment(cost);
  CHECK(assignment == std::vector<int>{0, 1, 2});
}

TEST_CASE("bad cost matrices are refused", "[segments][hungarian]") {
  CHECK(SolveAssignment({}).empty());
  CHECK_THROWS_AS(SolveAssignment({{1, 2}, {3}}), InvalidArgument);
  CHECK_THROWS_AS(SolveAssignment({{1, std::nan("")}}), InvalidArgument);
  CHECK_THROWS_AS(SolveAssignment({{1, std::numeric_limits<double>::infinity()}}), InvalidArgument);
}
