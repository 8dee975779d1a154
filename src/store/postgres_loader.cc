// PostgreSQL stores come from a module loaded on first use: libpqxx, libpq and what they pull in
// (Kerberos, LDAP, GnuTLS: some 25 shared objects) are then mapped only by processes that open
// one, not at the start of every command.
#include <memory>
#include <string>

#include "core/module_loader.h"
#include "segcast/error.h"
#include "segcast/store.h"
#include "store/backends.h"
#include "store/postgres_module.h"

namespace segcast {

bool PostgresSupported() { return true; }

namespace internal {

std::unique_ptr<ResultStore> OpenPostgresStore(const std::string& connection,
                                               const StoreOptions& options) {
  const auto open = LoadModuleEntry<DatabaseError, OpenPostgresStoreFunction>(
      kPostgresModule, kPostgresModuleEntry,
      "libsegcast_store_postgres.so beside the segcast executable (build the "
      "segcast_store_postgres target; it needs libpqxx-dev), or use sqlite:PATH");
  return std::unique_ptr<ResultStore>(open(connection, options));
}

}  // namespace internal
}  // namespace segcast
