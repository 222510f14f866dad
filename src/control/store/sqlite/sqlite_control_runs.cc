// SqliteControlStore: the runs of tasks.
#include <limits>

#include "control/store/sqlite/sqlite_control_schema.h"
#include "control/store/sqlite/sqlite_control_store.h"
#include "control/store/store_support.h"

namespace dth::control {

Result<RunRecord> ReadRun(const SqliteStatement& row) {
  RunRecord r;
  r.id = row.Int(0);
  r.task_id = row.Text(1);
  r.trigger = row.Text(2);
  const std::string status = row.Text(3);
  auto parsed = ParseRunStatus(status);
  if (!parsed) return Corruption("control run " + std::to_string(r.id) + ": unknown status " + status);
  r.status = *parsed;
  r.error = row.Text(4);
  r.totals.objects_planned = row.Int(5);
  r.totals.bytes_planned = row.Int(6);
  r.totals.objects_done = row.Int(7);
  r.totals.bytes_done = row.Int(8);
  r.totals.objects_skipped = row.Int(9);
  r.totals.objects_failed = row.Int(10);
  r.totals.objects_deleted = row.Int(11);
  r.started_at = FromUnixMs(row.Int(12));
  r.finished_at = FromUnixMs(row.Int(13));
  return r;
}

Result<RunRecord> SqliteControlStore::StartRun(const std::string& task_id,
                                               const std::string& trigger) {
  RunRecord run;
  run.task_id = task_id;
  run.trigger = trigger;
  run.status = RunStatus::kRunning;
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT 1 FROM control_tasks WHERE id = ?"));
    select.Bind(1, task_id);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return NotFound("start run: task " + task_id + " not found");
  }
  run.started_at = FromUnixMs(NowMs());
  {
    DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(
        "INSERT INTO control_runs (task_id, triggered_by, status, error, objects_planned,"
        " bytes_planned, objects_done, bytes_done, objects_skipped, objects_failed,"
        " objects_deleted, started_at, finished_at) VALUES (?, ?, ?, '', 0, 0, 0, 0, 0, 0, 0, ?, 0)"));
    insert.Bind(1, task_id).Bind(2, trigger).Bind(3, RunStatusName(run.status));
    insert.Bind(4, ToUnixMs(run.started_at));
    DTH_RETURN_IF_ERROR(insert.Run());
  }
  run.id = db_->LastInsertId();
  DTH_RETURN_IF_ERROR(txn.Commit());
  return run;
}

Status SqliteControlStore::UpdateRun(const RunRecord& run) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
      "UPDATE control_runs SET status = ?, error = ?, objects_planned = ?, bytes_planned = ?,"
      " objects_done = ?, bytes_done = ?, objects_skipped = ?, objects_failed = ?,"
      " objects_deleted = ?, finished_at = ? WHERE id = ?"));
  const RunTotals& t = run.totals;
  update.Bind(1, RunStatusName(run.status)).Bind(2, run.error);
  update.Bind(3, t.objects_planned).Bind(4, t.bytes_planned).Bind(5, t.objects_done);
  update.Bind(6, t.bytes_done).Bind(7, t.objects_skipped).Bind(8, t.objects_failed);
  update.Bind(9, t.objects_deleted).Bind(10, ToUnixMs(run.finished_at)).Bind(11, run.id);
  DTH_RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return NotFound("run " + std::to_string(run.id) + " not found");
  return Status::Ok();
}

Result<RunRecord> SqliteControlStore::GetRun(int64_t id) {
  static const std::string sql =
      std::string("SELECT ") + kRunColumns + " FROM control_runs WHERE id = ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, id);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("run " + std::to_string(id) + " not found");
  return ReadRun(select);
}

Result<std::vector<RunRecord>> SqliteControlStore::ListRuns(const std::string& task_id,
                                                            int64_t before_id, int limit) {
  DTH_RETURN_IF_ERROR(CheckLimit("list runs", limit));
  if (before_id < 0) return InvalidArgument("list runs: negative before_id");
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM control_runs WHERE task_id = ? AND id < ?"
                                 " ORDER BY id DESC LIMIT ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, task_id);
  select.Bind(2, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
  select.Bind(3, limit);
  std::vector<RunRecord> runs;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return runs;
    DTH_ASSIGN_OR_RETURN(RunRecord run, ReadRun(select));
    runs.push_back(std::move(run));
  }
}

}  // namespace dth::control
