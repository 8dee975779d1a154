// The SQL examples of docs/store.md run as written against a store holding two runs, so the
// documentation cannot drift from the schema.
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "segcast/store.h"
#include "unit/store/store_contract.h"

using namespace segcast;
namespace fs = std::filesystem;

TEST_CASE("the SQL examples of docs/store.md run on SQLite and return rows", "[store][docs]") {
  const std::vector<std::string> queries = testing::DocumentedQueries();
  REQUIRE(queries.size() == 8);
  const fs::path directory =
      fs::temp_directory_path() / ("segcast_doc_queries_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  const std::string path = (directory / "segcast.db").string();
  {
    auto store = OpenStore(path);
    store->WriteRun(testing::ExampleRun("2011-06-30", 6, 1.0));
    store->WriteRun(testing::ExampleRun("2011-12-09", 9, 2.0));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  for (const std::string& query : queries) {
    INFO(query);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    int rows = 0;
    int status = SQLITE_OK;
    while ((status = sqlite3_step(statement)) == SQLITE_ROW) ++rows;
    CHECK(status == SQLITE_DONE);
    CHECK(rows > 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  fs::remove_all(directory);
}
