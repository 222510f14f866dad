// SqliteControlStore: per-minute metric samples, run logs and the notifications outbox.
#include <nlohmann/json.hpp>

#include "control/store/sqlite/sqlite_control_schema.h"
#include "control/store/sqlite/sqlite_control_store.h"
#include "control/store/store_support.h"

namespace dth::control {
namespace {

constexpr int64_t kMinuteMs = 60'000;

int64_t FloorToMinute(int64_t ms) {
  int64_t floor = ms - ms % kMinuteMs;
  if (ms % kMinuteMs < 0) floor -= kMinuteMs;
  return floor;
}

}  // namespace

Status SqliteControlStore::AddSamples(const std::vector<MetricSample>& samples) {
  for (const MetricSample& s : samples) {
    if (s.task_id.empty()) return InvalidArgument("add samples: a sample without a task id");
  }
  if (samples.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  for (const MetricSample& s : samples) {
    // Counters add up over the minute; gauges keep the value reported last.
    DTH_ASSIGN_OR_RETURN(auto upsert, db_->Prepare(
        "INSERT INTO control_samples (task_id, minute, bytes, objects_done, objects_failed,"
        " retries_throttled, retries_server, retries_network, jobs_waiting, jobs_running,"
        " workers_busy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (task_id, minute) DO UPDATE SET"
        " bytes = bytes + excluded.bytes,"
        " objects_done = objects_done + excluded.objects_done,"
        " objects_failed = objects_failed + excluded.objects_failed,"
        " retries_throttled = retries_throttled + excluded.retries_throttled,"
        " retries_server = retries_server + excluded.retries_server,"
        " retries_network = retries_network + excluded.retries_network,"
        " jobs_waiting = excluded.jobs_waiting, jobs_running = excluded.jobs_running,"
        " workers_busy = excluded.workers_busy"));
    upsert.Bind(1, s.task_id).Bind(2, FloorToMinute(ToUnixMs(s.minute))).Bind(3, s.bytes);
    upsert.Bind(4, s.objects_done).Bind(5, s.objects_failed).Bind(6, s.retries_throttled);
    upsert.Bind(7, s.retries_server).Bind(8, s.retries_network).Bind(9, s.jobs_waiting);
    upsert.Bind(10, s.jobs_running).Bind(11, s.workers_busy);
    DTH_RETURN_IF_ERROR(upsert.Run());
  }
  return txn.Commit();
}

Result<std::vector<MetricSample>> SqliteControlStore::ListSamples(const MetricQuery& query) {
  DTH_RETURN_IF_ERROR(CheckMetricQuery(query));
  const int64_t from = ToUnixMs(query.from);
  const int64_t step_ms = int64_t{query.step_seconds} * 1000;
  std::lock_guard lock(mu_);
  // Steps count from `from`. With exactly one max() in the query, SQLite takes the bare
  // gauge columns from the row holding that max: the step's last minute.
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT (minute - ?2) / ?4 AS step, SUM(bytes), SUM(objects_done), SUM(objects_failed),"
      " SUM(retries_throttled), SUM(retries_server), SUM(retries_network), MAX(minute),"
      " jobs_waiting, jobs_running, workers_busy FROM control_samples"
      " WHERE task_id = ?1 AND minute >= ?2 AND minute < ?3 GROUP BY step ORDER BY step"));
  select.Bind(1, query.task_id).Bind(2, from).Bind(3, ToUnixMs(query.to)).Bind(4, step_ms);
  std::vector<MetricSample> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    MetricSample s;
    s.task_id = query.task_id;
    s.minute = FromUnixMs(from + select.Int(0) * step_ms);
    s.bytes = select.Int(1);
    s.objects_done = select.Int(2);
    s.objects_failed = select.Int(3);
    s.retries_throttled = select.Int(4);
    s.retries_server = select.Int(5);
    s.retries_network = select.Int(6);
    s.jobs_waiting = select.Int(8);
    s.jobs_running = select.Int(9);
    s.workers_busy = select.Int(10);
    out.push_back(std::move(s));
  }
}

Result<int64_t> SqliteControlStore::DeleteSamplesBefore(TimePoint before) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_samples WHERE minute < ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, ToUnixMs(before)).Run());
  return db_->Changes();
}

Result<int64_t> SqliteControlStore::AppendLog(const LogEntry& entry) {
  if (entry.task_id.empty()) return InvalidArgument("append log: no task id");
  if (entry.run_id < 0) return InvalidArgument("append log: negative run id");
  std::lock_guard lock(mu_);
  const int64_t time = entry.time == TimePoint{} ? NowMs() : ToUnixMs(entry.time);
  DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(
      "INSERT INTO control_logs (task_id, run_id, time, level, message) VALUES (?, ?, ?, ?, ?)"));
  insert.Bind(1, entry.task_id).Bind(2, entry.run_id).Bind(3, time);
  insert.Bind(4, static_cast<int64_t>(entry.level)).Bind(5, entry.message);
  DTH_RETURN_IF_ERROR(insert.Run());
  return db_->LastInsertId();
}

Result<std::vector<LogEntry>> SqliteControlStore::ListLogs(const LogQuery& query) {
  DTH_RETURN_IF_ERROR(CheckLogQuery(query));
  // One statement per combination of filters (at most 8, each prepared once).
  std::string sql =
      "SELECT id, task_id, run_id, time, level, message FROM control_logs"
      " WHERE task_id = ?1 AND id > ?2";
  if (query.run_id > 0) sql += " AND run_id = ?3";
  if (query.min_level != LogLevel::kDebug) sql += " AND level >= ?4";
  if (!query.text.empty()) sql += " AND message LIKE ?5 ESCAPE '\\'";
  sql += " ORDER BY id LIMIT ?6";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, query.task_id).Bind(2, query.after_id);
  if (query.run_id > 0) select.Bind(3, query.run_id);
  if (query.min_level != LogLevel::kDebug) select.Bind(4, static_cast<int64_t>(query.min_level));
  if (!query.text.empty()) select.Bind(5, LikeSubstring(query.text));
  select.Bind(6, query.limit);
  std::vector<LogEntry> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    LogEntry e;
    e.id = select.Int(0);
    e.task_id = select.Text(1);
    e.run_id = select.Int(2);
    e.time = FromUnixMs(select.Int(3));
    const int64_t level = select.Int(4);
    if (level < 0 || level > static_cast<int64_t>(LogLevel::kError)) {
      return Corruption("control log " + std::to_string(e.id) + ": unknown level " +
                        std::to_string(level));
    }
    e.level = static_cast<LogLevel>(level);
    e.message = select.Text(5);
    out.push_back(std::move(e));
  }
}

Result<int64_t> SqliteControlStore::DeleteLogsBefore(TimePoint before) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_logs WHERE time < ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, ToUnixMs(before)).Run());
  return db_->Changes();
}

Result<int64_t> SqliteControlStore::AddNotification(const NotificationRecord& n) {
  if (n.task_id.empty()) return InvalidArgument("add notification: no task id");
  if (n.kind.empty()) return InvalidArgument("add notification: no kind");
  std::lock_guard lock(mu_);
  const int64_t created = n.created_at == TimePoint{} ? NowMs() : ToUnixMs(n.created_at);
  DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(
      "INSERT INTO control_notifications (task_id, run_id, kind, target, recipients, payload, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, n.task_id).Bind(2, n.run_id).Bind(3, n.kind).Bind(4, n.target);
  insert.Bind(5, nlohmann::json(n.to).dump()).Bind(6, n.payload).Bind(7, created);
  DTH_RETURN_IF_ERROR(insert.Run());
  return db_->LastInsertId();
}

Result<std::vector<NotificationRecord>> SqliteControlStore::ListNotifications(int limit) {
  DTH_RETURN_IF_ERROR(CheckLimit("list notifications", limit));
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT id, task_id, run_id, kind, target, recipients, payload, created_at"
      " FROM control_notifications ORDER BY id LIMIT ?"));
  select.Bind(1, limit);
  std::vector<NotificationRecord> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    NotificationRecord n;
    n.id = select.Int(0);
    n.task_id = select.Text(1);
    n.run_id = select.Int(2);
    n.kind = select.Text(3);
    n.target = select.Text(4);
    const auto to = nlohmann::json::parse(select.Text(5), nullptr, false);
    if (!to.is_array()) return Corruption("control notification " + std::to_string(n.id) + ": bad recipients");
    for (const auto& address : to) {
      if (!address.is_string()) return Corruption("control notification " + std::to_string(n.id) + ": bad recipients");
      n.to.push_back(address.get<std::string>());
    }
    n.payload = select.Text(6);
    n.created_at = FromUnixMs(select.Int(7));
    out.push_back(std::move(n));
  }
}

Status SqliteControlStore::DeleteNotification(int64_t id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_notifications WHERE id = ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, id).Run());
  if (db_->Changes() == 0) return NotFound("notification " + std::to_string(id) + " not found");
  return Status::Ok();
}

}  // namespace dth::control
