// queue/job_queue: the JobQueue interface (SQS semantics) every queue backend implements
// (SQLite now; PostgreSQL, SQS later) and its value types. Every job belongs to a task,
// and every read is scoped to one task: a worker of task A can never lease, count,
// dead-letter or purge a job of task B, whatever else shares the queue.
// Jobs are leased by Receive for a visibility timeout; Delete acknowledges,
// ChangeVisibility extends a lease (a heartbeat), and a lease that expires makes the job
// receivable again. A job received more than max_receives times goes to the dead-letter
// list instead of being handed out; SendToDeadLetters sends one there at once, with its reason.
// Held jobs (sent with SendOptions::held) are stored but never received: their sender
// arms them when it has sent them all (ArmHeld), and ReleaseHeld then makes the armed
// ones receivable (the delete phase of a sync: the finder arms its deletes once it has
// counted them all; a worker releases them once the copies are done).
// Send is idempotent per (task_id, dedup_key) while a job with that key is waiting,
// held or leased.
// Thread-safety: every implementation is safe for concurrent use from many threads, and
// several handles (processes) may share one queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace dth {

struct Job {
  std::string task_id;    // must not be empty
  std::string dedup_key;  // "" = never deduplicated
  std::string body;       // JSON text, opaque to the queue
  bool operator==(const Job&) const = default;
};

struct Lease {
  int64_t id = 0;
  std::string receipt;  // changes on every receive
  Job job;
  int receive_count = 0;  // receives so far, this one included
};

struct DeadLetter {
  int64_t id = 0;
  Job job;
  int receive_count = 0;
  std::string reason;  // why it was given up ("" when a receive limit was reached unseen)
  TimePoint dead_at{};
};

struct QueueStats {
  int64_t waiting = 0;    // receivable now or after a lapsed lease
  int64_t in_flight = 0;  // leased, lease not yet expired
  int64_t held = 0;       // sent held, not yet released (armed or not)
  int64_t dead = 0;       // in the dead-letter list
  bool operator==(const QueueStats&) const = default;
};

struct SendOptions {
  bool held = false;  // stored, but not receivable until ArmHeld and ReleaseHeld
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Enqueues the batch atomically; returns how many jobs were new (the rest were
  // already waiting, held or leased under the same (task_id, dedup_key)).
  virtual Result<int> Send(const std::vector<Job>& batch, const SendOptions& options) = 0;
  Result<int> Send(const std::vector<Job>& batch) { return Send(batch, SendOptions{}); }

  // Leases up to max visible jobs of task_id for `visibility`. Jobs past max_receives
  // move to the dead-letter list instead. An empty vector means nothing is visible now.
  virtual Result<std::vector<Lease>> Receive(const std::string& task_id, int max,
                                             std::chrono::seconds visibility) = 0;

  // Acknowledges a job. kPreconditionFailed when the receipt is stale (the job was
  // received again since) or the job is gone.
  virtual Status Delete(const Lease& lease) = 0;

  // Acknowledges many jobs (one transaction where the backend can). Stale receipts are
  // skipped, as a Delete of them would fail kPreconditionFailed; other errors are
  // returned. The default deletes one by one.
  virtual Status DeleteBatch(const std::vector<Lease>& leases);

  // Makes the leased job invisible for `visibility` from now (0 releases it at once).
  // kPreconditionFailed on a stale receipt.
  virtual Status ChangeVisibility(const Lease& lease, std::chrono::seconds visibility) = 0;

  // Moves the leased job to the dead-letter list now, with the reason (a failure no
  // retry can cure). kPreconditionFailed on a stale receipt.
  virtual Status SendToDeadLetters(const Lease& lease, const std::string& reason) = 0;

  // The task's dead letters with id > after_id, oldest first, at most max.
  virtual Result<std::vector<DeadLetter>> DeadLetters(const std::string& task_id,
                                                      int64_t after_id, int max) = 0;
  // Puts the task's dead letters (all of them when ids is empty) back on the queue as
  // new jobs (receive count 0); a dead letter whose key is waiting again is dropped
  // instead. Returns how many were taken from the dead-letter list.
  virtual Result<int64_t> RequeueDeadLetters(const std::string& task_id,
                                             const std::vector<int64_t>& ids) = 0;
  // Removes the task's dead letters (all when ids is empty); returns how many.
  virtual Result<int64_t> PurgeDeadLetters(const std::string& task_id,
                                           const std::vector<int64_t>& ids) = 0;

  virtual Result<QueueStats> Stats(const std::string& task_id) = 0;

  // Marks the task's held jobs as complete (their sender sent them all); returns how many.
  virtual Result<int64_t> ArmHeld(const std::string& task_id) = 0;
  // Makes the task's armed held jobs receivable (not those still being sent); returns
  // how many.
  virtual Result<int64_t> ReleaseHeld(const std::string& task_id) = 0;
  // Drops the task's held jobs, armed or not; returns how many.
  virtual Result<int64_t> DropHeld(const std::string& task_id) = 0;

  // Drops every waiting, held or leased job of the task (dead letters stay); returns how
  // many. For a run that owns the task alone and rebuilds its jobs from the listings, so
  // leases held by a process that died do not hold it up.
  virtual Result<int64_t> Purge(const std::string& task_id) = 0;
};

}  // namespace dth
