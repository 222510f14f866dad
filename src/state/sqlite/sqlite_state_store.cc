#include "state/sqlite/sqlite_state_store.h"

#include <algorithm>
#include <utility>

namespace dth {
namespace {

constexpr int kSchemaVersion = 2;

// Times are milliseconds since the Unix epoch; 0 = not set. Keys compare as bytes.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS state_objects (
  task_id TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  source_etag TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_objects_by_status ON state_objects (task_id, status, key);
CREATE TABLE IF NOT EXISTS state_uploads (
  task_id TEXT NOT NULL,
  key TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  part_size INTEGER NOT NULL,
  part_count INTEGER NOT NULL,
  source_etag TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state_parts (
  task_id TEXT NOT NULL,
  key TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  etag TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (task_id, key, upload_id, part_number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state_runs (
  run_id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  objects_copied INTEGER NOT NULL DEFAULT 0,
  bytes_copied INTEGER NOT NULL DEFAULT 0,
  objects_skipped INTEGER NOT NULL DEFAULT 0,
  objects_failed INTEGER NOT NULL DEFAULT 0,
  objects_deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS state_upload_log (
  task_id TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, upload_id)) WITHOUT ROWID;
)sql";

// Version 1 did not remember replaced uploads: the current ones are all it knows.
constexpr char kFromVersion1[] = R"sql(
CREATE TABLE IF NOT EXISTS state_upload_log (
  task_id TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, upload_id)) WITHOUT ROWID;
INSERT OR IGNORE INTO state_upload_log (task_id, upload_id, key, created_at)
  SELECT task_id, upload_id, key, created_at FROM state_uploads;
)sql";

constexpr char kObjectColumns[] =
    "task_id, key, size, source_etag, status, attempts, last_error, bytes, started_at,"
    " finished_at";

Result<ObjectRecord> ReadObject(const SqliteStatement& row) {
  ObjectRecord record;
  record.task_id = row.Text(0);
  record.key = row.Text(1);
  record.size = static_cast<uint64_t>(row.Int(2));
  record.source_etag = row.Text(3);
  const std::string status = row.Text(4);
  auto parsed = ParseObjectStatus(status);
  if (!parsed) return Corruption("state object " + record.key + ": unknown status " + status);
  record.status = *parsed;
  record.attempts = static_cast<int>(row.Int(5));
  record.last_error = row.Text(6);
  record.bytes = static_cast<uint64_t>(row.Int(7));
  record.started_at = FromUnixMs(row.Int(8));
  record.finished_at = FromUnixMs(row.Int(9));
  return record;
}

}  // namespace

Result<std::unique_ptr<SqliteStateStore>> SqliteStateStore::Open(
    const std::string& path, const StateStoreOptions& options) {
  DTH_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(path, options.busy_timeout));
  return Open(std::move(conn), options);
}

Result<std::unique_ptr<SqliteStateStore>> SqliteStateStore::Open(
    std::shared_ptr<SqliteConnection> conn, const StateStoreOptions& options) {
  {
    std::lock_guard lock(conn->mu);
    DTH_RETURN_IF_ERROR(conn->db->EnsureSchema("state", kSchemaVersion, kSchema, {kFromVersion1}));
  }
  return std::unique_ptr<SqliteStateStore>(new SqliteStateStore(std::move(conn), options));
}

Result<std::unique_ptr<TaskLock>> SqliteStateStore::LockTask(const std::string& task_id,
                                                             TaskLockMode mode) {
  if (conn_->path.empty() || conn_->path == ":memory:") {
    return LockTaskInProcess(conn_.get(), task_id, mode);
  }
  return LockTaskWithFile(conn_->path + ".locks", task_id, mode);
}

SqliteStateStore::SqliteStateStore(std::shared_ptr<SqliteConnection> conn,
                                   const StateStoreOptions& options)
    : conn_(std::move(conn)), mu_(conn_->mu), db_(conn_->db), options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

Status SqliteStateStore::UpsertObject(const ObjectRecord& r) { return UpsertObjects({r}); }

Status SqliteStateStore::UpsertObjects(const std::vector<ObjectRecord>& records) {
  for (const ObjectRecord& r : records) {
    if (r.task_id.empty() || r.key.empty()) {
      return InvalidArgument("state UpsertObject: empty task_id or key");
    }
  }
  static const std::string sql = std::string("INSERT OR REPLACE INTO state_objects (") +
                                 kObjectColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  if (records.size() > 1) DTH_RETURN_IF_ERROR(txn.Begin());
  for (const ObjectRecord& r : records) {
    DTH_ASSIGN_OR_RETURN(auto upsert, db_->Prepare(sql.c_str()));
    upsert.Bind(1, r.task_id).Bind(2, r.key).Bind(3, static_cast<int64_t>(r.size));
    upsert.Bind(4, r.source_etag).Bind(5, ObjectStatusName(r.status)).Bind(6, r.attempts);
    upsert.Bind(7, r.last_error).Bind(8, static_cast<int64_t>(r.bytes));
    upsert.Bind(9, ToUnixMs(r.started_at)).Bind(10, ToUnixMs(r.finished_at));
    DTH_RETURN_IF_ERROR(upsert.Run());
  }
  return records.size() > 1 ? txn.Commit() : Status::Ok();
}

Result<ObjectRecord> SqliteStateStore::GetObject(const std::string& task_id,
                                                 const std::string& key) {
  static const std::string sql = std::string("SELECT ") + kObjectColumns +
                                 " FROM state_objects WHERE task_id = ? AND key = ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, task_id).Bind(2, key);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("state object " + task_id + "/" + key + " not recorded");
  return ReadObject(select);
}

Result<ObjectPage> SqliteStateStore::ListObjects(const ObjectQuery& query) {
  if (query.limit < 1) return InvalidArgument("state ListObjects: limit must be >= 1");
  // A prefix is the key range [prefix, the prefix with its last byte below 0xff raised):
  // the primary key's index serves it. Keys are compared as bytes (BLOB order).
  std::string upper = query.prefix;
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (!upper.empty()) upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  const bool bounded = !upper.empty();
  const std::string after = std::max(query.start_after, query.prefix);
  const bool inclusive = query.start_after < query.prefix;  // the prefix itself may be a key
  static const std::string columns = std::string("SELECT ") + kObjectColumns + " FROM state_objects";
  std::string sql = columns + " WHERE task_id = ?1 AND key " + (inclusive ? ">=" : ">") + " ?2";
  if (bounded) sql += " AND key < ?5";
  if (query.status) sql += " AND status = ?4";
  sql += " ORDER BY key LIMIT ?3";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, query.task_id).Bind(2, after).Bind(3, query.limit + 1);
  if (query.status) select.Bind(4, ObjectStatusName(*query.status));
  if (bounded) select.Bind(5, upper);
  ObjectPage page;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (static_cast<int>(page.records.size()) == query.limit) {
      page.next_start_after = page.records.back().key;
      break;
    }
    DTH_ASSIGN_OR_RETURN(auto record, ReadObject(select));
    page.records.push_back(std::move(record));
  }
  return page;
}

Result<ObjectCounts> SqliteStateStore::CountObjects(const std::string& task_id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT status, COUNT(*) FROM state_objects WHERE task_id = ? GROUP BY status"));
  select.Bind(1, task_id);
  ObjectCounts counts;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    const int64_t n = select.Int(1);
    auto status = ParseObjectStatus(select.Text(0));
    if (!status) return Corruption("state objects: unknown status " + select.Text(0));
    switch (*status) {
      case ObjectStatus::kPending: counts.pending += n; break;
      case ObjectStatus::kCopying: counts.copying += n; break;
      case ObjectStatus::kDone: counts.done += n; break;
      case ObjectStatus::kFailed: counts.failed += n; break;
      case ObjectStatus::kSkipped: counts.skipped += n; break;
    }
  }
  return counts;
}

Result<std::vector<std::string>> SqliteStateStore::SplitKeys(const std::string& task_id,
                                                             int count) {
  DTH_ASSIGN_OR_RETURN(ObjectCounts counts, CountObjects(task_id));
  std::vector<std::string> keys;
  const int64_t total = counts.total();
  if (count < 2 || total < count) return keys;
  std::lock_guard lock(mu_);
  for (int i = 1; i < count; ++i) {
    // The primary key (task_id, key) index walks to the offset without reading rows.
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT key FROM state_objects WHERE task_id = ? ORDER BY key LIMIT 1 OFFSET ?"));
    select.Bind(1, task_id).Bind(2, total * i / count - 1);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (row) keys.push_back(select.Text(0));
  }
  return keys;
}

}  // namespace dth
