#include "queue/sqlite/sqlite_queue.h"

#include <cstdio>
#include <utility>

namespace dth {
namespace {

constexpr int kSchemaVersion = 2;

// Times are milliseconds since the Unix epoch. dedup_key NULL = never deduplicated.
// held: 0 receivable, 1 held and armed, 2 held and still being sent.
// Dead letters keep their job's id (AUTOINCREMENT never hands it out again).
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS queue_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  dedup_key TEXT,
  body TEXT NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  visible_at INTEGER NOT NULL,
  receipt TEXT NOT NULL DEFAULT '',
  enqueued_at INTEGER NOT NULL,
  held INTEGER NOT NULL DEFAULT 0,
  UNIQUE (task_id, dedup_key));
CREATE INDEX IF NOT EXISTS queue_jobs_by_task ON queue_jobs (task_id, held, visible_at, id);
CREATE TABLE IF NOT EXISTS queue_dead (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL,
  dedup_key TEXT,
  body TEXT NOT NULL,
  receive_count INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  dead_at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS queue_dead_by_task ON queue_dead (task_id, id);
)sql";

// Version 1 had no held jobs, no dead-letter reasons, and an index not led by the task.
constexpr char kFromVersion1[] = R"sql(
ALTER TABLE queue_jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_dead ADD COLUMN reason TEXT NOT NULL DEFAULT '';
DROP INDEX IF EXISTS queue_jobs_by_visibility;
CREATE INDEX IF NOT EXISTS queue_jobs_by_task ON queue_jobs (task_id, held, visible_at, id);
CREATE INDEX IF NOT EXISTS queue_dead_by_task ON queue_dead (task_id, id);
)sql";

int64_t Ms(std::chrono::seconds s) { return s.count() * 1000; }

// A Lease from a row of (id, task_id, dedup_key, body, receive_count).
Lease LeaseFromRow(const SqliteStatement& row) {
  Lease lease;
  lease.id = row.Int(0);
  lease.job = Job{row.Text(1), row.Text(2), row.Text(3)};
  lease.receive_count = static_cast<int>(row.Int(4));
  return lease;
}

}  // namespace

Result<std::unique_ptr<SqliteQueue>> SqliteQueue::Open(const std::string& path,
                                                       const QueueOptions& options) {
  if (options.max_receives < 1) return InvalidArgument("queue max_receives must be >= 1");
  DTH_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(path, options.busy_timeout));
  return Open(std::move(conn), options);
}

Result<std::unique_ptr<SqliteQueue>> SqliteQueue::Open(std::shared_ptr<SqliteConnection> conn,
                                                       const QueueOptions& options) {
  if (options.max_receives < 1) return InvalidArgument("queue max_receives must be >= 1");
  {
    std::lock_guard lock(conn->mu);
    DTH_RETURN_IF_ERROR(conn->db->EnsureSchema("queue", kSchemaVersion, kSchema, {kFromVersion1}));
  }
  return std::unique_ptr<SqliteQueue>(new SqliteQueue(std::move(conn), options));
}

SqliteQueue::SqliteQueue(std::shared_ptr<SqliteConnection> conn, const QueueOptions& options)
    : conn_(std::move(conn)), mu_(conn_->mu), db_(conn_->db), options_(options),
      rng_(std::random_device{}()) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

int64_t SqliteQueue::NowMs() const { return ToUnixMs(options_.clock->Now()); }

std::string SqliteQueue::NewReceipt(int64_t id) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%016llx%016llx", static_cast<long long>(id),
                static_cast<unsigned long long>(rng_()), static_cast<unsigned long long>(rng_()));
  return buf;
}

Result<int> SqliteQueue::Send(const std::vector<Job>& batch, const SendOptions& options) {
  for (const Job& job : batch) {
    if (job.task_id.empty()) return InvalidArgument("queue Send: a job without a task_id");
  }
  std::lock_guard lock(mu_);
  const int64_t now = NowMs();
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  int added = 0;
  for (const Job& job : batch) {
    DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(
        "INSERT INTO queue_jobs (task_id, dedup_key, body, visible_at, enqueued_at, held)"
        " VALUES (?1, ?2, ?3, ?4, ?4, ?5) ON CONFLICT (task_id, dedup_key) DO NOTHING"));
    insert.Bind(1, job.task_id).Bind(3, job.body).Bind(4, now).Bind(5, options.held ? 2 : 0);
    if (job.dedup_key.empty()) insert.BindNull(2); else insert.Bind(2, job.dedup_key);
    DTH_RETURN_IF_ERROR(insert.Run());
    added += static_cast<int>(db_->Changes());
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return added;
}

Status SqliteQueue::MoveToDead(int64_t id, int64_t now, const std::string& reason) {
  DTH_ASSIGN_OR_RETURN(auto move, db_->Prepare(
      "INSERT INTO queue_dead (id, task_id, dedup_key, body, receive_count, enqueued_at,"
      " dead_at, reason) SELECT id, task_id, dedup_key, body, receive_count, enqueued_at, ?, ?"
      " FROM queue_jobs WHERE id = ?"));
  DTH_RETURN_IF_ERROR(move.Bind(1, now).Bind(2, reason).Bind(3, id).Run());
  DTH_ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM queue_jobs WHERE id = ?"));
  return remove.Bind(1, id).Run();
}

Result<bool> SqliteQueue::ReceivePass(const std::string& task_id, int max, int64_t now,
                                      int64_t visible_at, std::vector<Lease>* out) {
  std::vector<Lease> candidates;
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT id, task_id, dedup_key, body, receive_count FROM queue_jobs"
        " WHERE task_id = ? AND held = 0 AND visible_at <= ? ORDER BY visible_at, id LIMIT ?"));
    select.Bind(1, task_id).Bind(2, now).Bind(3, max);
    for (;;) {
      DTH_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      candidates.push_back(LeaseFromRow(select));
    }
  }
  for (Lease& lease : candidates) {
    if (lease.receive_count >= options_.max_receives) {
      DTH_RETURN_IF_ERROR(MoveToDead(lease.id, now,
                                     "received " + std::to_string(lease.receive_count) +
                                         " times without being acknowledged"));
      continue;
    }
    lease.receipt = NewReceipt(lease.id);
    lease.receive_count += 1;
    DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
        "UPDATE queue_jobs SET receive_count = ?, visible_at = ?, receipt = ? WHERE id = ?"));
    update.Bind(1, lease.receive_count).Bind(2, visible_at).Bind(3, lease.receipt);
    DTH_RETURN_IF_ERROR(update.Bind(4, lease.id).Run());
    out->push_back(std::move(lease));
  }
  return static_cast<int>(candidates.size()) == max;  // more may be visible
}

Result<std::vector<Lease>> SqliteQueue::Receive(const std::string& task_id, int max,
                                                std::chrono::seconds visibility) {
  if (max < 1) return InvalidArgument("queue Receive: max must be >= 1");
  if (visibility.count() < 0) return InvalidArgument("queue Receive: negative visibility");
  std::lock_guard lock(mu_);
  const int64_t now = NowMs();
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  std::vector<Lease> leases;
  bool more = true;
  while (more && static_cast<int>(leases.size()) < max) {
    const int want = max - static_cast<int>(leases.size());
    DTH_ASSIGN_OR_RETURN(more, ReceivePass(task_id, want, now, now + Ms(visibility), &leases));
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return leases;
}

Status SqliteQueue::Delete(const Lease& lease) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto remove,
                       db_->Prepare("DELETE FROM queue_jobs WHERE id = ? AND receipt = ?"));
  DTH_RETURN_IF_ERROR(remove.Bind(1, lease.id).Bind(2, lease.receipt).Run());
  if (lease.receipt.empty() || db_->Changes() == 0) {
    return Status(Code::kPreconditionFailed,
                  "queue Delete: job " + std::to_string(lease.id) + ": stale receipt");
  }
  return Status::Ok();
}

Status SqliteQueue::DeleteBatch(const std::vector<Lease>& leases) {
  if (leases.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  for (const Lease& lease : leases) {
    if (lease.receipt.empty()) continue;
    DTH_ASSIGN_OR_RETURN(auto remove,
                         db_->Prepare("DELETE FROM queue_jobs WHERE id = ? AND receipt = ?"));
    DTH_RETURN_IF_ERROR(remove.Bind(1, lease.id).Bind(2, lease.receipt).Run());
  }
  return txn.Commit();
}

Status SqliteQueue::ChangeVisibility(const Lease& lease, std::chrono::seconds visibility) {
  if (visibility.count() < 0) return InvalidArgument("queue ChangeVisibility: negative time");
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
      "UPDATE queue_jobs SET visible_at = ? WHERE id = ? AND receipt = ? AND receipt != ''"));
  update.Bind(1, NowMs() + Ms(visibility)).Bind(2, lease.id).Bind(3, lease.receipt);
  DTH_RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) {
    return Status(Code::kPreconditionFailed,
                  "queue ChangeVisibility: job " + std::to_string(lease.id) + ": stale receipt");
  }
  return Status::Ok();
}

Status SqliteQueue::SendToDeadLetters(const Lease& lease, const std::string& reason) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT 1 FROM queue_jobs WHERE id = ? AND receipt = ? AND receipt != ''"));
    select.Bind(1, lease.id).Bind(2, lease.receipt);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) {
      return Status(Code::kPreconditionFailed,
                    "queue SendToDeadLetters: job " + std::to_string(lease.id) + ": stale receipt");
    }
  }
  DTH_RETURN_IF_ERROR(MoveToDead(lease.id, NowMs(), reason));
  return txn.Commit();
}

Result<std::vector<DeadLetter>> SqliteQueue::DeadLetters(const std::string& task_id,
                                                         int64_t after_id, int max) {
  if (max < 1) return InvalidArgument("queue DeadLetters: max must be >= 1");
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT id, task_id, dedup_key, body, receive_count, reason, dead_at FROM queue_dead"
      " WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?"));
  select.Bind(1, task_id).Bind(2, after_id).Bind(3, max);
  std::vector<DeadLetter> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Lease lease = LeaseFromRow(select);
    out.push_back(DeadLetter{lease.id, std::move(lease.job), lease.receive_count, select.Text(5),
                             FromUnixMs(select.Int(6))});
  }
  return out;
}

Result<int64_t> SqliteQueue::ForTaskOrIds(const char* sql_all, const char* sql_one,
                                          const std::string& task_id,
                                          const std::vector<int64_t>& ids) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  int64_t changed = 0;
  if (ids.empty()) {
    DTH_ASSIGN_OR_RETURN(auto all, db_->Prepare(sql_all));
    all.Bind(1, task_id);
    if (all.ParameterCount() >= 3) all.Bind(3, NowMs());
    DTH_RETURN_IF_ERROR(all.Run());
    changed = db_->Changes();
  }
  for (int64_t id : ids) {
    DTH_ASSIGN_OR_RETURN(auto one, db_->Prepare(sql_one));
    one.Bind(1, task_id).Bind(2, id);
    if (one.ParameterCount() >= 3) one.Bind(3, NowMs());
    DTH_RETURN_IF_ERROR(one.Run());
    changed += db_->Changes();
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return changed;
}

Result<int64_t> SqliteQueue::RequeueDeadLetters(const std::string& task_id,
                                                const std::vector<int64_t>& ids) {
  // New jobs first (a key waiting again keeps its waiting job), then the dead letters go.
  DTH_RETURN_IF_ERROR(ForTaskOrIds(
      "INSERT INTO queue_jobs (task_id, dedup_key, body, visible_at, enqueued_at)"
      " SELECT task_id, dedup_key, body, ?3, ?3 FROM queue_dead WHERE task_id = ?1"
      " ORDER BY id ON CONFLICT (task_id, dedup_key) DO NOTHING",
      "INSERT INTO queue_jobs (task_id, dedup_key, body, visible_at, enqueued_at)"
      " SELECT task_id, dedup_key, body, ?3, ?3 FROM queue_dead WHERE task_id = ?1 AND id = ?2"
      " ON CONFLICT (task_id, dedup_key) DO NOTHING",
      task_id, ids).status());
  return PurgeDeadLetters(task_id, ids);
}

Result<int64_t> SqliteQueue::PurgeDeadLetters(const std::string& task_id,
                                              const std::vector<int64_t>& ids) {
  return ForTaskOrIds("DELETE FROM queue_dead WHERE task_id = ?1",
                      "DELETE FROM queue_dead WHERE task_id = ?1 AND id = ?2",
                      task_id, ids);
}

Result<int64_t> SqliteQueue::ArmHeld(const std::string& task_id) {
  return ForTaskOrIds("UPDATE queue_jobs SET held = 1 WHERE task_id = ?1 AND held = 2", "",
                      task_id, {});
}

Result<int64_t> SqliteQueue::ReleaseHeld(const std::string& task_id) {
  return ForTaskOrIds("UPDATE queue_jobs SET held = 0, visible_at = ?3"
                      " WHERE task_id = ?1 AND held = 1",
                      "", task_id, {});
}

Result<int64_t> SqliteQueue::DropHeld(const std::string& task_id) {
  return ForTaskOrIds("DELETE FROM queue_jobs WHERE task_id = ?1 AND held > 0", "", task_id, {});
}

Result<int64_t> SqliteQueue::Purge(const std::string& task_id) {
  return ForTaskOrIds("DELETE FROM queue_jobs WHERE task_id = ?1", "", task_id, {});
}

Result<QueueStats> SqliteQueue::Stats(const std::string& task_id) {
  std::lock_guard lock(mu_);
  QueueStats stats;
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.BeginRead());  // one snapshot for both counts
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT COUNT(*), COALESCE(SUM(held = 0 AND receive_count > 0 AND visible_at > ?), 0),"
        " COALESCE(SUM(held > 0), 0) FROM queue_jobs WHERE task_id = ?"));
    select.Bind(1, NowMs()).Bind(2, task_id);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (row) {
      stats.in_flight = select.Int(1);
      stats.held = select.Int(2);
      stats.waiting = select.Int(0) - stats.in_flight - stats.held;
    }
  }
  {
    DTH_ASSIGN_OR_RETURN(auto dead, db_->Prepare("SELECT COUNT(*) FROM queue_dead WHERE task_id = ?"));
    dead.Bind(1, task_id);
    DTH_ASSIGN_OR_RETURN(bool row, dead.Step());
    if (row) stats.dead = dead.Int(0);
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return stats;
}

}  // namespace dth
