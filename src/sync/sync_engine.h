// sync/sync_engine: runs a sync task over a source, a destination, a job queue and a
// state store. Plan is the finder (list both sides, decide, record, enqueue); Work is
// the workers (lease the task's jobs, run them, renew leases while they run, retry what
// a retry can cure with backoff, dead-letter the rest with its reason); Sync runs both
// at once in one process and reports.
// Deletes are a phase of their own: the finder queues them held and counts them; more
// than max_deletes refuses the whole phase (nothing deleted). Otherwise they are
// released once every copy of the run is acknowledged and none failed (skipped, and
// said, when one did), or at once after planning with delete_during.
// `dth sync` uses Sync; `dth finder` and `dth worker` use Plan and Work in separate
// processes sharing one queue and state store. Stop ends a run at a resumable point:
// no new job is taken, a multipart copy stops at a part boundary, and the jobs stay
// for the next run.
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

// Why the delete phase did not run (or not wholly).
enum class DeletePhase {
  kRan,          // released (or nothing to delete)
  kRefused,      // more deletes than max_deletes: none queued, none run
  kSkipped,      // a copy failed: the deletes were dropped
  kInterrupted,  // the run stopped before they ran (they are planned again next run)
};

struct SyncReport {
  FinderTotals plan;
  uint64_t copied_objects = 0, copied_bytes = 0, deleted_objects = 0, failed_objects = 0;
  uint64_t parts_sent = 0, parts_resumed = 0, retried_jobs = 0;
  RetryCounts retried_requests;  // filled by the caller, which knows the stores
  std::vector<SyncFailure> failures;  // at most 1000, this run's
  uint64_t failures_total = 0;
  DeletePhase delete_phase = DeletePhase::kRan;
  uint64_t deletes_not_run = 0;  // planned deletes that did not run (refused or skipped)
  uint64_t max_deletes = 0;
  bool interrupted = false;      // stopped early; run it again to resume
  std::chrono::milliseconds elapsed{0};
  int64_t run_id = 0;
  bool ok() const {
    return failed_objects == 0 && failures_total == 0 && delete_phase == DeletePhase::kRan &&
           !interrupted;
  }
};

class SyncEngine {
 public:
  SyncEngine(SyncStores stores, SyncOptions options);

  // The finder. With enqueue, every copy becomes a job (and a pending record) and every
  // delete a held job (up to max_deletes; more refuses them all); observer (optional)
  // sees every decision, from one thread at a time.
  Result<FinderTotals> Plan(bool enqueue, const std::function<void(const Decision&)>& observer);

  // The workers: options.workers threads until Stop, or, with until_idle, until the
  // planning is done (progress().finder_done) and none of the task's jobs is waiting,
  // in flight or held. When the copies are done, the held deletes are released (or
  // dropped when a copy failed).
  Status Work(bool until_idle);

  // Drops the task's stale jobs, then plans and works at once; records a run. A run
  // that was stopped returns its report with interrupted set.
  Result<SyncReport> Sync();

  // Aborts the multipart uploads this task started and then replaced or gave up (by
  // their recorded ids; StateStore::StaleUploads) that a best-effort abort missed.
  // Another tool's upload of the same key is never touched. Returns how many.
  Result<int> AbortStaleUploads();

  // This process's counters so far, and the task's failed records finished at or after
  // `since` (the plan, run id and elapsed time are the caller's).
  Result<SyncReport> Report(TimePoint since);

  void Stop() { stop_ = true; }
  // Workers running a job now.
  int busy_workers() {
    std::lock_guard lock(leases_mu_);
    return static_cast<int>(active_.size());
  }
  SyncProgress& progress() { return progress_; }
  const SyncOptions& options() const { return options_; }

 private:
  void WorkerLoop(bool until_idle);
  bool FatalOk() {
    std::lock_guard lock(leases_mu_);
    return fatal_.ok();
  }
  // The next job for a worker: one handed over by another worker's receive, or a new
  // receive of a few (fewer queue transactions than one receive per job).
  Result<std::vector<Lease>> TakeLeases();
  void ReleaseFed();
  std::mutex feed_mu_;
  std::deque<Lease> feed_;  // guarded by feed_mu_
  void HeartbeatLoop();
  Status NoteQueueError(const Status& st);
  std::chrono::seconds RetryDelay(int receive_count) const;
  // After a failed attempt: retry later, give up (dead letter), leave it for the next
  // run, or stop the run (a bug).
  void HandleFailure(const Lease& lease, const Status& st);
  // Called by an idle worker when none of the task's jobs is waiting or in flight: ends
  // the copy phase (releases or drops the held deletes). False when the run is over.
  bool EndCopyPhase(bool until_idle);
  void NoteDeletePhase(DeletePhase phase, uint64_t not_run);
  std::string DestinationKey(const std::string& key) const {
    return options_.destination_prefix + key;
  }
  // At the end of planning: refuses the held deletes above max_deletes, or releases them
  // at once with delete_during.
  Status StartDeletePhase(uint64_t planned);

  SyncStores stores_;
  SyncOptions options_;
  SyncProgress progress_;
  ByteBudget budget_;
  JobRunner runner_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> workers_done_{false};

  // The delete phase (one worker at a time decides it).
  std::mutex delete_mu_;
  DeletePhase delete_phase_ = DeletePhase::kRan;  // guarded by delete_mu_
  uint64_t deletes_not_run_ = 0;                   // guarded by delete_mu_
  int64_t dead_at_start_ = 0;                      // the task's dead letters when Work began

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
