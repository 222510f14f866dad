#include "state/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <sqlite3.h>

#include <utility>

namespace dth {
namespace {

Status StatusFor(sqlite3* db, int rc, std::string_view context) {
  const int primary = rc & 0xff;
  std::string message(context);
  message += ": ";
  message += (db != nullptr && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  Code code = Code::kIo;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = Code::kCorruption;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) code = Code::kTransient;
  return Status(code, std::move(message));
}

// Makes the missing directories of path's parent (0700, key names are data too) and the
// file itself (0600; SQLite gives its -wal and -shm files the same mode). An existing
// file or directory keeps its mode. The error names the path and the cause.
Status PrepareDatabaseFile(const std::string& path) {
  if (path.empty() || path == ":memory:") return Status::Ok();
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("cannot create the directory " + dir + " for the database " + path + ": " +
                     std::strerror(errno));
    }
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return Status::Ok();  // SQLite says
    return IoError("cannot open the database " + path + ": " + std::strerror(err));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

int SqliteStatement::ParameterCount() const { return sqlite3_bind_parameter_count(stmt_); }

Result<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) return StatusFor(db_, bind_rc_, "sqlite bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFor(db_, rc, std::string("sqlite: ") + sqlite3_sql(stmt_));
}

Status SqliteStatement::Run() {
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                 std::chrono::milliseconds busy_timeout) {
  DTH_RETURN_IF_ERROR(PrepareDatabaseFile(path));
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    Status status = StatusFor(raw, rc, "open sqlite database " + path);
    sqlite3_close_v2(raw);
    return status;
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  sqlite3_extended_result_codes(raw, 1);
  db->busy_timeout_us_ = static_cast<int64_t>(busy_timeout.count()) * 1000;
  sqlite3_busy_handler(raw, &SqliteDb::OnBusy, db.get());
  // journal_mode answers "memory" for ":memory:"; that is fine. Switching a new file to
  // WAL takes its lock from a read lock: when another connection does the same at once,
  // SQLite answers SQLITE_BUSY without calling the busy handler (it would deadlock), so
  // the switch is tried again until the busy timeout.
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  Status status;
  for (int attempt = 0;; ++attempt) {
    status = db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    const bool busy = (sqlite3_extended_errcode(raw) & 0xff) == SQLITE_BUSY;
    if (status.ok() || !busy || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(100 << std::min(attempt, 5), 2000)));
  }
  if (!status.ok()) return status.Prefix("open sqlite database " + path);
  return db;
}

int SqliteDb::OnBusy(void* self, int attempts) {
  // 20 us doubling to 2 ms; attempts count from 0 for each wait.
  static thread_local std::chrono::steady_clock::time_point started;
  if (attempts == 0) started = std::chrono::steady_clock::now();
  auto waited = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  if (waited.count() >= static_cast<SqliteDb*>(self)->busy_timeout_us_) return 0;  // give up
  const int64_t sleep_us = std::min<int64_t>(int64_t{20} << std::min(attempts, 7), 2000);
  std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
  return 1;
}

Result<std::shared_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, std::chrono::milliseconds busy_timeout) {
  auto conn = std::make_shared<SqliteConnection>();
  DTH_ASSIGN_OR_RETURN(conn->db, SqliteDb::Open(path, busy_timeout));
  conn->path = path;
  return conn;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status SqliteDb::Exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  Status status = StatusFor(db_, rc, "sqlite exec");
  sqlite3_free(error);
  return status;
}

Result<SqliteStatement> SqliteDb::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return StatusFor(db_, rc, std::string("sqlite prepare: ") + sql);
    it = statements_.emplace(sql, stmt).first;
  }
  return SqliteStatement(db_, it->second);
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }
int64_t SqliteDb::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

Status SqliteDb::Error(int rc, std::string_view context) const {
  return StatusFor(db_, rc, context);
}

Status SqliteDb::EnsureSchema(const char* component, int version, const char* schema,
                              const std::vector<const char*>& migrations) {
  SqliteTransaction txn(*this);
  DTH_RETURN_IF_ERROR(txn.Begin());
  DTH_RETURN_IF_ERROR(Exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
  int64_t found = 0;
  {
    DTH_ASSIGN_OR_RETURN(auto select,
                         Prepare("SELECT version FROM schema_version WHERE component = ?"));
    select.Bind(1, component);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (row) found = select.Int(0);
  }
  if (found > version) {
    return Status(Code::kNotSupported,
                  std::string("database ") + component + " schema version " +
                      std::to_string(found) + " is newer than this dth supports (" +
                      std::to_string(version) + "); upgrade dth");
  }
  if (found == version) return txn.Commit();
  if (found == 0) {
    DTH_RETURN_IF_ERROR(Exec(schema));  // a new database
  } else {
    if (static_cast<size_t>(version - 1) > migrations.size()) {
      return Status(Code::kNotSupported, std::string("database ") + component +
                                             " schema version " + std::to_string(found) +
                                             " cannot be upgraded by this dth");
    }
    for (int64_t v = found; v < version; ++v) {
      Status migrated = Exec(migrations[static_cast<size_t>(v - 1)]);
      if (!migrated.ok()) {
        return migrated.Prefix(std::string("upgrading the ") + component + " schema from version " +
                               std::to_string(v));
      }
    }
  }
  {
    DTH_ASSIGN_OR_RETURN(auto insert, Prepare("INSERT OR REPLACE INTO schema_version"
                                              " (component, version) VALUES (?, ?)"));
    DTH_RETURN_IF_ERROR(insert.Bind(1, component).Bind(2, version).Run());
  }
  return txn.Commit();
}

SqliteTransaction::~SqliteTransaction() {
  if (active_) (void)db_.Exec("ROLLBACK");
}

Status SqliteTransaction::Begin() {
  DTH_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  active_ = true;
  return Status::Ok();
}

Status SqliteTransaction::BeginRead() {
  DTH_RETURN_IF_ERROR(db_.Exec("BEGIN DEFERRED"));
  active_ = true;
  return Status::Ok();
}

Status SqliteTransaction::Commit() {
  DTH_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  active_ = false;
  return Status::Ok();
}

}  // namespace dth
