// sync/sync_engine: runs a sync task over a source, a destination, a job queue and a
// state store. Plan is the finder (list both sides, decide, record, enqueue); Work is
// the workers (lease jobs, run them, renew leases while they run, retry with backoff,
// give up after max_receives); Sync runs both at once in one process and reports.
// `dth sync` uses Sync; `dth finder` and `dth worker` use Plan and Work in separate
// processes sharing one queue and state store.
// Thread-safety: one engine per run. Plan and Work may run at the same time on different
// threads; Stop may be called from any thread (a signal handler's thread included).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <functional>
#include <string>
#include <vector>

#include "core/retry.h"
#include "finder/finder.h"
#include "sync/job_runner.h"
#include "sync/sync_options.h"
#include "sync/sync_progress.h"
#include "transfer/byte_budget.h"

namespace dth {

struct SyncFailure {
  std::string key;
  std::string error;
  int attempts = 0;
};

struct SyncReport {
  FinderTotals plan;
  uint64_t copied_objects = 0, copied_bytes = 0, deleted_objects = 0, failed_objects = 0;
  uint64_t parts_sent = 0, parts_resumed = 0, retried_jobs = 0;
  RetryCounts retried_requests;  // filled by the caller, which knows the stores
  std::vector<SyncFailure> failures;  // at most 1000, this run's
  uint64_t failures_total = 0;
  std::chrono::milliseconds elapsed{0};
  int64_t run_id = 0;
  bool ok() const { return failed_objects == 0 && failures_total == 0; }
};

class SyncEngine {
 public:
  SyncEngine(SyncStores stores, SyncOptions options);

  // The finder. With enqueue, every copy and delete becomes a job (and a pending
  // record); observer (optional) sees every decision, from one thread at a time.
  Result<FinderTotals> Plan(bool enqueue, const std::function<void(const Decision&)>& observer);

  // The workers: options.workers threads until Stop, or, with until_idle, until the
  // planning is done (progress().finder_done) and no job is waiting or in flight.
  Status Work(bool until_idle);

  // Drops the task's stale jobs, then plans and works at once; records a run.
  Result<SyncReport> Sync();

  // Aborts multipart uploads at the destination for keys this task has records of
  // that are not the upload recorded for them (left by a process that died between
  // creating an upload and recording it, or by a re-sent create). Uploads of keys the
  // task never recorded are someone else's and stay. Returns how many were aborted.
  Result<int> AbortStaleUploads();

  // This process's counters so far, and the task's failed records finished at or after
  // `since` (the plan, run id and elapsed time are the caller's).
  Result<SyncReport> Report(TimePoint since);

  void Stop() { stop_ = true; }
  SyncProgress& progress() { return progress_; }
  const SyncOptions& options() const { return options_; }

 private:
  void WorkerLoop(bool until_idle);
  // The next job for a worker: one handed over by another worker's receive, or a new
  // receive of a few (fewer queue transactions than one receive per job).
  Result<std::vector<Lease>> TakeLeases();
  void ReleaseFed();
  std::mutex feed_mu_;
  std::deque<Lease> feed_;  // guarded by feed_mu_
  void HeartbeatLoop();
  Status NoteQueueError(const Status& st);
  std::chrono::seconds RetryDelay(int receive_count) const;

  SyncStores stores_;
  SyncOptions options_;
  SyncProgress progress_;
  ByteBudget budget_;
  JobRunner runner_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> workers_done_{false};

  // Finished work is acknowledged in batches: done records, then the jobs' deletions,
  // each in one transaction, every 20 ms (a crash in between copies those objects again).
  void CommitLoop();
  void FlushDone();
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::vector<ObjectRecord> done_records_;  // guarded by done_mu_
  std::vector<Lease> done_leases_;          // guarded by done_mu_
  bool flush_now_ = false;                  // guarded by done_mu_: no job is in flight

  // Wakes idle workers when jobs were queued, the planning ended, or jobs were
  // acknowledged after it (the run may be over).
  void WakeWorkers();
  std::mutex wake_mu_;
  std::condition_variable wake_;

  // Leases being worked on, renewed by the heartbeat.
  std::mutex leases_mu_;
  std::vector<const Lease*> active_;  // guarded by leases_mu_
  Status fatal_;                      // guarded by leases_mu_: a queue that stopped working
  int queue_errors_ = 0;              // guarded by leases_mu_
};

}  // namespace dth
