#include "segcast/migration.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "segcast/error.h"
#include "internal/text_output.h"

namespace segcast {
namespace {

using internal::WithThousands;

struct RunMember {
  int32_t segment = kNoSegment;
  double revenue = 0.0;
};

std::unordered_map<std::string, RunMember> IndexRun(const RunAssignments& run, const char* which) {
  const size_t count = run.customer_ids.size();
  if (run.segment.size() != count || (!run.revenue.empty() && run.revenue.size() != count)) {
    throw InvalidArgument("customer_ids, segment and revenue differ in length",
                          {.field = std::string(which), .expected = "parallel vectors"});
  }
  std::unordered_map<std::string, RunMember> members;
  members.reserve(count);
  for (size_t customer = 0; customer < count; ++customer) {
    if (run.segment[customer] < 0) {
      throw InvalidArgument("negative segment id for customer " + run.customer_ids[customer],
                            {.field = std::string(which) + ".segment", .expected = ">= 0"});
    }
    RunMember member{run.segment[customer], run.revenue.empty() ? 0.0 : run.revenue[customer]};
    if (!members.emplace(run.customer_ids[customer], member).second) {
      throw InvalidArgument(
          "duplicate customer id " + run.customer_ids[customer],
          {.field = std::string(which) + ".customer_ids", .expected = "unique ids"});
    }
  }
  return members;
}


}  // namespace

const char* MoveKindName(MoveKind kind) {
  switch (kind) {
    case MoveKind::kStayed:
      return "stayed";
    case MoveKind::kMoved:
      return "moved";
    case MoveKind::kNew:
      return "new";
    case MoveKind::kGone:
      return "gone";
  }
  return "?";
}

MigrationResult BuildMigration(const RunAssignments& previous, const RunAssignments& current) {
  const auto previous_members = IndexRun(previous, "previous");
  const auto current_members = IndexRun(current, "current");

  MigrationResult result;
  result.moves.reserve(previous_members.size() + current_members.size());
  for (const auto& [id, member] : current_members) {
    CustomerMove move;
    move.customer_id = id;
    move.to_segment = member.segment;
    move.current_revenue = member.revenue;
    auto found = previous_members.find(id);
    if (found == previous_members.end()) {
      move.kind = MoveKind::kNew;
    } else {
      move.from_segment = found->second.segment;
      move.previous_revenue = found->second.revenue;
      move.kind = move.from_segment == move.to_segment ? MoveKind::kStayed : MoveKind::kMoved;
    }
    result.moves.push_back(std::move(move));
  }
  for (const auto& [id, member] : previous_members) {
    if (current_members.count(id)) continue;
    CustomerMove move;
    move.customer_id = id;
    move.from_segment = member.segment;
    move.previous_revenue = member.revenue;
    move.kind = MoveKind::kGone;
    result.moves.push_back(std::move(move));
  }
  // Hash-map order is not deterministic; the output must be.
  std::sort(
      result.moves.begin(), result.moves.end(),
      [](const CustomerMove& a, const CustomerMove& b) { return a.customer_id < b.customer_id; });

  std::map<std::pair<int32_t, int32_t>, MigrationCell> cells;
  for (const CustomerMove& move : result.moves) {
    MigrationCell& cell = cells[{move.from_segment, move.to_segment}];
    cell.from_segment = move.from_segment;
    cell.to_segment = move.to_segment;
    ++cell.customers;
    cell.previous_revenue += move.previous_revenue;
    cell.current_revenue += move.current_revenue;
    switch (move.kind) {
      case MoveKind::kStayed:
        ++result.stayed;
        break;
      case MoveKind::kMoved:
        ++result.moved;
        break;
      case MoveKind::kNew:
        ++result.new_customers;
        break;
      case MoveKind::kGone:
        ++result.gone;
        break;
    }
  }
  for (auto& [key, cell] : cells) result.matrix.push_back(cell);
  return result;
}

std::string MigrationResult::BriefReport() const {
  return WithThousands(stayed) + " stayed, " + WithThousands(moved) + " moved, " +
         WithThousands(new_customers) + " new, " + WithThousands(gone) + " gone";
}

}  // namespace segcast
