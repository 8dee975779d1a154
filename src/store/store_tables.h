// The store's tables, described once and shared by the SQLite and PostgreSQL back ends: DDL,
// column lists, and the conversion of a StoredRun to rows of plain values and back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "segcast/store.h"

namespace segcast::internal {

enum class ColumnType { kText, kInteger, kReal, kNullableReal };

struct Column {
  const char* name;
  ColumnType type;
};

struct TableSpec {
  const char* name;
  std::vector<Column> columns;   //!< run_id first
  std::vector<const char*> key;  //!< primary key columns (run_id first)
};

//! A cell: NULL, integer, real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

//! Index of each table in Tables(); runs first, so inserts satisfy the foreign keys.
enum TableId : int {
  kRunsTable,
  kCustomersTable,
  kAssignmentsTable,
  kSegmentsTable,
  kCentroidsTable,
  kForecastsTable,
  kMigrationsTable,
  kMovesTable,
  kPanelTable,      //!< schema 2
  kDocumentsTable,  //!< schema 2
  kCustomerValuesTable,  //!< schema 3
  kTableCount
};

const std::vector<TableSpec>& Tables();
//! The schema version written into segcast_meta; bump when a table changes (store.h documents
//! what each version added).
inline constexpr int kSchemaVersion = kStoreSchemaVersion;

//! What OpenStore does with the schema_version a store already records: "" to go on (after the
//! CREATE ... IF NOT EXISTS statements added what an older version lacked), else the reason to
//! refuse the store. `recorded` is "" for a new store.
std::string SchemaUpgradeProblem(const std::string& recorded);

//! CREATE TABLE / CREATE INDEX statements, valid in both SQLite and PostgreSQL.
std::vector<std::string> SchemaStatements();

//! "INSERT INTO t (c1, c2) VALUES (?, ?), (?, ?)" with `rows` tuples; placeholders are "?" or
//! "$n" (PostgreSQL) depending on `numbered`.
std::string InsertStatement(const TableSpec& table, int rows, bool numbered);
//! "SELECT c1, c2 FROM t WHERE run_id = ? ORDER BY key".
std::string SelectStatement(const TableSpec& table, bool numbered);

//! Rows of one table for a run.
std::vector<Row> EncodeRows(TableId table, const StoredRun& run);
//! The same rows, in the same order, handed to `use` one at a time: a writer need not hold a
//! table of millions of rows (the panel has one per customer and month) as values twice over.
void ForEachRow(TableId table, const StoredRun& run, const std::function<void(const Row&)>& use);
//! Adds one row read back from `table` to `run`.
void DecodeRow(TableId table, const Row& row, StoredRun& run);
//! Adds one row read back from `table` to `run`, or hands a panel row to `parts.panel_rows`.
void DecodeLoadedRow(TableId table, const Row& row, const LoadParts& parts, StoredRun& run);
//! Whether LoadParts asks for the table.
bool WantTable(TableId table, const LoadParts& parts);

//! Checks a run before writing: a non-empty run id of at most 200 bytes. Duplicate keys are left
//! to the database's primary keys, which fail the transaction as a whole.
void CheckRun(const StoredRun& run);

//! The current time as "YYYY-MM-DDTHH:MM:SSZ" (UTC), for lock holder records.
std::string UtcNow();

//! The password in a connection string ("" if none), to scrub it from driver messages.
std::string ExtractPassword(const std::string& connection);
//! `message` with every occurrence of the connection string and of its password replaced.
std::string ScrubSecrets(std::string message, const std::string& connection);

}  // namespace segcast::internal
