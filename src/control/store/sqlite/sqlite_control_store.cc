// SqliteControlStore: opening, and the tasks.
#include "control/store/sqlite/sqlite_control_store.h"

#include <algorithm>
#include <utility>

#include "control/store/sqlite/sqlite_control_schema.h"
#include "control/store/store_support.h"

namespace dth::control {

Result<TaskRecord> ReadTask(const SqliteStatement& row) {
  TaskRecord t;
  t.id = row.Text(0);
  t.type = row.Text(1);
  t.description = row.Text(2);
  t.schedule = row.Text(3);
  t.parameters = row.Text(4);
  const std::string status = row.Text(5);
  auto parsed = ParseTaskStatus(status);
  if (!parsed) return Corruption("control task " + t.id + ": unknown status " + status);
  t.status = *parsed;
  t.error = row.Text(6);
  t.current_run_id = row.Int(7);
  t.next_run_at = FromUnixMs(row.Int(8));
  t.created_at = FromUnixMs(row.Int(9));
  t.updated_at = FromUnixMs(row.Int(10));
  t.revision = row.Int(11);
  return t;
}

Result<std::unique_ptr<SqliteControlStore>> SqliteControlStore::Open(
    const std::string& path, const ControlStoreOptions& options) {
  DTH_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(path, options.busy_timeout));
  {
    std::lock_guard lock(conn->mu);
    Status status = conn->db->EnsureSchema("control", kControlSchemaVersion, kControlSchema, {kControlMigration1To2});
    if (!status.ok()) return status.Prefix("open control store " + path);
  }
  return std::unique_ptr<SqliteControlStore>(new SqliteControlStore(std::move(conn), options));
}

SqliteControlStore::SqliteControlStore(std::shared_ptr<SqliteConnection> conn,
                                       const ControlStoreOptions& options)
    : conn_(std::move(conn)), mu_(conn_->mu), db_(conn_->db), options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

std::string SqliteControlStore::NewTaskId() { return control::NewTaskId(); }

Result<std::vector<TaskRecord>> SqliteControlStore::SelectTasks(SqliteStatement& select) {
  std::vector<TaskRecord> tasks;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return tasks;
    DTH_ASSIGN_OR_RETURN(TaskRecord task, ReadTask(select));
    tasks.push_back(std::move(task));
  }
}

Result<TaskRecord> SqliteControlStore::CreateTask(const TaskRecord& task) {
  static const std::string sql = std::string("INSERT INTO control_tasks (") + kTaskColumns +
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
                                 " ON CONFLICT (id) DO NOTHING";
  TaskRecord created = task;
  created.revision = 1;
  std::lock_guard lock(mu_);
  created.created_at = created.updated_at = FromUnixMs(NowMs());
  // 48 random bits: a collision is rare, and a taken id is simply drawn again.
  for (int attempt = 0; attempt < 16; ++attempt) {
    created.id = NewTaskId();
    DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(sql.c_str()));
    insert.Bind(1, created.id).Bind(2, created.type).Bind(3, created.description);
    insert.Bind(4, created.schedule).Bind(5, created.parameters);
    insert.Bind(6, TaskStatusName(created.status)).Bind(7, created.error);
    insert.Bind(8, created.current_run_id).Bind(9, ToUnixMs(created.next_run_at));
    insert.Bind(10, ToUnixMs(created.created_at)).Bind(11, ToUnixMs(created.updated_at));
    DTH_RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 1) return created;
  }
  return Status(Code::kInternal, "create task: every new task id drawn was taken");
}

Result<TaskRecord> SqliteControlStore::GetTask(const std::string& id) {
  static const std::string sql =
      std::string("SELECT ") + kTaskColumns + " FROM control_tasks WHERE id = ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, id);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("task " + id + " not found");
  return ReadTask(select);
}

Result<TaskRecord> SqliteControlStore::UpdateTask(const TaskRecord& task,
                                                  int64_t expected_revision) {
  TaskRecord updated = task;
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT revision, created_at FROM control_tasks WHERE id = ?"));
    select.Bind(1, task.id);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return NotFound("task " + task.id + " not found");
    const int64_t revision = select.Int(0);
    if (expected_revision > 0 && revision != expected_revision) {
      return Status(Code::kPreconditionFailed,
                    "task " + task.id + " was changed meanwhile (revision " +
                        std::to_string(revision) + ", not " + std::to_string(expected_revision) +
                        ")");
    }
    updated.revision = revision + 1;
    updated.created_at = FromUnixMs(select.Int(1));
  }
  updated.updated_at = FromUnixMs(NowMs());
  {
    DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
        "UPDATE control_tasks SET type = ?, description = ?, schedule = ?, parameters = ?,"
        " status = ?, error = ?, current_run_id = ?, next_run_at = ?, updated_at = ?,"
        " revision = ? WHERE id = ?"));
    update.Bind(1, updated.type).Bind(2, updated.description).Bind(3, updated.schedule);
    update.Bind(4, updated.parameters).Bind(5, TaskStatusName(updated.status));
    update.Bind(6, updated.error).Bind(7, updated.current_run_id);
    update.Bind(8, ToUnixMs(updated.next_run_at)).Bind(9, ToUnixMs(updated.updated_at));
    update.Bind(10, updated.revision).Bind(11, updated.id);
    DTH_RETURN_IF_ERROR(update.Run());
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return updated;
}

Status SqliteControlStore::DeleteTask(const std::string& id) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_tasks WHERE id = ?"));
    DTH_RETURN_IF_ERROR(del.Bind(1, id).Run());
    if (db_->Changes() == 0) return NotFound("task " + id + " not found");
  }
  for (const char* sql : {"DELETE FROM control_runs WHERE task_id = ?",
                          "DELETE FROM control_samples WHERE task_id = ?",
                          "DELETE FROM control_logs WHERE task_id = ?"}) {
    DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare(sql));
    DTH_RETURN_IF_ERROR(del.Bind(1, id).Run());
  }
  return txn.Commit();
}

Result<TaskPage> SqliteControlStore::ListTasks(const TaskQuery& query) {
  DTH_RETURN_IF_ERROR(CheckTaskQuery(query));
  TaskCursor after;
  if (!query.cursor.empty()) {
    DTH_ASSIGN_OR_RETURN(after, DecodeTaskCursor(query.cursor));
  }
  // One statement per combination of filters (at most 16, each prepared once), so
  // every one can use its index: by status, by type, or the newest-first one.
  std::string sql = std::string("SELECT ") + kTaskColumns + " FROM control_tasks WHERE 1";
  if (query.status) sql += " AND status = ?1";
  if (!query.type.empty()) sql += " AND type = ?2";
  if (!query.text.empty()) {
    sql += " AND (id LIKE ?3 ESCAPE '\\' OR description LIKE ?3 ESCAPE '\\')";
  }
  if (!query.cursor.empty()) sql += " AND created_at <= ?4 AND (created_at < ?4 OR id < ?5)";
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?6";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  if (query.status) select.Bind(1, TaskStatusName(*query.status));
  if (!query.type.empty()) select.Bind(2, query.type);
  if (!query.text.empty()) select.Bind(3, LikeSubstring(query.text));
  if (!query.cursor.empty()) select.Bind(4, after.created_at_ms).Bind(5, after.id);
  select.Bind(6, query.limit + 1);
  DTH_ASSIGN_OR_RETURN(std::vector<TaskRecord> tasks, SelectTasks(select));
  TaskPage page;
  if (static_cast<int>(tasks.size()) > query.limit) {
    tasks.resize(static_cast<size_t>(query.limit));
    page.next_cursor = EncodeTaskCursor({ToUnixMs(tasks.back().created_at), tasks.back().id});
  }
  page.tasks = std::move(tasks);
  return page;
}

Result<std::vector<TaskRecord>> SqliteControlStore::DueTasks(TimePoint now, int limit) {
  DTH_RETURN_IF_ERROR(CheckLimit("due tasks", limit));
  static const std::string sql = std::string("SELECT ") + kTaskColumns +
                                 " FROM control_tasks WHERE next_run_at > 0 AND next_run_at <= ?"
                                 " ORDER BY next_run_at, id LIMIT ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, ToUnixMs(now)).Bind(2, limit);
  return SelectTasks(select);
}

Result<std::vector<TaskRecord>> SqliteControlStore::TasksInStatus(
    const std::vector<TaskStatus>& statuses) {
  std::vector<std::string> names;
  for (TaskStatus s : statuses) names.emplace_back(TaskStatusName(s));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) return std::vector<TaskRecord>{};
  std::string sql = std::string("SELECT ") + kTaskColumns + " FROM control_tasks WHERE status IN (?";
  for (size_t i = 1; i < names.size(); ++i) sql += ", ?";
  sql += ") ORDER BY created_at, id";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  for (size_t i = 0; i < names.size(); ++i) select.Bind(static_cast<int>(i + 1), names[i]);
  return SelectTasks(select);
}

}  // namespace dth::control
