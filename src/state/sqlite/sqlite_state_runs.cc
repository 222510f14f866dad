// SqliteStateStore: multipart upload and part records, and run records.
#include <utility>

#include "state/sqlite/sqlite_state_store.h"

namespace dth {

Status SqliteStateStore::RecordUpload(const UploadRecord& u) {
  if (u.task_id.empty() || u.key.empty() || u.upload_id.empty() || u.part_count < 1) {
    return InvalidArgument("state RecordUpload: empty task, key or upload id, or no parts");
  }
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto drop, db_->Prepare(
        "DELETE FROM state_parts WHERE task_id = ? AND key = ? AND upload_id != ?"));
    DTH_RETURN_IF_ERROR(drop.Bind(1, u.task_id).Bind(2, u.key).Bind(3, u.upload_id).Run());
  }
  DTH_ASSIGN_OR_RETURN(auto upsert, db_->Prepare(
      "INSERT OR REPLACE INTO state_uploads (task_id, key, upload_id, part_size, part_count,"
      " source_etag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  upsert.Bind(1, u.task_id).Bind(2, u.key).Bind(3, u.upload_id);
  upsert.Bind(4, static_cast<int64_t>(u.part_size)).Bind(5, u.part_count);
  DTH_RETURN_IF_ERROR(upsert.Bind(6, u.source_etag).Bind(7, NowMs()).Run());
  DTH_ASSIGN_OR_RETURN(auto log, db_->Prepare(
      "INSERT OR IGNORE INTO state_upload_log (task_id, upload_id, key, created_at)"
      " VALUES (?, ?, ?, ?)"));
  DTH_RETURN_IF_ERROR(log.Bind(1, u.task_id).Bind(2, u.upload_id).Bind(3, u.key).Bind(4, NowMs()).Run());
  return txn.Commit();
}

Result<std::vector<StaleUpload>> SqliteStateStore::StaleUploads(const std::string& task_id,
                                                               int limit) {
  if (limit < 1) return InvalidArgument("state StaleUploads: limit must be >= 1");
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT l.key, l.upload_id FROM state_upload_log l WHERE l.task_id = ?1 AND NOT EXISTS"
      " (SELECT 1 FROM state_uploads u WHERE u.task_id = ?1 AND u.key = l.key"
      " AND u.upload_id = l.upload_id) ORDER BY l.created_at, l.upload_id LIMIT ?2"));
  select.Bind(1, task_id).Bind(2, limit);
  std::vector<StaleUpload> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    out.push_back(StaleUpload{select.Text(0), select.Text(1)});
  }
  return out;
}

Status SqliteStateStore::ForgetUpload(const std::string& task_id, const std::string& upload_id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto remove, db_->Prepare(
      "DELETE FROM state_upload_log WHERE task_id = ? AND upload_id = ?"));
  return remove.Bind(1, task_id).Bind(2, upload_id).Run();
}

Result<UploadRecord> SqliteStateStore::FindUpload(const std::string& task_id,
                                                  const std::string& key) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);  // one consistent view of the upload and its parts
  DTH_RETURN_IF_ERROR(txn.BeginRead());
  UploadRecord upload;
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT upload_id, part_size, part_count, source_etag FROM state_uploads"
        " WHERE task_id = ? AND key = ?"));
    select.Bind(1, task_id).Bind(2, key);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return NotFound("state upload " + task_id + "/" + key + " not recorded");
    upload = UploadRecord{task_id, key, select.Text(0), static_cast<uint64_t>(select.Int(1)),
                          static_cast<int>(select.Int(2)), select.Text(3), {}};
  }
  DTH_ASSIGN_OR_RETURN(auto parts, db_->Prepare(
      "SELECT part_number, etag FROM state_parts WHERE task_id = ? AND key = ?"
      " AND upload_id = ? ORDER BY part_number"));
  parts.Bind(1, task_id).Bind(2, key).Bind(3, upload.upload_id);
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, parts.Step());
    if (!row) break;
    upload.parts.push_back(
        PartRecord{static_cast<int>(parts.Int(0)), parts.Text(1), PartStatus::kDone});
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return upload;
}

Result<PartProgress> SqliteStateStore::RecordPart(const std::string& task_id, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         const std::string& etag) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  int64_t part_count = 0;
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT part_count FROM state_uploads WHERE task_id = ? AND key = ? AND upload_id = ?"));
    select.Bind(1, task_id).Bind(2, key).Bind(3, upload_id);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) {
      return Status(Code::kPreconditionFailed, "state RecordPart " + task_id + "/" + key +
                                                   ": upload " + upload_id + " is not current");
    }
    part_count = select.Int(0);
  }
  if (part_number < 1 || part_number > part_count) {
    return InvalidArgument("state RecordPart " + task_id + "/" + key + ": part " +
                           std::to_string(part_number) + " outside 1.." +
                           std::to_string(part_count));
  }
  auto count_parts = [&]() -> Result<int> {
    DTH_ASSIGN_OR_RETURN(auto count, db_->Prepare(
        "SELECT COUNT(*) FROM state_parts WHERE task_id = ? AND key = ? AND upload_id = ?"));
    count.Bind(1, task_id).Bind(2, key).Bind(3, upload_id);
    DTH_ASSIGN_OR_RETURN(bool row, count.Step());
    return row ? static_cast<int>(count.Int(0)) : 0;
  };
  DTH_ASSIGN_OR_RETURN(int before, count_parts());
  {
    DTH_ASSIGN_OR_RETURN(auto upsert, db_->Prepare(
        "INSERT OR REPLACE INTO state_parts (task_id, key, upload_id, part_number, etag, status)"
        " VALUES (?, ?, ?, ?, ?, 'done')"));
    upsert.Bind(1, task_id).Bind(2, key).Bind(3, upload_id).Bind(4, part_number);
    DTH_RETURN_IF_ERROR(upsert.Bind(5, etag).Run());
  }
  PartProgress progress;
  DTH_ASSIGN_OR_RETURN(progress.parts_done, count_parts());
  progress.completes_upload = before < part_count && progress.parts_done == part_count;
  DTH_RETURN_IF_ERROR(txn.Commit());
  return progress;
}

Status SqliteStateStore::DeleteUpload(const std::string& task_id, const std::string& key) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  // The current upload leaves the log too: completed or aborted, it is nobody's leftover.
  for (const char* sql : {"DELETE FROM state_parts WHERE task_id = ? AND key = ?",
                          "DELETE FROM state_upload_log WHERE task_id = ?1 AND upload_id IN"
                          " (SELECT upload_id FROM state_uploads WHERE task_id = ?1 AND key = ?2)",
                          "DELETE FROM state_uploads WHERE task_id = ? AND key = ?"}) {
    DTH_ASSIGN_OR_RETURN(auto remove, db_->Prepare(sql));
    DTH_RETURN_IF_ERROR(remove.Bind(1, task_id).Bind(2, key).Run());
  }
  return txn.Commit();
}

Result<int64_t> SqliteStateStore::StartRun(const std::string& task_id) {
  if (task_id.empty()) return InvalidArgument("state StartRun: empty task_id");
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto insert,
                       db_->Prepare("INSERT INTO state_runs (task_id, started_at) VALUES (?, ?)"));
  DTH_RETURN_IF_ERROR(insert.Bind(1, task_id).Bind(2, NowMs()).Run());
  return db_->LastInsertId();
}

Status SqliteStateStore::AddToRun(int64_t run_id, const RunCounters& d) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
      "UPDATE state_runs SET objects_copied = objects_copied + ?, bytes_copied = bytes_copied + ?,"
      " objects_skipped = objects_skipped + ?, objects_failed = objects_failed + ?,"
      " objects_deleted = objects_deleted + ? WHERE run_id = ?"));
  update.Bind(1, d.objects_copied).Bind(2, d.bytes_copied).Bind(3, d.objects_skipped);
  update.Bind(4, d.objects_failed).Bind(5, d.objects_deleted).Bind(6, run_id);
  DTH_RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return NotFound("state run " + std::to_string(run_id) + " not found");
  return Status::Ok();
}

Status SqliteStateStore::FinishRun(int64_t run_id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update,
                       db_->Prepare("UPDATE state_runs SET finished_at = ? WHERE run_id = ?"));
  DTH_RETURN_IF_ERROR(update.Bind(1, NowMs()).Bind(2, run_id).Run());
  if (db_->Changes() == 0) return NotFound("state run " + std::to_string(run_id) + " not found");
  return Status::Ok();
}

Result<RunRecord> SqliteStateStore::GetRun(int64_t run_id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT task_id, started_at, finished_at, objects_copied, bytes_copied, objects_skipped,"
      " objects_failed, objects_deleted FROM state_runs WHERE run_id = ?"));
  select.Bind(1, run_id);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("state run " + std::to_string(run_id) + " not found");
  RunRecord run;
  run.run_id = run_id;
  run.task_id = select.Text(0);
  run.started_at = FromUnixMs(select.Int(1));
  run.finished_at = FromUnixMs(select.Int(2));
  run.counters = RunCounters{select.Int(3), select.Int(4), select.Int(5), select.Int(6),
                             select.Int(7)};
  return run;
}

}  // namespace dth
