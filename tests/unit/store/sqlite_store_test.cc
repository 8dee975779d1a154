#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "segcast/error.h"
#include "segcast/store.h"
#include "unit/store/sample_run_values.h"
#include "unit/store/store_contract.h"

using namespace segcast;
namespace fs = std::filesystem;

namespace {

fs::path FreshDirectory(const std::string& name) {
  fs::path path =
      fs::temp_directory_path() / ("segcast_store_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

}  // namespace

TEST_CASE("SQLite store meets the store contract", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("contract");
  const std::string connection = "sqlite:" + (directory / "segcast.db").string();
  testing::RunStoreContract([&] { return OpenStore(connection); });
  fs::remove_all(directory);
}

TEST_CASE("SQLite: panel rows produced while writing are stored as the records would be",
          "[store][sqlite]") {
  const fs::path directory = FreshDirectory("panel_rows");
  auto store = OpenStore("sqlite:" + (directory / "segcast.db").string());
  const StoredRun expected = testing::ExampleRun("streamed", 7, 1.5);
  REQUIRE(!expected.panel.empty());
  StoredRun streamed = expected;
  const std::vector<PanelRecord> rows = std::move(streamed.panel);
  streamed.panel.clear();
  int produced = 0;
  streamed.panel_rows = [&](const std::function<void(const PanelRecord&)>& use) {
    for (const PanelRecord& record : rows) {
      use(record);
      ++produced;
    }
  };
  store->WriteRun(streamed);
  CHECK(produced == static_cast<int>(rows.size()));
  testing::CheckSameRun(expected, store->LoadRun("streamed"));
  fs::remove_all(directory);
}

TEST_CASE("SQLite connection strings: prefix, plain path, sqlite:// form", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("paths");
  const std::string path = (directory / "a.db").string();
  OpenStore(path)->WriteRun(testing::ExampleRun("one", 2, 1.0));
  CHECK(OpenStore("sqlite:" + path)->HasRun("one"));
  CHECK(OpenStore("sqlite://" + path)->HasRun("one"));
  CHECK(OpenStore(path)->Describe() == "sqlite:" + path);
  CHECK_THROWS_AS(OpenStore("sqlite:"), InvalidArgument);
  CHECK_THROWS_AS(OpenStore((directory / "missing" / "x.db").string()), DatabaseError);
  StoreOptions bad;
  bad.batch_rows = 0;
  CHECK_THROWS_AS(OpenStore(path, bad), InvalidArgument);
  fs::remove_all(directory);
}

TEST_CASE("SQLite run lock holds across processes", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("lock");
  const std::string connection = "sqlite:" + (directory / "segcast.db").string();
  OpenStore(connection);  // schema created before the fork
  int locked[2], release[2];
  REQUIRE(pipe(locked) == 0);
  REQUIRE(pipe(release) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child only takes the lock and waits: no Catch2 assertions in here.
    int status = 1;
    try {
      auto store = OpenStore(connection);
      auto lock = store->AcquireRunLock("segcast run in child");
      char byte = 'L';
      if (write(locked[1], &byte, 1) == 1 && read(release[0], &byte, 1) == 1) status = 0;
    } catch (...) {
    }
    _exit(status);
  }
  char byte = 0;
  REQUIRE(read(locked[0], &byte, 1) == 1);
  auto store = OpenStore(connection);
  try {
    store->AcquireRunLock("parent");
    FAIL("lock granted while another process holds it");
  } catch (const BusyError& error) {
    CHECK(std::string(error.what()).find("segcast run in child") != std::string::npos);
  }
  REQUIRE(write(release[1], &byte, 1) == 1);
  int status = -1;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The child's exit released the lock.
  auto lock = store->AcquireRunLock("parent");
  fs::remove_all(directory);
}

TEST_CASE("passwords are redacted from connection strings", "[store][redact]") {
  CHECK(RedactConnectionString("postgresql://ana:s3cret@db.example:5432/segcast") ==
        "postgresql://ana:***@db.example:5432/segcast");
  CHECK(RedactConnectionString("postgres://ana@db/segcast") == "postgres://ana@db/segcast");
  CHECK(
      RedactConnectionString("postgresql://db/segcast?user=ana&password=s3cret&sslmode=require") ==
      "postgresql://db/segcast?user=ana&password=***&sslmode=require");
  CHECK(RedactConnectionString("host=db user=ana password='se cret' dbname=x") ==
        "host=db user=ana password=*** dbname=x");
  CHECK(RedactConnectionString("postgresql://ana:p%40ss@h/d") == "postgresql://ana:***@h/d");
  CHECK(RedactConnectionString("sqlite:/tmp/a.db") == "sqlite:/tmp/a.db");
}

namespace {

// Turns a store back into what an older segcast left: its tables without the later ones, and the
// recorded version (or any version, to test the refusal of a newer one).
void RewriteAsSchema(const std::string& path, const std::string& version,
                     const std::vector<std::string>& drop_tables) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::string sql = "UPDATE segcast_meta SET value = '" + version + "' WHERE key = 'schema_version';";
  for (const std::string& table : drop_tables) sql += "DROP TABLE " + table + ";";
  char* message = nullptr;
  const int status = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(status == SQLITE_OK);
}

std::string RecordedVersion(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT value FROM segcast_meta WHERE key = 'schema_version'", -1,
                             &statement, nullptr) == SQLITE_OK);
  std::string version;
  if (sqlite3_step(statement) == SQLITE_ROW)
    version = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return version;
}

bool HasTable(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                             &statement, nullptr) == SQLITE_OK);
  sqlite3_bind_text(statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  const bool found = sqlite3_step(statement) == SQLITE_ROW;
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return found;
}

}  // namespace

TEST_CASE("SQLite: a schema 1 store is upgraded in place, a newer one refused", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("upgrade");
  const std::string path = (directory / "segcast.db").string();
  StoredRun old_run = testing::ExampleRun("2011-06-30", 5, 1.0);
  OpenStore("sqlite:" + path)->WriteRun(old_run);
  CHECK(RecordedVersion(path) == "3");
  RewriteAsSchema(path, "1", {"panel", "run_documents", "customer_values"});
  CHECK_FALSE(HasTable(path, "customer_values"));

  std::unique_ptr<ResultStore> store = OpenStore("sqlite:" + path);
  CHECK(RecordedVersion(path) == "3");
  CHECK(HasTable(path, "customer_values"));
  // The old run is still there, without the parts schema 1 did not keep.
  const StoredRun loaded = store->LoadRun("2011-06-30");
  CHECK(loaded.customers.size() == 5);
  CHECK(loaded.assignments.size() == 5);
  CHECK(loaded.panel.empty());
  CHECK(loaded.documents.empty());
  CHECK(loaded.customer_values.empty());
  // New runs keep them.
  const StoredRun new_run = testing::ExampleRun("2011-12-09", 4, 2.0);
  store->WriteRun(new_run);
  testing::CheckSameRun(new_run, store->LoadRun("2011-12-09"));
  store.reset();

  RewriteAsSchema(path, "4", {});
  try {
    OpenStore("sqlite:" + path);
    FAIL("a schema 4 store was opened");
  } catch (const DatabaseError& error) {
    CHECK(std::string(error.what()).find("newer than this segcast's 3") != std::string::npos);
  }
  fs::remove_all(directory);
}

TEST_CASE("SQLite: a schema 2 store gains customer_values, its runs intact", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("upgrade2");
  const std::string path = (directory / "segcast.db").string();
  const StoredRun old_run = testing::ExampleRun("2011-06-30", 6, 1.0);
  OpenStore("sqlite:" + path)->WriteRun(old_run);
  // What a schema 2 segcast wrote: everything but the customer values.
  RewriteAsSchema(path, "2", {"customer_values"});

  std::unique_ptr<ResultStore> store = OpenStore("sqlite:" + path);
  CHECK(RecordedVersion(path) == "3");
  StoredRun expected = old_run;
  expected.customer_values.clear();
  testing::CheckSameRun(expected, store->LoadRun("2011-06-30"));
  // Re-writing the old run, and writing a new one, keep their values.
  store->WriteRun(old_run);
  testing::CheckSameRun(old_run, store->LoadRun("2011-06-30"));
  const StoredRun new_run = testing::ExampleRun("2011-12-09", 9, 2.0);
  store->WriteRun(new_run);
  testing::CheckSameRun(new_run, store->LoadRun("2011-12-09"));
  // Deleting a run deletes its values too.
  CHECK(store->DeleteRun("2011-12-09"));
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM customer_values WHERE run_id = '2011-12-09'", -1,
                             &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  CHECK(sqlite3_column_int(statement, 0) == 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  fs::remove_all(directory);
}

TEST_CASE("SQLite: a run of the bundled sample stores clv.csv's rows as customer_values",
          "[store][sqlite][customer_values]") {
  const fs::path directory = FreshDirectory("sample_values");
  testing::CheckSampleRunValues("sqlite:" + (directory / "segcast.db").string(), directory / "out");
  fs::remove_all(directory);
}

TEST_CASE("a damaged SQLite store is refused on open, with the way to recover", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("damaged");
  const std::string path = (directory / "segcast.db").string();
  {
    auto store = OpenStore(path);
    for (int run = 0; run < 4; ++run) store->WriteRun(testing::ExampleRun("r" + std::to_string(run), 300, 1.0));
  }
  const auto size = fs::file_size(path);
  REQUIRE(size > 16 * 4096);
  {
    // Garbage over b-tree pages in the middle of the file (page 1, the header, stays).
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 4 / 4096 * 4096));
    for (uintmax_t index = 0; index < size / 2; ++index) file.put(static_cast<char>((index * 37 + 11) % 256));
  }
  const auto damaged_time = fs::last_write_time(path);
  try {
    OpenStore(path);
    FAIL("a damaged store was opened");
  } catch (const DatabaseError& error) {
    const std::string message = error.what();
    CHECK(message.rfind("sqlite:" + path + ": the SQLite store is damaged (", 0) == 0);
    CHECK(message.find("mv " + path + " " + path + ".damaged") != std::string::npos);
    CHECK(message.find("segcast will not write into it") != std::string::npos);
    for (char c : message) CHECK_FALSE((static_cast<unsigned char>(c) < 0x20 || c == 0x7f));
  }
  CHECK(fs::last_write_time(path) == damaged_time);

  // Not a database at all: the same refusal.
  const std::string garbage = (directory / "garbage.db").string();
  { std::ofstream(garbage, std::ios::binary) << std::string(8192, '\x1b'); }
  CHECK_THROWS_WITH(OpenStore(garbage), Catch::Contains("the SQLite store is damaged (it cannot be read: "));
  fs::remove_all(directory);
}

TEST_CASE("bytes of a store's schema_version are printed escaped", "[store][sqlite]") {
  const fs::path directory = FreshDirectory("raw_bytes");
  const std::string path = (directory / "segcast.db").string();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE segcast_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "INSERT INTO segcast_meta VALUES ('schema_version', '9' || char(27) || '[2J' || char(7));",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(OpenStore(path), Catch::Contains("the store has schema version 9\\x1B[2J\\x07, newer"));
  fs::remove_all(directory);
}
