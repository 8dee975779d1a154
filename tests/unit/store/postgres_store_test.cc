// PostgreSQL store tests. They need a server: tests/support/with_postgres.sh starts a throw-away
// cluster and sets SEGCAST_TEST_POSTGRES; without it each case says so and checks nothing.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>

#include "segcast/error.h"
#include "segcast/store.h"
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
  REQUIRE(queries.size() == 6);
  pqxx::connection database(connection);
  for (const std::string& query : queries) {
    INFO(query);
    pqxx::read_transaction work(database);
    CHECK(work.exec(query).size() > 0);
  }
  DropRuns(connection);
}

TEST_CASE("PostgreSQL: a schema 1 store is upgraded in place, a newer one refused",
          "[store][postgres]") {
  const std::string connection = PostgresConnection();
  if (connection.empty()) return;
  DropRuns(connection);
  OpenStore(connection)->WriteRun(testing::ExampleRun("2011-06-30", 5, 1.0));
  auto set_version = [&connection](const std::string& version, bool drop_new_tables) {
    pqxx::connection database(connection);
    pqxx::work work(database);
    work.exec_params("UPDATE segcast_meta SET value = $1 WHERE key = 'schema_version'", version);
    if (drop_new_tables) work.exec("DROP TABLE panel; DROP TABLE run_documents");
    work.commit();
  };
  auto recorded_version = [&connection] {
    pqxx::connection database(connection);
    pqxx::read_transaction work(database);
    return work.exec("SELECT value FROM segcast_meta WHERE key = 'schema_version'")[0][0]
        .as<std::string>();
  };
  CHECK(recorded_version() == "2");
  set_version("1", true);
  {
    auto store = OpenStore(connection);
    CHECK(recorded_version() == "2");
    const StoredRun loaded = store->LoadRun("2011-06-30");
    CHECK(loaded.customers.size() == 5);
    CHECK(loaded.panel.empty());
    CHECK(loaded.documents.empty());
    const StoredRun new_run = testing::ExampleRun("2011-12-09", 4, 2.0);
    store->WriteRun(new_run);
    testing::CheckSameRun(new_run, store->LoadRun("2011-12-09"));
  }
  set_version("3", false);
  try {
    OpenStore(connection);
    FAIL("a schema 3 store was opened");
  } catch (const DatabaseError& error) {
    CHECK(std::string(error.what()).find("newer than this segcast's 2") != std::string::npos);
  }
  set_version("2", false);
  DropRuns(connection);
}
