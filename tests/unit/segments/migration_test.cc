#include "segcast/migration.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "segcast/error.h"

using namespace segcast;

TEST_CASE("a hand-made migration: stayers, movers, new and gone", "[segments][migration]") {
  RunAssignments previous{{"a", "b", "c", "d", "e"}, {0, 0, 1, 1, 2}, {10, 20, 30, 40, 50}};
  RunAssignments current{{"e", "a", "b", "c", "f"}, {2, 0, 1, 1, 0}, {55, 11, 22, 33, 66}};
  MigrationResult migration = BuildMigration(previous, current);
  CHECK(migration.stayed == 3);         // a (0), c (1), e (2)
  CHECK(migration.moved == 1);          // b 0 -> 1
  CHECK(migration.new_customers == 1);  // f
  CHECK(migration.gone == 1);           // d
  CHECK(migration.BriefReport() == "3 stayed, 1 moved, 1 new, 1 gone");

  REQUIRE(migration.matrix.size() == 6);
  const MigrationCell& fresh = migration.matrix[0];
  CHECK(fresh.from_segment == kNoSegment);
  CHECK(fresh.to_segment == 0);
  CHECK(fresh.customers == 1);
  CHECK(fresh.current_revenue == 66);
  CHECK(fresh.previous_revenue == 0);
  const MigrationCell& moved = migration.matrix[2];
  CHECK(moved.from_segment == 0);
  CHECK(moved.to_segment == 1);
  CHECK(moved.previous_revenue == 20);
  CHECK(moved.current_revenue == 22);
  const MigrationCell& gone = migration.matrix[3];
  CHECK(gone.from_segment == 1);
  CHECK(gone.to_segment == kNoSegment);
  CHECK(gone.previous_revenue == 40);

  REQUIRE(migration.moves.size() == 6);
  CHECK(migration.moves[0].customer_id == "a");
  CHECK(migration.moves[1].kind == MoveKind::kMoved);
  CHECK(migration.moves[3].customer_id == "d");
  CHECK(migration.moves[3].kind == MoveKind::kGone);
  CHECK(migration.moves[3].to_segment == kNoSegment);
  CHECK(migration.moves[5].kind == MoveKind::kNew);
  CHECK(std::string(MoveKindName(MoveKind::kNew)) == "new");
}

TEST_CASE("migration matrix rows and columns sum to the runs' counts", "[segments][migration]") {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int> segment(0, 4);
  std::uniform_real_distribution<double> revenue(0, 100);
  std::bernoulli_distribution present(0.8);
  RunAssignments previous, current;
  for (int customer = 0; customer < 2000; ++customer) {
    const std::string id = std::string("c").append(std::to_string(customer));
    if (present(random)) {
      previous.customer_ids.push_back(id);
      previous.segment.push_back(segment(random));
      previous.revenue.push_back(revenue(random));
    }
    if (present(random)) {
      current.customer_ids.push_back(id);
      current.segment.push_back(segment(random));
      current.revenue.push_back(revenue(random));
    }
  }
  MigrationResult migration = BuildMigration(previous, current);
  std::map<int32_t, int64_t> previous_counts, current_counts, from_sums, to_sums;
  std::map<int32_t, double> current_revenue, to_revenue;
  for (size_t row = 0; row < previous.segment.size(); ++row)
    ++previous_counts[previous.segment[row]];
  for (size_t row = 0; row < current.segment.size(); ++row) {
    ++current_counts[current.segment[row]];
    current_revenue[current.segment[row]] += current.revenue[row];
  }
  int64_t total = 0;
  for (const MigrationCell& cell : migration.matrix) {
    if (cell.from_segment != kNoSegment) from_sums[cell.from_segment] += cell.customers;
    if (cell.to_segment != kNoSegment) {
      to_sums[cell.to_segment] += cell.customers;
      to_revenue[cell.to_segment] += cell.current_revenue;
    }
    total += cell.customers;
  }
  CHECK(from_sums == previous_counts);
  CHECK(to_sums == current_counts);
  for (auto& [id, value] : current_revenue) CHECK(to_revenue[id] == Approx(value));
  CHECK(total == static_cast<int64_t>(migration.moves.size()));
  CHECK(migration.stayed + migration.moved + migration.new_customers ==
        static_cast<int64_t>(current.customer_ids.size()));
  CHECK(migration.stayed + migration.moved + migration.gone ==
        static_cast<int64_t>(previous.customer_ids.size()));
}

TEST_CASE("bad assignments are refused", "[segments][migration]") {
  RunAssignments duplicate{{"a", "a"}, {0, 1}, {}};
  CHECK_THROWS_AS(BuildMigration(duplicate, {}), InvalidArgument);
  RunAssignments negative{{"a"}, {-1}, {}};
  CHECK_THROWS_AS(BuildMigration({}, negative), InvalidArgument);
  RunAssignments ragged{{"a", "b"}, {0}, {}};
  CHECK_THROWS_AS(BuildMigration(ragged, {}), InvalidArgument);
  RunAssignments no_revenue{{"a"}, {3}, {}};
  MigrationResult result = BuildMigration({}, no_revenue);
  CHECK(result.new_customers == 1);
  CHECK(result.matrix[0].current_revenue == 0);
}
