// PostgreSQL store tests. They need a server: tests/support/with_postgres.sh starts a throw-away
// cluster and sets SEGCAST_TEST_POSTGRES; without it each case says so and checks nothing.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>

#include "segcast/error.h"
#include "segcast/store.h"
#include "unit/store/sample_run_values.h"
#include "unit/store/store_contract.h"

using namespace segcast;

namespace {

// The connection string of the throw-away server, or "" (with a message) when there is none.
std::string PostgresConnection() {
  const char* connection = std::getenv("SEGCAST_TEST_POSTGRES");
  if (!connection || !*connection) {
    WARN(
        "skipped: SEGCAST_TEST_POSTGRES is not set; run tests/support/with_postgres.sh "
        "(CTest: postgres_store) to test against a real PostgreSQL server");
    return "";
  }
  REQUIRE(PostgresSupported());
  return connection;
}

// Runs start from an empty database.
void DropRuns(const std::string& connection) {
  auto store = OpenStore(connection);
  for (const RunInfo& run : store->ListRuns()) store->DeleteRun(run.run_id);
}

}  // namespace

TEST_CASE("PostgreSQL store meets the store contract", "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  testing::RunStoreContract(
      [&] { return OpenStore(connection, {.busy_timeout_seconds = 10.0, .batch_rows = 4}); });
  DropRuns(connection);
}

TEST_CASE("PostgreSQL: large runs go in batches", "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  StoredRun big = testing::ExampleRun("big", 1234, 1.5);
  auto store = OpenStore(connection);
  store->WriteRun(big);
  testing::CheckSameRun(big, store->LoadRun("big"));
  DropRuns(connection);
}

TEST_CASE("PostgreSQL: a wrong password is reported without the password", "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  const std::string password = "Wr0ngPassw0rd-" + std::to_string(std::rand() % 1000);
  std::string wrong = connection;
  const size_t at = wrong.find('@');
  const size_t colon = wrong.find(':', wrong.find("://") + 3);
  REQUIRE(at != std::string::npos);
  REQUIRE(colon < at);
  wrong.replace(colon + 1, at - colon - 1, password);
  try {
    OpenStore(wrong);
    FAIL("connected with a wrong password");
  } catch (const DatabaseError& error) {
    const std::string message = error.what();
    INFO(message);
    CHECK(message.find(password) == std::string::npos);
    CHECK(message.find("***") != std::string::npos);
    CHECK(message.find("cannot connect to") != std::string::npos);
    CHECK(ExitCodeFor(error) == 5);
  }
}

TEST_CASE("PostgreSQL: the SQL examples of docs/store.md run and return rows",
          "[store][postgres][docs]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  {
    auto store = OpenStore(connection);
    store->WriteRun(testing::ExampleRun("2011-06-30", 6, 1.0));
    store->WriteRun(testing::ExampleRun("2011-12-09", 9, 2.0));
  }
  const std::vector<std::string> queries = testing::DocumentedQueries();
  REQUIRE(queries.size() == 8);
  pqxx::connection database(connection);
  for (const std::string& query : queries) {
    INFO(query);
    pqxx::read_transaction work(database);
    CHECK(work.exec(query).size() > 0);
  }
  DropRuns(connection);
}

namespace {

void SetRecordedVersion(const std::string& connection, const std::string& version,
                        const std::vector<std::string>& drop_tables) {
  pqxx::connection database(connection);
  pqxx::work work(database);
  work.exec_params("UPDATE segcast_meta SET value = $1 WHERE key = 'schema_version'", version);
  for (const std::string& table : drop_tables) work.exec("DROP TABLE " + table);
  work.commit();
}

std::string RecordedVersion(const std::string& connection) {
  pqxx::connection database(connection);
  pqxx::read_transaction work(database);
  return work.exec("SELECT value FROM segcast_meta WHERE key = 'schema_version'")[0][0].as<std::string>();
}

bool HasTable(const std::string& connection, const std::string& table) {
  pqxx::connection database(connection);
  pqxx::read_transaction work(database);
  return work.exec_params("SELECT to_regclass($1) IS NOT NULL", table)[0][0].as<bool>();
}

}  // namespace

TEST_CASE("PostgreSQL: a schema 1 store is upgraded in place, a newer one refused",
          "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  OpenStore(connection)->WriteRun(testing::ExampleRun("2011-06-30", 5, 1.0));
  CHECK(RecordedVersion(connection) == "3");
  SetRecordedVersion(connection, "1", {"panel", "run_documents", "customer_values"});
  CHECK_FALSE(HasTable(connection, "customer_values"));
  {
    auto store = OpenStore(connection);
    CHECK(RecordedVersion(connection) == "3");
    CHECK(HasTable(connection, "customer_values"));
    const StoredRun loaded = store->LoadRun("2011-06-30");
    CHECK(loaded.customers.size() == 5);
    CHECK(loaded.panel.empty());
    CHECK(loaded.documents.empty());
    CHECK(loaded.customer_values.empty());
    const StoredRun new_run = testing::ExampleRun("2011-12-09", 4, 2.0);
    store->WriteRun(new_run);
    testing::CheckSameRun(new_run, store->LoadRun("2011-12-09"));
  }
  SetRecordedVersion(connection, "4", {});
  try {
    OpenStore(connection);
    FAIL("a schema 4 store was opened");
  } catch (const DatabaseError& error) {
    CHECK(std::string(error.what()).find("newer than this segcast's 3") != std::string::npos);
  }
  SetRecordedVersion(connection, "3", {});
  DropRuns(connection);
}

TEST_CASE("PostgreSQL: a schema 2 store gains customer_values, its runs intact", "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  const StoredRun old_run = testing::ExampleRun("2011-06-30", 6, 1.0);
  OpenStore(connection)->WriteRun(old_run);
  SetRecordedVersion(connection, "2", {"customer_values"});
  {
    auto store = OpenStore(connection);
    CHECK(RecordedVersion(connection) == "3");
    StoredRun expected = old_run;
    expected.customer_values.clear();
    testing::CheckSameRun(expected, store->LoadRun("2011-06-30"));
    store->WriteRun(old_run);
    testing::CheckSameRun(old_run, store->LoadRun("2011-06-30"));
    const StoredRun new_run = testing::ExampleRun("2011-12-09", 9, 2.0);
    store->WriteRun(new_run);
    testing::CheckSameRun(new_run, store->LoadRun("2011-12-09"));
  }
  DropRuns(connection);
}

TEST_CASE("PostgreSQL: a run of the bundled sample stores clv.csv's rows as customer_values",
          "[store][postgres][customer_values]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("segcast_pg_sample_values_" + std::to_string(::getpid()));
  std::filesystem::remove_all(work);
  testing::CheckSampleRunValues(connection, work);
  std::filesystem::remove_all(work);
  DropRuns(connection);
}
