// queue/sqlite/sqlite_queue: the embedded JobQueue on SQLite (WAL). One table of jobs
// (waiting, held and leased) and one of dead letters, in a file shared by any number of
// processes, or ":memory:" (private to one SqliteQueue). Every read goes through an index
// led by task_id. Receive runs in a BEGIN IMMEDIATE transaction, so concurrent receivers
// never lease the same job twice.
// Thread-safety: safe for concurrent use; calls on one instance are serialised.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "queue/job_queue.h"
#include "core/clock.h"
#include "state/sqlite/sqlite_db.h"

namespace dth {

struct QueueOptions {
  int max_receives = 5;            // the (max_receives+1)-th receive dead-letters a job
  Clock* clock = nullptr;          // not owned, must outlive the queue; nullptr = wall clock
  std::chrono::milliseconds busy_timeout = std::chrono::seconds(30);
};

class SqliteQueue : public JobQueue {
 public:
  static Result<std::unique_ptr<SqliteQueue>> Open(const std::string& path,
                                                   const QueueOptions& options = {});
  // On a connection shared with other users in this process (the state store).
  static Result<std::unique_ptr<SqliteQueue>> Open(std::shared_ptr<SqliteConnection> conn,
                                                   const QueueOptions& options = {});

  using JobQueue::Send;
  Result<int> Send(const std::vector<Job>& batch, const SendOptions& options) override;
  Result<std::vector<Lease>> Receive(const std::string& task_id, int max,
                                     std::chrono::seconds visibility) override;
  Status Delete(const Lease& lease) override;
  Status DeleteBatch(const std::vector<Lease>& leases) override;
  Status ChangeVisibility(const Lease& lease, std::chrono::seconds visibility) override;
  Status SendToDeadLetters(const Lease& lease, const std::string& reason) override;
  Result<std::vector<DeadLetter>> DeadLetters(const std::string& task_id, int64_t after_id,
                                                   int max) override;
  Result<int64_t> RequeueDeadLetters(const std::string& task_id,
                                     const std::vector<int64_t>& ids) override;
  Result<int64_t> PurgeDeadLetters(const std::string& task_id,
                                   const std::vector<int64_t>& ids) override;
  Result<QueueStats> Stats(const std::string& task_id) override;
  Result<int64_t> ArmHeld(const std::string& task_id) override;
  Result<int64_t> ReleaseHeld(const std::string& task_id) override;
  Result<int64_t> DropHeld(const std::string& task_id) override;
  Result<int64_t> Purge(const std::string& task_id) override;

 private:
  SqliteQueue(std::shared_ptr<SqliteConnection> conn, const QueueOptions& options);

  int64_t NowMs() const;
  std::string NewReceipt(int64_t id);
  // One pass of Receive inside its transaction: leases or dead-letters up to `max`.
  Result<bool> ReceivePass(const std::string& task_id, int max, int64_t now, int64_t visible_at,
                           std::vector<Lease>* out);
  // Inside a transaction: moves job `id` to the dead letters with the reason.
  Status MoveToDead(int64_t id, int64_t now, const std::string& reason);
  // In one transaction: sql_all for the whole task when ids is empty, else sql_one for
  // each id; binds ?1 = task_id, ?2 = id, ?3 = now (where used). Returns rows changed.
  Result<int64_t> ForTaskOrIds(const char* sql_all, const char* sql_one,
                               const std::string& task_id, const std::vector<int64_t>& ids);

  std::shared_ptr<SqliteConnection> conn_;
  std::mutex& mu_;                  // conn_->mu
  std::unique_ptr<SqliteDb>& db_;   // conn_->db
  QueueOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace dth
