// Constructors of the store back ends; OpenStore picks one from the connection string.
#pragma once

#include <memory>
#include <string>

#include "segcast/store.h"

namespace segcast::internal {

std::unique_ptr<ResultStore> OpenSqliteStore(const std::string& path, const StoreOptions& options);
std::unique_ptr<ResultStore> OpenPostgresStore(const std::string& connection,
                                               const StoreOptions& options);

}  // namespace segcast::internal
