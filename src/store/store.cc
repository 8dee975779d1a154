#include "segcast/store.h"

#include <string>

#include "segcast/error.h"
#include "store/backends.h"

namespace segcast {

void StoreOptions::Validate() const {
  if (!(busy_timeout_seconds >= 0.0 && busy_timeout_seconds <= 86400.0)) {
    throw InvalidArgument("out of range",
                          {.field = "busy_timeout_seconds", .expected = "0 to 86400 seconds"});
  }
  if (batch_rows < 1 || batch_rows > 1000000)
    throw InvalidArgument("out of range", {.field = "batch_rows", .expected = "1 to 1,000,000"});
}

namespace {

bool IsPostgres(const std::string& connection) {
  return connection.rfind("postgresql://", 0) == 0 || connection.rfind("postgres://", 0) == 0;
}

}  // namespace

std::string SqliteStorePath(const std::string& connection) {
  if (IsPostgres(connection)) return "";
  std::string path = connection.rfind("sqlite:", 0) == 0 ? connection.substr(7) : connection;
  // "sqlite:///abs/path" is the URI spelling some tools use; accept it as the plain path.
  if (path.rfind("//", 0) == 0) path = path.substr(2);
  return path;
}

std::unique_ptr<ResultStore> OpenStore(const std::string& connection, const StoreOptions& options) {
  options.Validate();
  if (IsPostgres(connection)) return internal::OpenPostgresStore(connection, options);
  const std::string path = SqliteStorePath(connection);
  if (path.empty()) {
    throw InvalidArgument(
        "no database path given",
        {.field = "db", .expected = "sqlite:PATH, a file path or postgresql://..."});
  }
  return internal::OpenSqliteStore(path, options);
}

}  // namespace segcast
