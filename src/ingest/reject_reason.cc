#include "segcast/ingest.h"

namespace segcast {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformedRow: return "malformed_row";
    case RejectReason::kMissingCustomer: return "missing_customer";
    case RejectReason::kCancelled: return "cancelled";
    case RejectReason::kUnparseableNumber: return "unparseable_number";
    case RejectReason::kNonPositiveQuantity: return "non_positive_quantity";
    case RejectReason::kNonPositivePrice: return "non_positive_price";
    case RejectReason::kUnparseableDate: return "unparseable_date";
    case RejectReason::kFutureDate: return "future_date";
    case RejectReason::kDuplicate: return "duplicate";
  }
  return "unknown";
}

}  // namespace segcast
