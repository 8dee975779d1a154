#include "segcast/ingest.h"

namespace segcast {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformedRow: return "malformed_row";
    case RejectReason::kMissingCustomer: return "missing_customer";
    case RejectReason::kCancelled: return "cancelled";
    case RejectReason::kUnparseableNumber: return "unparseable_number";
    case RejectReason::kNonPositiveQuantity: return "non_positive_quantity";
    case RejectReason::kNegativePrice: return "negative_price";
    case RejectReason::kZeroPrice: return "zero_price";
    case RejectReason::kUnparseableDate: return "unparseable_date";
    case RejectReason::kFutureDate: return "future_date";
    case RejectReason::kDuplicate: return "duplicate";
    case RejectReason::kCancelledByLaterInvoice: return "cancelled_by_later_invoice";
  }
  return "unknown";
}

std::string_view DuplicateRuleName(DuplicateRule rule) {
  switch (rule) {
    case DuplicateRule::kAuto: return "auto";
    case DuplicateRule::kDrop: return "drop";
    case DuplicateRule::kKeep: return "keep";
  }
  return "unknown";
}

std::optional<DuplicateRule> ParseDuplicateRule(std::string_view name) {
  for (DuplicateRule rule : {DuplicateRule::kAuto, DuplicateRule::kDrop, DuplicateRule::kKeep}) {
    if (DuplicateRuleName(rule) == name) return rule;
  }
  return std::nullopt;
}

}  // namespace segcast
