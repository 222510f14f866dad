// queue/sqlite/sqlite_queue: the embedded JobQueue on SQLite (WAL). One table of jobs
// (waiting and leased) and one of dead letters, in a file shared by any number of
// processes, or ":memory:" (private to one SqliteQueue). Receive runs in a BEGIN
// IMMEDIATE transaction, so concurrent receivers never lease the same job twice.
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

  Result<int> Send(const std::vector<Job>& batch) override;
  Result<std::vector<Lease>> Receive(int max, std::chrono::seconds visibility) override;
  Status Delete(const Lease& lease) override;
  Status DeleteBatch(const std::vector<Lease>& leases) override;
  Status ChangeVisibility(const Lease& lease, std::chrono::seconds visibility) override;
  Result<std::vector<Lease>> DeadLetters(int max) override;
  Result<QueueStats> Stats() override;
  Result<int64_t> Purge(const std::string& task_id) override;

 private:
  SqliteQueue(std::shared_ptr<SqliteConnection> conn, const QueueOptions& options);

  int64_t NowMs() const;
  std::string NewReceipt(int64_t id);
  // One pass of Receive inside its transaction: leases or dead-letters up to `max`.
  Result<bool> ReceivePass(int max, int64_t now, int64_t visible_at, std::vector<Lease>* out);

  std::shared_ptr<SqliteConnection> conn_;
  std::mutex& mu_;                  // conn_->mu
  std::unique_ptr<SqliteDb>& db_;   // conn_->db
  QueueOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace dth
