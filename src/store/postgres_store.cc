// PostgreSQL back end through libpqxx 6.4. Every statement is parameterised ($n placeholders,
// values sent as text parameters). Rows go in column arrays, one array parameter per column, that
// one INSERT ... SELECT FROM unnest(...) turns back into rows: StoreOptions::batch_rows rows per
// round trip and one statement to parse, instead of one placeholder per cell. (COPY would be the
// other bulk path; libpqxx 6.4's stream_to takes only fixed-size tuples and its tablewriter is
// deprecated and not safe with multibyte text.) The run lock is a session-level advisory lock on a dedicated connection,
// so the server releases it if the process dies; segcast_lock only records who holds it.
// Built as the loadable module libsegcast_store_postgres.so (store/postgres_module.h).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <vector>

#include "segcast/error.h"
#include "segcast/store.h"
#include "store/postgres_module.h"
#include "store/store_tables.h"

namespace segcast {
namespace internal {
namespace {

// Arbitrary fixed keys ("segcast" in ASCII, plus a suffix) shared by every segcast process.
constexpr int64_t kRunLockKey = 0x7365676361737401;
constexpr int64_t kSchemaLockKey = 0x7365676361737402;

// libpq messages span lines and end with a newline; a log line wants one line, without secrets.
std::string OneLineReason(const std::string& text, const std::string& connection) {
  std::string reason = ScrubSecrets(text, connection);
  for (char& character : reason)
    if (character == '\n' || character == '\t') character = ' ';
  while (!reason.empty() && reason.back() == ' ') reason.pop_back();
  return reason;
}

// A cell as an element of PostgreSQL's array input syntax: double-quoted, a backslash before each
// double quote and backslash; an empty cell is NULL in a nullable real column and '' elsewhere
// (as the row encoders have always meant it).
void AppendArrayElement(const Value& value, ColumnType type, std::string& out) {
  if (std::holds_alternative<std::monostate>(value) && type == ColumnType::kNullableReal) {
    out += "NULL";
    return;
  }
  std::string text;
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    text = std::to_string(*integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    if (std::isnan(*real)) {
      text = "NaN";
    } else if (std::isinf(*real)) {
      text = *real > 0 ? "Infinity" : "-Infinity";
    } else {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "%.17g", *real);
      text = buffer;
    }
  } else if (const auto* string = std::get_if<std::string>(&value)) {
    text = *string;
  }
  out += '"';
  for (char character : text) {
    if (character == '"' || character == '\\') out += '\\';
    out += character;
  }
  out += '"';
}

// Rows [first, first + count) of one column as an array literal.
std::string ColumnArray(const std::vector<Row>& rows, size_t first, size_t count, size_t column,
                        ColumnType type) {
  std::string array = "{";
  for (size_t row = first; row < first + count; ++row) {
    if (row > first) array += ',';
    AppendArrayElement(rows[row][column], type, array);
  }
  array += '}';
  return array;
}

const char* ArrayType(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "TEXT[]";
    case ColumnType::kInteger:
      return "BIGINT[]";
    case ColumnType::kReal:
    case ColumnType::kNullableReal:
      return "DOUBLE PRECISION[]";
  }
  return "TEXT[]";
}

// INSERT INTO t (a, b, ...) SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], ...).
std::string UnnestInsertStatement(const TableSpec& table) {
  std::string columns, arrays;
  for (size_t index = 0; index < table.columns.size(); ++index) {
    columns += (index ? ", " : "") + std::string(table.columns[index].name);
    arrays += (index ? ", $" : "$") + std::to_string(index + 1) + "::" + ArrayType(table.columns[index].type);
  }
  return "INSERT INTO " + std::string(table.name) + " (" + columns + ") SELECT * FROM unnest(" + arrays + ")";
}

Value FromField(const pqxx::field& field, ColumnType type) {
  if (field.is_null()) return Value(std::monostate{});
  const char* text = field.c_str();
  switch (type) {
    case ColumnType::kInteger:
      return Value(static_cast<int64_t>(std::strtoll(text, nullptr, 10)));
    case ColumnType::kReal:
    case ColumnType::kNullableReal:
      return Value(std::strtod(text, nullptr));
    case ColumnType::kText:
      break;
  }
  return Value(std::string(text, field.size()));
}

class AdvisoryLock : public StoreLock {
 public:
  explicit AdvisoryLock(std::unique_ptr<pqxx::connection> connection)
      : connection_(std::move(connection)) {}
  ~AdvisoryLock() override {
    try {
      pqxx::nontransaction work(*connection_);
      work.exec("DELETE FROM segcast_lock WHERE id = 1");
      work.exec_params("SELECT pg_advisory_unlock($1)", kRunLockKey);
    } catch (...) {
      // Closing the connection below releases the advisory lock anyway.
    }
  }

 private:
  std::unique_ptr<pqxx::connection> connection_;
};

class PostgresStore : public ResultStore {
 public:
  PostgresStore(std::string connection, const StoreOptions& options)
      : connection_string_(std::move(connection)), options_(options) {
    connection_ = Connect();
    Guard("creating the schema", [&] {
      pqxx::work work(*connection_);
      // Two processes creating the tables at once would race on the catalogue.
      work.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLockKey);
      for (const std::string& sql : SchemaStatements()) work.exec(sql);
      const pqxx::result recorded =
          work.exec("SELECT value FROM segcast_meta WHERE key = 'schema_version'");
      const std::string problem =
          SchemaUpgradeProblem(recorded.empty() ? "" : recorded[0][0].as<std::string>());
      if (!problem.empty()) throw DatabaseError(problem, {.file = Describe()});
      // A new store, or an older one whose new tables the statements above just created.
      work.exec_params(
          "INSERT INTO segcast_meta (key, value) VALUES ($1, $2) "
          "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
          std::string("schema_version"), std::to_string(kSchemaVersion));
      work.commit();
    });
  }

  void WriteRun(const StoredRun& run) override {
    CheckRun(run);
    Guard("writing run '" + run.info.run_id + "' (nothing was changed)", [&] {
      pqxx::work work(*connection_);
      DeleteRows(work, run.info.run_id);
      for (int table = 0; table < kTableCount; ++table) {
        const TableSpec& spec = Tables()[table];
        const std::vector<Row> rows = EncodeRows(static_cast<TableId>(table), run);
        const std::string sql = UnnestInsertStatement(spec);
        for (size_t first = 0; first < rows.size(); first += options_.batch_rows) {
          const size_t count =
              std::min(rows.size() - first, static_cast<size_t>(options_.batch_rows));
          std::vector<std::string> arrays;
          arrays.reserve(spec.columns.size());
          for (size_t column = 0; column < spec.columns.size(); ++column) {
            arrays.push_back(ColumnArray(rows, first, count, column, spec.columns[column].type));
          }
          work.exec_params(sql, pqxx::prepare::make_dynamic_params(arrays));
        }
      }
      // Until this commit nothing is visible; an exception above aborts the whole transaction.
      work.commit();
    });
  }

  std::vector<RunInfo> ListRuns() override {
    std::vector<RunInfo> runs;
    Guard("listing runs", [&] {
      const TableSpec& spec = Tables()[kRunsTable];
      std::string sql = "SELECT ";
      for (size_t index = 0; index < spec.columns.size(); ++index)
        sql += (index ? ", " : "") + std::string(spec.columns[index].name);
      sql += " FROM runs ORDER BY created_at DESC, run_id";
      pqxx::read_transaction work(*connection_);
      for (const pqxx::row& row : work.exec(sql)) {
        StoredRun run;
        DecodeRow(kRunsTable, ReadRow(row, spec), run);
        runs.push_back(std::move(run.info));
      }
    });
    return runs;
  }

  bool HasRun(const std::string& run_id) override {
    bool found = false;
    Guard("looking up a run", [&] {
      pqxx::read_transaction work(*connection_);
      found = !work.exec_params("SELECT 1 FROM runs WHERE run_id = $1", run_id).empty();
    });
    return found;
  }

  StoredRun LoadRun(const std::string& run_id, const LoadParts& parts) override {
    StoredRun run;
    bool found = false;
    Guard("reading run '" + run_id + "'", [&] {
      // Repeatable read: every table from the same snapshot.
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> work(*connection_);
      for (int table = 0; table < kTableCount; ++table) {
        const TableId id = static_cast<TableId>(table);
        if (!WantTable(id, parts)) continue;
        const TableSpec& spec = Tables()[table];
        for (const pqxx::row& row : work.exec_params(SelectStatement(spec, true), run_id)) {
          DecodeLoadedRow(id, ReadRow(row, spec), parts, run);
          found = true;
        }
        if (!found) break;
      }
    });
    if (!found) {
      throw InvalidArgument("no run '" + run_id + "' in " + Describe(),
                            {.field = "run_id", .expected = "an id listed by ListRuns()"});
    }
    return run;
  }

  bool DeleteRun(const std::string& run_id) override {
    bool existed = false;
    Guard("deleting run '" + run_id + "'", [&] {
      pqxx::work work(*connection_);
      existed = !work.exec_params("SELECT 1 FROM runs WHERE run_id = $1", run_id).empty();
      DeleteRows(work, run_id);
      work.commit();
    });
    return existed;
  }

  std::unique_ptr<StoreLock> AcquireRunLock(const std::string& holder) override {
    std::unique_ptr<pqxx::connection> lock_connection = Connect();
    bool acquired = false;
    std::string current;
    Guard("taking the run lock", [&] {
      pqxx::nontransaction work(*lock_connection);
      acquired = work.exec_params("SELECT pg_try_advisory_lock($1)", kRunLockKey)[0][0].as<bool>();
      if (acquired) {
        work.exec_params(
            "INSERT INTO segcast_lock (id, holder, acquired_at) VALUES (1, $1, $2) "
            "ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, "
            "acquired_at = EXCLUDED.acquired_at",
            holder, UtcNow());
      } else {
        pqxx::result row = work.exec("SELECT holder, acquired_at FROM segcast_lock WHERE id = 1");
        if (!row.empty())
          current = row[0][0].as<std::string>() + ", since " + row[0][1].as<std::string>();
      }
    });
    if (!acquired) {
      throw BusyError("another segcast run is writing to " + Describe() + " (" +
                      (current.empty() ? std::string("holder unknown") : current) +
                      "); wait for it to finish. The lock is released when that process ends");
    }
    return std::make_unique<AdvisoryLock>(std::move(lock_connection));
  }

  std::string Describe() const override { return RedactConnectionString(connection_string_); }

 private:
  std::unique_ptr<pqxx::connection> Connect() {
    try {
      return std::make_unique<pqxx::connection>(connection_string_);
    } catch (const std::exception& error) {
      throw DatabaseError("cannot connect to " + Describe() + ": " +
                          OneLineReason(error.what(), connection_string_));
    }
  }

  // Runs `body`, turning driver exceptions into DatabaseError with secrets scrubbed.
  template <typename Body>
  void Guard(const std::string& what, Body&& body) {
    try {
      body();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& error) {
      throw DatabaseError(what + " failed on " + Describe() + ": " +
                          OneLineReason(error.what(), connection_string_));
    }
  }

  static void DeleteRows(pqxx::work& work, const std::string& run_id) {
    for (int table = kTableCount - 1; table >= 0; --table) {
      work.exec_params("DELETE FROM " + std::string(Tables()[table].name) + " WHERE run_id = $1",
                       run_id);
    }
  }

  static Row ReadRow(const pqxx::row& row, const TableSpec& spec) {
    Row values;
    values.reserve(spec.columns.size());
    for (size_t column = 0; column < spec.columns.size(); ++column)
      values.push_back(
          FromField(row[static_cast<pqxx::row::size_type>(column)], spec.columns[column].type));
    return values;
  }

  std::string connection_string_;
  StoreOptions options_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace
}  // namespace internal
}  // namespace segcast

// The module's only exported symbol (everything else is hidden); see store/postgres_module.h.
extern "C" __attribute__((visibility("default"))) segcast::ResultStore* segcast_store_postgres_open(
    const std::string& connection, const segcast::StoreOptions& options) {
  static_assert(std::is_same_v<decltype(&segcast_store_postgres_open),
                               segcast::internal::OpenPostgresStoreFunction>);
  return new segcast::internal::PostgresStore(connection, options);
}
