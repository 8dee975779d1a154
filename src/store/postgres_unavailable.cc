// Built when libpqxx was not found at configure time: PostgreSQL URLs fail with a clear message.
#include "segcast/error.h"
#include "segcast/store.h"
#include "store/backends.h"

namespace segcast {

bool PostgresSupported() { return false; }

namespace internal {

std::unique_ptr<ResultStore> OpenPostgresStore(const std::string& /*connection*/,
                                               const StoreOptions& /*options*/) {
  throw DatabaseError("this segcast was built without PostgreSQL support (libpqxx not found)",
                      {.field = "db", .expected = "sqlite:PATH, or a build with libpqxx-dev"});
}

}  // namespace internal
}  // namespace segcast
