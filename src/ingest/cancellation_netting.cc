#include "ingest/cancellation_netting.h"

#include <algorithm>
#include <unordered_map>

namespace segcast::internal {
namespace {

struct MatchKey {
  int32_t customer;
  uint64_t product;
  bool operator==(const MatchKey& other) const { return customer == other.customer && product == other.product; }
};

struct MatchKeyHash {
  size_t operator()(const MatchKey& key) const {
    return static_cast<size_t>(key.product ^ (static_cast<uint64_t>(key.customer) * 0x9e3779b97f4a7c15ULL));
  }
};

// The purchase rows of one customer and product that still have units, oldest first.
using OpenRows = std::unordered_map<MatchKey, std::vector<size_t>, MatchKeyHash>;

// Only customer-product pairs that some cancellation names are worth remembering purchases for:
// a few thousand on Online Retail, against 400,000 rows.
OpenRows KeysOfCancellations(const std::vector<Cancellation>& cancellations) {
  OpenRows open;
  for (const Cancellation& cancellation : cancellations) {
    if (cancellation.customer >= 0) open.try_emplace(MatchKey{cancellation.customer, cancellation.product});
  }
  return open;
}

// Takes the cancellation's units from the latest open rows; rows emptied are closed.
CancellationMatch TakeUnits(const Cancellation& cancellation, std::vector<size_t>& rows,
                            const PurchaseColumns& purchases, std::vector<double>& left) {
  CancellationMatch match;
  double wanted = cancellation.quantity;
  while (wanted > 0 && !rows.empty()) {
    const size_t row = rows.back();
    if (match.quantity == 0) match.latest_row = row;
    const double taken = std::min(wanted, left[row]);
    left[row] -= taken;
    wanted -= taken;
    match.quantity += taken;
    match.revenue += purchases.revenue[row] / purchases.quantity[row] * taken;
    if (left[row] <= 0) {
      left[row] = 0;
      rows.pop_back();
    }
  }
  return match;
}

}  // namespace

MatchPlan MatchCancellations(const PurchaseColumns& purchases, const std::vector<Cancellation>& cancellations) {
  MatchPlan plan;
  plan.quantity = purchases.quantity;
  OpenRows open = KeysOfCancellations(cancellations);
  if (open.empty()) return plan;
  const size_t rows = purchases.line.size();
  size_t row = 0;
  for (size_t index = 0; index < cancellations.size(); ++index) {
    const Cancellation& cancellation = cancellations[index];
    // Every purchase above the cancellation becomes a candidate before it is matched.
    for (; row < rows && purchases.line[row] < cancellation.line; ++row) {
      auto found = open.find(MatchKey{purchases.customer[row], purchases.product[row]});
      if (found != open.end()) found->second.push_back(row);
    }
    if (cancellation.customer < 0) continue;
    std::vector<size_t>& candidates = open.find(MatchKey{cancellation.customer, cancellation.product})->second;
    CancellationMatch match = TakeUnits(cancellation, candidates, purchases, plan.quantity);
    if (match.quantity <= 0) continue;
    match.cancellation = index;
    plan.matches.push_back(match);
  }
  return plan;
}

}  // namespace segcast::internal
