// queue/job_queue: the JobQueue interface (SQS semantics) every queue backend implements
// (SQLite now; PostgreSQL, SQS later) and its value types. Jobs are leased by Receive
// for a visibility timeout; Delete acknowledges, ChangeVisibility extends a lease (a
// heartbeat), and a lease that expires makes the job receivable again. A job received
// more than max_receives times goes to the dead-letter list instead of being handed
// out. Send is idempotent per (task_id, dedup_key) while a job with that key is waiting
// or leased.
// Thread-safety: every implementation is safe for concurrent use from many threads, and
// several handles (processes) may share one queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

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
  std::string receipt;  // changes on every receive; "" for dead letters
  Job job;
  int receive_count = 0;  // receives so far, this one included
};

struct QueueStats {
  int64_t waiting = 0;    // receivable now or after a lapsed lease
  int64_t in_flight = 0;  // leased, lease not yet expired
  int64_t dead = 0;       // in the dead-letter list
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Enqueues the batch atomically; returns how many jobs were new (the rest were
  // already waiting or leased under the same (task_id, dedup_key)).
  virtual Result<int> Send(const std::vector<Job>& batch) = 0;

  // Leases up to max visible jobs for `visibility`. Jobs past max_receives move to
  // the dead-letter list instead. An empty vector means nothing is visible now.
  virtual Result<std::vector<Lease>> Receive(int max, std::chrono::seconds visibility) = 0;

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

  // Up to max dead letters, oldest first (receipt is "").
  virtual Result<std::vector<Lease>> DeadLetters(int max) = 0;

  virtual Result<QueueStats> Stats() = 0;

  // Drops every waiting or leased job of the task (dead letters stay); returns how many.
  // For a run that owns the task alone and rebuilds its jobs from the listings, so
  // leases held by a process that died do not hold it up.
  virtual Result<int64_t> Purge(const std::string& task_id) = 0;
};

}  // namespace dth
