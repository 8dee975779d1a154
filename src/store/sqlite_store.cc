// SQLite back end. Writes run inside BEGIN IMMEDIATE (the write lock is taken up front, so a
// concurrent writer waits for busy_timeout instead of failing half-way); the run lock is an
// flock() on PATH.lock, which the kernel releases if the process dies.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segcast/store.h"
#include "store/backends.h"
#include "store/store_tables.h"

namespace segcast::internal {
namespace {

// SQLite's message, which may quote bytes of a damaged file: made printable.
std::string DriverMessage(sqlite3* db) { return PrintableText(sqlite3_errmsg(db)); }

// SQLITE_FULL: the disk (or the quota) is full; nothing was committed.
[[noreturn]] void ThrowFull(sqlite3* db, const std::string& where) {
  throw NoSpaceError("the SQLite store cannot grow (" + DriverMessage(db) +
                         "): free disk space (or raise the quota) and run again; nothing was "
                         "written",
                     {.file = where});
}

// How to get out of a damaged store; the run folders keep every earlier run whole.
std::string DamagedStoreMessage(const std::string& path, const std::string& problem) {
  return "the SQLite store is damaged (" + problem +
         "); segcast will not write into it. To recover, move it aside (mv " + path + " " + path +
         ".damaged, with its -wal and -shm files if present) and run again: a new store is "
         "created, and every earlier run stays whole in its run folder (OUT/runs/<run id>), which "
         "the dashboard reads (docs/store.md)";
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& where) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) {
      throw DatabaseError("cannot prepare a statement: " + DriverMessage(db), {.file = where});
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void Bind(int index, const Value& value) {
    int status = SQLITE_OK;
    if (const auto* integer = std::get_if<int64_t>(&value)) {
      status = sqlite3_bind_int64(statement_, index, *integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      status = sqlite3_bind_double(statement_, index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      status = sqlite3_bind_text(statement_, index, text->data(), static_cast<int>(text->size()),
                                 SQLITE_TRANSIENT);
    } else {
      status = sqlite3_bind_null(statement_, index);
    }
    if (status != SQLITE_OK)
      throw DatabaseError("cannot bind a parameter: " + DriverMessage(db_));
  }
  //! True when a row is available.
  bool Step() {
    const int status = sqlite3_step(statement_);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    if (status == SQLITE_FULL) ThrowFull(db_, "");
    throw DatabaseError(DriverMessage(db_));
  }
  void Reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Value Column(int index) const {
    switch (sqlite3_column_type(statement_, index)) {
      case SQLITE_INTEGER:
        return Value(static_cast<int64_t>(sqlite3_column_int64(statement_, index)));
      case SQLITE_FLOAT:
        return Value(sqlite3_column_double(statement_, index));
      case SQLITE_NULL:
        return Value(std::monostate{});
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, index));
        return Value(std::string(text ? text : "", sqlite3_column_bytes(statement_, index)));
      }
    }
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

class FileLock : public StoreLock {
 public:
  explicit FileLock(int descriptor) : descriptor_(descriptor) {}
  ~FileLock() override {
    // Truncate the holder line first so a stale file never names a process that is gone.
    if (ftruncate(descriptor_, 0) != 0) { /* best effort */
    }
    flock(descriptor_, LOCK_UN);
    close(descriptor_);
  }

 private:
  int descriptor_;
};

class SqliteStore : public ResultStore {
 public:
  SqliteStore(std::string path, const StoreOptions& options)
      : path_(std::move(path)), options_(options) {
    const int status =
        sqlite3_open_v2(path_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (status != SQLITE_OK) {
      const std::string reason = PrintableText(db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(status));
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError("cannot open the SQLite store: " + reason,
                          {.file = path_, .expected = "a writable database file"});
    }
    // A constructor that throws gets no destructor call: close the handle here on any failure
    // (a file that is not a database, a newer schema, a locked store).
    try {
      Initialise();
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  ~SqliteStore() override { sqlite3_close(db_); }

 private:
  void Initialise() {
    sqlite3_busy_timeout(db_, static_cast<int>(options_.busy_timeout_seconds * 1000));
    CheckIntegrity();
    Execute("PRAGMA foreign_keys = ON");
    // WAL lets a dashboard read while a run writes.
    if (path_ != ":memory:") Execute("PRAGMA journal_mode = WAL");
    Execute("BEGIN IMMEDIATE");
    try {
      for (const std::string& sql : SchemaStatements()) Execute(sql);
      std::string recorded;
      {
        Statement select(db_, "SELECT value FROM segcast_meta WHERE key = 'schema_version'", path_);
        if (select.Step()) {
          const Value value = select.Column(0);
          if (const auto* text = std::get_if<std::string>(&value)) recorded = *text;
        }
      }
      if (const std::string problem = SchemaUpgradeProblem(recorded); !problem.empty())
        throw DatabaseError(problem, {.file = Describe()});
      // A new store, or an older one whose new tables the statements above just created.
      Statement meta(db_, "INSERT OR REPLACE INTO segcast_meta (key, value) VALUES (?, ?)", path_);
      meta.Bind(1, Value(std::string("schema_version")));
      meta.Bind(2, Value(std::to_string(kSchemaVersion)));
      meta.Step();
      Execute("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 public:
  void WriteRun(const StoredRun& run) override {
    CheckRun(run);
    Execute("BEGIN IMMEDIATE");
    try {
      DeleteRows(run.info.run_id);
      for (int table = 0; table < kTableCount; ++table) {
        const TableSpec& spec = Tables()[table];
        std::optional<Statement> insert;  // prepared at the first row: none for empty tables
        ForEachRow(static_cast<TableId>(table), run, [&](const Row& row) {
          if (!insert) insert.emplace(db_, InsertStatement(spec, 1, false), path_);
          for (size_t column = 0; column < row.size(); ++column)
            insert->Bind(static_cast<int>(column) + 1, row[column]);
          insert->Step();
          insert->Reset();
        });
      }
      Execute("COMMIT");
    } catch (const NoSpaceError& error) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw NoSpaceError("writing run '" + run.info.run_id + "' failed, nothing was changed: " +
                             error.message(),
                         {.file = Describe()});
    } catch (const Error& error) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw DatabaseError(
          "writing run '" + run.info.run_id + "' failed, nothing was changed: " + error.message(),
          {.file = Describe()});
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::vector<RunInfo> ListRuns() override {
    const TableSpec& spec = Tables()[kRunsTable];
    std::string sql = "SELECT ";
    for (size_t index = 0; index < spec.columns.size(); ++index)
      sql += (index ? ", " : "") + std::string(spec.columns[index].name);
    sql += " FROM runs ORDER BY created_at DESC, run_id";
    Statement select(db_, sql, path_);
    std::vector<RunInfo> runs;
    while (select.Step()) {
      StoredRun run;
      DecodeRow(kRunsTable, ReadRow(select, spec), run);
      runs.push_back(std::move(run.info));
    }
    return runs;
  }

  bool HasRun(const std::string& run_id) override {
    Statement select(db_, "SELECT 1 FROM runs WHERE run_id = ?", path_);
    select.Bind(1, Value(run_id));
    return select.Step();
  }

  StoredRun LoadRun(const std::string& run_id, const LoadParts& parts) override {
    // One read transaction: a concurrent writer cannot make the tables disagree.
    Execute("BEGIN");
    try {
      StoredRun run;
      bool found = false;
      for (int table = 0; table < kTableCount; ++table) {
        const TableId id = static_cast<TableId>(table);
        if (!WantTable(id, parts)) continue;
        const TableSpec& spec = Tables()[table];
        Statement select(db_, SelectStatement(spec, false), path_);
        select.Bind(1, Value(run_id));
        while (select.Step()) {
          DecodeLoadedRow(id, ReadRow(select, spec), parts, run);
          found = true;
        }
        if (!found) break;
      }
      Execute("COMMIT");
      if (!found) {
        throw InvalidArgument("no run '" + run_id + "' in " + Describe(),
                              {.field = "run_id", .expected = "an id listed by ListRuns()"});
      }
      return run;
    } catch (...) {
      if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  bool DeleteRun(const std::string& run_id) override {
    Execute("BEGIN IMMEDIATE");
    try {
      const bool existed = HasRun(run_id);
      DeleteRows(run_id);
      Execute("COMMIT");
      return existed;
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::unique_ptr<StoreLock> AcquireRunLock(const std::string& holder) override {
    const std::string lock_path = path_ + ".lock";
    const int descriptor = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (descriptor < 0) {
      throw DatabaseError(std::string("cannot open the lock file: ") + std::strerror(errno),
                          {.file = lock_path, .expected = "a writable directory"});
    }
    if (flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
      const int reason = errno;
      std::string current(512, '\0');
      const ssize_t length = pread(descriptor, current.data(), current.size(), 0);
      current.resize(length > 0 ? static_cast<size_t>(length) : 0);
      while (!current.empty() && (current.back() == '\n' || current.back() == '\0'))
        current.pop_back();
      close(descriptor);
      if (reason == EWOULDBLOCK) {
        throw BusyError("another segcast run is writing to " + Describe() + " (" +
                            (current.empty() ? std::string("holder unknown") : current) +
                            "); wait for it to finish. The lock is released when that process "
                            "ends",
                        {.file = lock_path});
      }
      throw DatabaseError(std::string("cannot lock: ") + std::strerror(reason),
                          {.file = lock_path});
    }
    const std::string line = holder + ", since " + UtcNow() + "\n";
    if (ftruncate(descriptor, 0) != 0 ||
        pwrite(descriptor, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
      // The lock holds without the holder line; only the busy message gets less precise.
    }
    return std::make_unique<FileLock>(descriptor);
  }

  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  void Execute(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = PrintableText(message ? message : "unknown error");
      sqlite3_free(message);
      const int code = sqlite3_errcode(db_);
      if (code == SQLITE_FULL) ThrowFull(db_, Describe());
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        throw BusyError("the SQLite store stayed busy for " +
                            std::to_string(options_.busy_timeout_seconds) + " s: " + text,
                        {.file = Describe()});
      }
      throw DatabaseError(text, {.file = Describe()});
    }
  }

  // PRAGMA quick_check reads every page (O(N), without the index cross-checks of
  // integrity_check): a damaged store is refused before a run adds rows to it, not found later
  // by a reader. A file that is not a database at all fails the same way.
  void CheckIntegrity() {
    if (path_ == ":memory:") return;
    std::vector<std::string> problems;
    char* message = nullptr;
    const auto collect = [](void* sink, int columns, char** values, char**) {
      if (columns > 0 && values[0] != nullptr) static_cast<std::vector<std::string>*>(sink)->push_back(values[0]);
      return 0;
    };
    const int status = sqlite3_exec(db_, "PRAGMA quick_check", collect, &problems, &message);
    std::string text = message ? message : "";
    sqlite3_free(message);
    if (status == SQLITE_BUSY || status == SQLITE_LOCKED) {
      throw BusyError("the SQLite store stayed busy for " +
                          std::to_string(options_.busy_timeout_seconds) + " s: " + PrintableText(text),
                      {.file = Describe()});
    }
    if (status != SQLITE_OK) {
      throw DatabaseError(DamagedStoreMessage(path_, "it cannot be read: " + PrintableText(text)),
                          {.file = Describe()});
    }
    if (problems.size() == 1 && problems[0] == "ok") return;
    std::string first = problems.empty() ? "no answer" : problems[0];
    // SQLite puts "*** in database main ***" on a line of its own: one line reads better.
    std::replace(first.begin(), first.end(), '\n', ' ');
    throw DatabaseError(
        DamagedStoreMessage(path_, "PRAGMA quick_check reports " + std::to_string(problems.size()) +
                                       " problem" + (problems.size() == 1 ? "" : "s") + ", the first: " +
                                       PrintableText(first, 120)),
        {.file = Describe()});
  }

  void DeleteRows(const std::string& run_id) {
    // Children first; the foreign keys would cascade, but explicit deletes do not depend on the
    // foreign_keys pragma of whoever created the file.
    for (int table = kTableCount - 1; table >= 0; --table) {
      Statement remove(
          db_, "DELETE FROM " + std::string(Tables()[table].name) + " WHERE run_id = ?", path_);
      remove.Bind(1, Value(run_id));
      remove.Step();
    }
  }

  static Row ReadRow(const Statement& statement, const TableSpec& spec) {
    Row row;
    row.reserve(spec.columns.size());
    for (size_t column = 0; column < spec.columns.size(); ++column)
      row.push_back(statement.Column(static_cast<int>(column)));
    return row;
  }

  std::string path_;
  StoreOptions options_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<ResultStore> OpenSqliteStore(const std::string& path, const StoreOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace segcast::internal
