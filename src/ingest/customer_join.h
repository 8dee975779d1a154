// Left joins of per-customer tables (KPMG CustomerDemographic, CustomerAddress) into
// Transactions::attributes, on the customer id.
#pragma once

#include <string>

#include "segcast/ingest.h"

namespace segcast::internal {

//! Appends every column of the table but `key` to table.attributes (a name already taken gets
//! the suffix "_2", "_3", ...). Customers without a match get "". When the key repeats, its first
//! row is used. `normalise_ids` applies IngestOptions::normalise_customer_ids to the key column.
//! Returns the report entry. Throws InputError when `key` is not in the header.
IngestReport::Join JoinCustomerTable(const std::string& path, const std::string& key, bool normalise_ids,
                                     Transactions& table);

}  // namespace segcast::internal
