// Migration between two runs: who moved from which segment to which.
//
// Both runs' assignments use stable segment ids (after AlignSegments). Customers present only in
// the current run come from the pseudo-segment kNoSegment ("new"); customers present only in the
// previous run go to kNoSegment ("gone"). The matrix therefore sums exactly: the row of previous
// segment s totals s's previous customer count, the column of current segment s totals its
// current count.
//
//   segcast::MigrationResult migration = segcast::BuildMigration(previous, current);
//   for (const auto& cell : migration.matrix)
//     std::cout << cell.from_segment << " -> " << cell.to_segment << ": " << cell.customers <<
//     "\n";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace segcast {

//! Segment id standing for "not in that run": new customers come from it, gone ones go to it.
inline constexpr int32_t kNoSegment = -1;

//! One run's assignments: parallel vectors, one entry per customer. Customer ids are unique.
struct RunAssignments {
  std::vector<std::string> customer_ids;
  std::vector<int32_t> segment;  //!< stable segment id, >= 0
  std::vector<double> revenue;   //!< the customer's revenue in that run (empty: all 0)
};

//! What happened to a customer between the two runs.
enum class MoveKind {
  kStayed,  //!< in both runs, same segment
  kMoved,   //!< in both runs, another segment
  kNew,     //!< only in the current run
  kGone,    //!< only in the previous run
};
//! "stayed", "moved", "new", "gone".
const char* MoveKindName(MoveKind kind);

//! One customer's move.
struct CustomerMove {
  std::string customer_id;
  int32_t from_segment = kNoSegment;  //!< previous segment, kNoSegment when new
  int32_t to_segment = kNoSegment;    //!< current segment, kNoSegment when gone
  double previous_revenue = 0.0;      //!< revenue in the previous run (0 when new)
  double current_revenue = 0.0;       //!< revenue in the current run (0 when gone)
  MoveKind kind = MoveKind::kStayed;
};

//! One non-empty cell of the migration matrix.
struct MigrationCell {
  int32_t from_segment = kNoSegment;
  int32_t to_segment = kNoSegment;
  int64_t customers = 0;
  double previous_revenue = 0.0;  //!< sum of the movers' revenue in the previous run
  double current_revenue = 0.0;   //!< sum of the movers' revenue in the current run
};

struct MigrationResult {
  //! Non-empty cells sorted by (from, to), kNoSegment first.
  std::vector<MigrationCell> matrix;
  //! Every customer of either run, sorted by customer id.
  std::vector<CustomerMove> moves;
  int64_t stayed = 0;         //!< customers of both runs in the same segment
  int64_t moved = 0;          //!< customers of both runs in another segment
  int64_t new_customers = 0;  //!< customers only in the current run
  int64_t gone = 0;           //!< customers only in the previous run
  //! "4,100 stayed, 180 moved, 210 new, 95 gone".
  std::string BriefReport() const;
};

//! Throws InvalidArgument on duplicate customer ids, negative segments or length mismatch.
MigrationResult BuildMigration(const RunAssignments& previous, const RunAssignments& current);

}  // namespace segcast
