// The contract between the static store library and the PostgreSQL module
// (libsegcast_store_postgres.so, loaded on demand by core/module_loader.h): one extern "C" factory.
// The module holds its own copies of the store's table code and of the error types; exceptions it
// throws (segcast::DatabaseError, BusyError, InvalidArgument) are caught by type in the caller,
// since libstdc++ matches exception types across shared objects by their mangled names.
#pragma once

#include <string>

#include "segcast/store.h"

namespace segcast::internal {

inline constexpr const char* kPostgresModule = "segcast_store_postgres";
inline constexpr const char* kPostgresModuleEntry = "segcast_store_postgres_open";

//! Opens a PostgreSQL store; the caller owns the result (delete through ResultStore's virtual
//! destructor, which runs the module's code). Throws DatabaseError as OpenStore documents.
using OpenPostgresStoreFunction = ResultStore* (*)(const std::string& connection,
                                                   const StoreOptions& options);

}  // namespace segcast::internal
