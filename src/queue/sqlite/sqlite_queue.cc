#include "queue/sqlite/sqlite_queue.h"

#include <cstdio>
#include <utility>

namespace dth {
namespace {

constexpr int kSchemaVersion = 1;

// Times are milliseconds since the Unix epoch. dedup_key NULL = never deduplicated.
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
  UNIQUE (task_id, dedup_key));
CREATE INDEX IF NOT EXISTS queue_jobs_by_visibility ON queue_jobs (visible_at, id);
CREATE TABLE IF NOT EXISTS queue_dead (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL,
  dedup_key TEXT,
  body TEXT NOT NULL,
  receive_count INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  dead_at INTEGER NOT NULL);
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
    DTH_RETURN_IF_ERROR(conn->db->EnsureSchema("queue", kSchemaVersion, kSchema));
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

Result<int> SqliteQueue::Send(const std::vector<Job>& batch) {
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
        "INSERT INTO queue_jobs (task_id, dedup_key, body, visible_at, enqueued_at)"
        " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (task_id, dedup_key) DO NOTHING"));
    insert.Bind(1, job.task_id).Bind(3, job.body).Bind(4, now);
    if (job.dedup_key.empty()) insert.BindNull(2); else insert.Bind(2, job.dedup_key);
    DTH_RETURN_IF_ERROR(insert.Run());
    added += static_cast<int>(db_->Changes());
  }
  DTH_RETURN_IF_ERROR(txn.Commit());
  return added;
}

Result<bool> SqliteQueue::ReceivePass(int max, int64_t now, int64_t visible_at,
                                      std::vector<Lease>* out) {
  std::vector<Lease> candidates;
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT id, task_id, dedup_key, body, receive_count FROM queue_jobs"
        " WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?"));
    select.Bind(1, now).Bind(2, max);
    for (;;) {
      DTH_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      candidates.push_back(LeaseFromRow(select));
    }
  }
  for (Lease& lease : candidates) {
    if (lease.receive_count >= options_.max_receives) {
      DTH_ASSIGN_OR_RETURN(auto move, db_->Prepare(
          "INSERT INTO queue_dead (id, task_id, dedup_key, body, receive_count, enqueued_at,"
          " dead_at) SELECT id, task_id, dedup_key, body, receive_count, enqueued_at, ?"
          " FROM queue_jobs WHERE id = ?"));
      DTH_RETURN_IF_ERROR(move.Bind(1, now).Bind(2, lease.id).Run());
      DTH_ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM queue_jobs WHERE id = ?"));
      DTH_RETURN_IF_ERROR(remove.Bind(1, lease.id).Run());
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

Result<std::vector<Lease>> SqliteQueue::Receive(int max, std::chrono::seconds visibility) {
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
    DTH_ASSIGN_OR_RETURN(more, ReceivePass(want, now, now + Ms(visibility), &leases));
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

Result<std::vector<Lease>> SqliteQueue::DeadLetters(int max) {
  if (max < 1) return InvalidArgument("queue DeadLetters: max must be >= 1");
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
      "SELECT id, task_id, dedup_key, body, receive_count FROM queue_dead"
      " ORDER BY dead_at, id LIMIT ?"));
  select.Bind(1, max);
  std::vector<Lease> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    out.push_back(LeaseFromRow(select));
  }
  return out;
}

Result<int64_t> SqliteQueue::Purge(const std::string& task_id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM queue_jobs WHERE task_id = ?"));
  DTH_RETURN_IF_ERROR(remove.Bind(1, task_id).Run());
  return static_cast<int64_t>(db_->Changes());
}

Result<QueueStats> SqliteQueue::Stats() {
  std::lock_guard lock(mu_);
  QueueStats stats;
  {
    DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(
        "SELECT COUNT(*), COALESCE(SUM(receive_count > 0 AND visible_at > ?), 0)"
        " FROM queue_jobs"));
    select.Bind(1, NowMs());
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (row) {
      stats.in_flight = select.Int(1);
      stats.waiting = select.Int(0) - stats.in_flight;
    }
  }
  DTH_ASSIGN_OR_RETURN(auto dead, db_->Prepare("SELECT COUNT(*) FROM queue_dead"));
  DTH_ASSIGN_OR_RETURN(bool row, dead.Step());
  if (row) stats.dead = dead.Int(0);
  return stats;
}

}  // namespace dth
