// state/sqlite/sqlite_db: a thin RAII wrapper over one sqlite3 connection, shared by the
// SQLite queue and state store. It owns the connection (WAL, busy_timeout), a cache of
// prepared statements, immediate transactions, and the per-component schema_version
// check. SQLite errors become Status values carrying SQLite's message: kCorruption for
// a damaged file, kTransient when the database stayed locked past busy_timeout, kIo
// otherwise.
// Thread-safety: NOT thread-safe. Owners serialise all use of one SqliteDb (a mutex);
// several connections (threads or processes) may share one database file.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dth {

// A borrowed, cached prepared statement; reset and unbound when it goes out of scope,
// so no read transaction outlives its use.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are 1-based. A failed bind is reported by the next Step/Run.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindNull(int index);

  int ParameterCount() const;  // the largest parameter index the statement uses
  Result<bool> Step();  // true: a row is ready to read
  Status Run();         // steps until done, ignoring rows

  // Columns are 0-based. NULL reads as 0 / "".
  int64_t Int(int column) const;
  std::string Text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;
};

class SqliteDb {
 public:
  // path: a file or ":memory:" (private to this connection). A missing file is created
  // 0600 (its -wal and -shm files get the same mode), with its missing parent
  // directories 0700; an error names the path and the cause.
  static Result<std::unique_ptr<SqliteDb>> Open(
      const std::string& path, std::chrono::milliseconds busy_timeout = std::chrono::seconds(30));
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without parameters.
  Status Exec(const char* sql);
  // Prepares sql once per connection and hands out the cached statement.
  Result<SqliteStatement> Prepare(const char* sql);

  int64_t Changes() const;       // rows changed by the last statement
  int64_t LastInsertId() const;

  // Creates this component's tables (schema, idempotent DDL) on first open and checks
  // the recorded version: a newer version than `version` is a clear kNotSupported; an
  // older one n is brought up by running migrations[n-1], migrations[n], ... (each
  // upgrades one version) in the same transaction.
  Status EnsureSchema(const char* component, int version, const char* schema,
                      const std::vector<const char*>& migrations = {});

  // A Status for a failed sqlite call: "context: sqlite message".
  Status Error(int rc, std::string_view context) const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  // Waits for a lock held by another connection in short sleeps (SQLite's own busy
  // timeout sleeps up to 100 ms at a time, which stalls many threads sharing a file).
  static int OnBusy(void* self, int attempts);

  sqlite3* db_;
  int64_t busy_timeout_us_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// One connection and the mutex that serialises its use. A process's queue and state
// store share one, so they never wait for each other's file locks (SQLite allows one
// writer per file; two connections in one process would take turns through sleeps).
struct SqliteConnection {
  std::mutex mu;
  std::unique_ptr<SqliteDb> db;
  std::string path;  // as opened (":memory:" for a private database)
  static Result<std::shared_ptr<SqliteConnection>> Open(
      const std::string& path, std::chrono::milliseconds busy_timeout = std::chrono::seconds(30));
};

// A transaction, rolled back on destruction unless Commit() succeeded. Begin() is
// BEGIN IMMEDIATE: it takes the write lock up front (waiting up to busy_timeout), so a
// read-then-write never fails to upgrade. BeginRead() is a snapshot for reads only.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db) : db_(db) {}
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  Status Begin();
  Status BeginRead();
  Status Commit();

 private:
  SqliteDb& db_;
  bool active_ = false;
};

}  // namespace dth
