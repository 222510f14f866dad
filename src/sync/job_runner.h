// sync/job_runner: what a worker does with one leased job — copy an object (one PUT, a
// resumable multipart upload, or, for a giant object, an upload whose parts go back on
// the queue as part jobs), copy one part (the worker that records the last part
// completes the upload), or delete a destination-only key — and how a failure is
// classified and recorded: retried later when a retry can cure it, or failed for good
// at once (not found, permission denied, invalid key) or once the job has been received
// max_receives times (then its multipart upload is aborted). A job of another task is
// refused as a bug (kInternal), never run.
// Thread-safety: Run, RecordRetry and GiveUp may be called from many threads at once.
#pragma once

#include <functional>
#include <string>

#include "queue/job_queue.h"
#include "state/state_store.h"
#include "store/object_store.h"
#include "sync/sync_job.h"
#include "sync/sync_options.h"
#include "sync/sync_progress.h"
#include "transfer/byte_budget.h"

namespace dth {

// What a worker does after a failed attempt.
enum class JobFailure {
  kRetry,      // a retry can cure it (throttled, server error, network, corrupted bytes,
               // a local I/O error, the source changing mid-copy): back on the queue
  kGiveUp,     // no retry can (not found, permission denied, invalid key, not
               // supported, a malformed job): failed and dead-lettered at once
  kCancelled,  // the run is stopping: the job stays for the next run
  kBug,        // an invariant broke (a job of another task): the run stops
};
JobFailure ClassifyJobFailure(const Status& error);

struct SyncStores {
  ObjectStore& source;
  ObjectStore& destination;
  JobQueue& queue;
  StateStore& state;
};

class JobRunner {
 public:
  JobRunner(SyncStores stores, const SyncOptions& options, SyncProgress& progress,
            ByteBudget& budget);

  // Where "done" records go: by default straight to the state store; the engine batches
  // them with the acknowledgements of their jobs.
  void SetDoneRecorder(std::function<void(ObjectRecord)> recorder) {
    done_recorder_ = std::move(recorder);
  }
  // Called after the runner queued jobs itself (a giant object's parts, a re-sent
  // object), so that idle workers take them at once.
  void SetOnQueued(std::function<void()> on_queued) { on_queued_ = std::move(on_queued); }

  // Runs one job. OK: done (acknowledge it). An error: this attempt failed.
  Status Run(const Lease& lease);
  // A failed attempt that will be retried: keeps the error on the object's record.
  void RecordRetry(const Lease& lease, const Status& error);
  // The last failed attempt: the object's record says failed, its upload is aborted.
  void GiveUp(const Lease& lease, const Status& error);

 private:
  Status RunObject(const SyncJob& job, int attempt);
  Status StartGiant(const SyncJob& job, const ObjectHead& head, int attempt);
  Status RunPart(const SyncJob& job);
  Status CompleteGiant(const SyncJob& job, const std::string& upload_id);
  Status RunDelete(const SyncJob& job);
  Status SendObjectJobAgain(const SyncJob& job);
  void AbortRecordedUpload(const std::string& key);
  std::string SourceKey(const std::string& key) const { return options_.source_prefix + key; }
  std::string DestinationKey(const std::string& key) const {
    return options_.destination_prefix + key;
  }

  Status RecordDone(ObjectRecord record);

  std::function<void(ObjectRecord)> done_recorder_;
  std::function<void()> on_queued_;
  SyncStores stores_;
  const SyncOptions& options_;
  SyncProgress& progress_;
  ByteBudget& budget_;
};

}  // namespace dth
