// control/store/sqlite/sqlite_control_schema: the "control" component's tables and
// indexes (version 2: version 1 and control_notifications), and the row readers the store's files share. Internal to
// control/store/sqlite.
// Thread-safety: constants and pure functions.
#pragma once

#include "control/store/control_store.h"
#include "state/sqlite/sqlite_db.h"

namespace dth::control {

inline constexpr int kControlSchemaVersion = 2;

// Times are milliseconds since the Unix epoch; 0 = not set. Statuses are their names,
// log levels their rank (0 = debug .. 3 = error) so a minimum level is a range.
inline constexpr char kControlSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS control_tasks (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  schedule TEXT NOT NULL,
  parameters TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  current_run_id INTEGER NOT NULL,
  next_run_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revision INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS control_tasks_newest ON control_tasks (created_at, id);
CREATE INDEX IF NOT EXISTS control_tasks_by_status ON control_tasks (status, created_at, id);
CREATE INDEX IF NOT EXISTS control_tasks_by_type ON control_tasks (type, created_at, id);
CREATE INDEX IF NOT EXISTS control_tasks_by_status_type
  ON control_tasks (status, type, created_at, id);
CREATE INDEX IF NOT EXISTS control_tasks_due ON control_tasks (next_run_at, id)
  WHERE next_run_at > 0;
CREATE TABLE IF NOT EXISTS control_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  triggered_by TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  objects_planned INTEGER NOT NULL,
  bytes_planned INTEGER NOT NULL,
  objects_done INTEGER NOT NULL,
  bytes_done INTEGER NOT NULL,
  objects_skipped INTEGER NOT NULL,
  objects_failed INTEGER NOT NULL,
  objects_deleted INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS control_runs_by_task ON control_runs (task_id, id);
CREATE TABLE IF NOT EXISTS control_users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS control_tokens (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS control_tokens_by_user ON control_tokens (username, created_at, id);
CREATE INDEX IF NOT EXISTS control_tokens_expiring ON control_tokens (expires_at)
  WHERE expires_at > 0;
CREATE TABLE IF NOT EXISTS control_secrets (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS control_samples (
  task_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  objects_done INTEGER NOT NULL,
  objects_failed INTEGER NOT NULL,
  retries_throttled INTEGER NOT NULL,
  retries_server INTEGER NOT NULL,
  retries_network INTEGER NOT NULL,
  jobs_waiting INTEGER NOT NULL,
  jobs_running INTEGER NOT NULL,
  workers_busy INTEGER NOT NULL,
  PRIMARY KEY (task_id, minute)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS control_samples_by_minute ON control_samples (minute);
CREATE TABLE IF NOT EXISTS control_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  level INTEGER NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS control_logs_by_task ON control_logs (task_id, id);
CREATE INDEX IF NOT EXISTS control_logs_by_run ON control_logs (task_id, run_id, id);
CREATE INDEX IF NOT EXISTS control_logs_by_time ON control_logs (time);
CREATE TABLE IF NOT EXISTS control_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  recipients TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL);
)sql";

// Version 1 -> 2: the notifications outbox.
inline constexpr char kControlMigration1To2[] = R"sql(
CREATE TABLE IF NOT EXISTS control_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  recipients TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL);
)sql";

inline constexpr char kTaskColumns[] =
    "id, type, description, schedule, parameters, status, error, current_run_id, next_run_at,"
    " created_at, updated_at, revision";
Result<TaskRecord> ReadTask(const SqliteStatement& row);  // kTaskColumns, in order

inline constexpr char kRunColumns[] =
    "id, task_id, triggered_by, status, error, objects_planned, bytes_planned, objects_done,"
    " bytes_done, objects_skipped, objects_failed, objects_deleted, started_at, finished_at";
Result<RunRecord> ReadRun(const SqliteStatement& row);  // kRunColumns, in order

}  // namespace dth::control
