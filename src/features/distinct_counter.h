// Counts distinct (invoice, group) pairs in one pass without sorting: an invoice almost always
// belongs to one group (one customer, or one customer-month), so the first group seen is kept
// per invoice and only the rare other pairs go to a hash set.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

namespace segcast::internal {

class DistinctInvoiceCounter {
 public:
  explicit DistinctInvoiceCounter(size_t invoices) : owner_(invoices, -1) {}

  //! True the first time (invoice, group) is seen. `group` must be >= 0.
  bool FirstTime(int32_t invoice, int64_t group) {
    int64_t& owner = owner_[invoice];
    if (owner == -1) {
      owner = group;
      return true;
    }
    if (owner == group) return false;
    return others_.insert((static_cast<uint64_t>(group) << 32) ^ static_cast<uint32_t>(invoice)).second;
  }

 private:
  std::vector<int64_t> owner_;
  std::unordered_set<uint64_t> others_;
};

}  // namespace segcast::internal
