// SyncEngine's workers (sync_engine.h): leasing the task's jobs, running them, handling
// failures (retry, dead letter, stop), the delete phase at the end of the copies,
// batched acknowledgements and the lease heartbeat.
#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "sync/sync_engine.h"

namespace dth {
namespace {

constexpr int kReceiveBatch = 8;

}  // namespace

void SyncEngine::WakeWorkers() {
  { std::lock_guard lock(wake_mu_); }
  wake_.notify_all();
}

Status SyncEngine::NoteQueueError(const Status& st) {
  std::lock_guard lock(leases_mu_);
  if (++queue_errors_ >= 20 && fatal_.ok()) {
    fatal_ = st;
    fatal_.Prefix("the job queue keeps failing");
    stop_ = true;
  }
  return fatal_;
}

Result<std::vector<Lease>> SyncEngine::TakeLeases() {
  {
    std::lock_guard lock(feed_mu_);
    if (!feed_.empty()) {
      std::vector<Lease> one;
      one.push_back(std::move(feed_.front()));
      feed_.pop_front();
      return one;
    }
  }
  // One receive leases a few jobs; the others wait here for the next idle worker.
  DTH_ASSIGN_OR_RETURN(std::vector<Lease> leases,
                       stores_.queue.Receive(options_.task_id, kReceiveBatch, options_.visibility));
  if (leases.size() > 1) {
    std::lock_guard lock(feed_mu_);
    for (size_t i = 1; i < leases.size(); ++i) feed_.push_back(std::move(leases[i]));
    leases.resize(1);
  }
  return leases;
}

void SyncEngine::ReleaseFed() {
  std::deque<Lease> left;
  {
    std::lock_guard lock(feed_mu_);
    left.swap(feed_);
  }
  for (const Lease& lease : left) (void)stores_.queue.ChangeVisibility(lease, std::chrono::seconds(0));
}

void SyncEngine::WorkerLoop(bool until_idle) {
  while (!stop_) {
    Result<std::vector<Lease>> leases = TakeLeases();
    if (!leases.ok()) {
      spdlog::warn("job queue: {}", leases.status().ToString());
      NoteQueueError(leases.status());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (leases->empty()) {
      if (progress_.finder_done && !EndCopyPhase(until_idle)) return;
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      continue;
    }
    const Lease& lease = leases->front();
    {
      std::lock_guard lock(leases_mu_);
      active_.push_back(&lease);
    }
    Status st = runner_.Run(lease);
    bool none_active;
    {
      std::lock_guard lock(leases_mu_);
      active_.erase(std::find(active_.begin(), active_.end(), &lease));
      none_active = active_.empty();
    }
    if (st.ok()) {
      std::lock_guard lock(done_mu_);
      done_leases_.push_back(lease);
      // The last job in flight may be the run's last: acknowledge it now rather than at
      // the next tick, so that the run ends without waiting.
      if (none_active) flush_now_ = true;
      if (done_leases_.size() >= 128 || flush_now_) done_cv_.notify_one();
      continue;
    }
    HandleFailure(lease, st);
  }
}

void SyncEngine::HandleFailure(const Lease& lease, const Status& st) {
  const std::string what =
      lease.job.dedup_key.size() > 2 ? lease.job.dedup_key.substr(2) : lease.job.dedup_key;
  JobFailure kind = ClassifyJobFailure(st);
  if (kind == JobFailure::kCancelled && stop_) {
    // Stopped at a resumable point: the job (and its record) wait for the next run.
    (void)stores_.queue.ChangeVisibility(lease, std::chrono::seconds(0));
    return;
  }
  if (kind == JobFailure::kBug) {
    SyncNote(options_.log, SyncLogLevel::kError, st.ToString());
    (void)stores_.queue.ChangeVisibility(lease, std::chrono::seconds(0));  // not ours to touch
    std::lock_guard lock(leases_mu_);
    if (fatal_.ok()) fatal_ = st;
    stop_ = true;
    return;
  }
  const bool last = kind != JobFailure::kRetry || lease.receive_count >= options_.max_receives;
  if (!last) {
    SyncNote(options_.log, SyncLogLevel::kInfo,
             fmt::format("{}: attempt {} of {} failed, retrying in {} s: {}", what,
                         lease.receive_count, options_.max_receives,
                         RetryDelay(lease.receive_count).count(), st.ToString()));
    runner_.RecordRetry(lease, st);
    Status changed = stores_.queue.ChangeVisibility(lease, RetryDelay(lease.receive_count));
    if (!changed.ok() && changed.code() != Code::kPreconditionFailed) NoteQueueError(changed);
    return;
  }
  SyncNote(options_.log, SyncLogLevel::kError,
           fmt::format("{}: failed{}: {}", what,
                       kind == JobFailure::kRetry
                           ? " after " + std::to_string(lease.receive_count) + " attempts"
                           : " (no retry can help)",
                       st.ToString()));
  runner_.GiveUp(lease, st);
  // Dead-lettered now, with its reason, so that it can be listed and re-queued.
  Status dead = stores_.queue.SendToDeadLetters(lease, st.ToString());
  if (!dead.ok() && dead.code() != Code::kPreconditionFailed) NoteQueueError(dead);
}

void SyncEngine::NoteDeletePhase(DeletePhase phase, uint64_t not_run) {
  std::lock_guard lock(delete_mu_);
  delete_phase_ = phase;
  deletes_not_run_ += not_run;
}

bool SyncEngine::EndCopyPhase(bool until_idle) {
  std::lock_guard lock(delete_mu_);  // one worker decides; the others look again after
  auto stats = stores_.queue.Stats(options_.task_id);
  if (!stats.ok()) return true;  // look again later
  if (stats->waiting > 0 || stats->in_flight > 0) return true;
  if (stats->held == 0) return !until_idle;  // the run is over (or wait for more jobs)
  // Held deletes of a finder still planning are not armed yet: ReleaseHeld leaves them,
  // and a worker that stops when idle leaves them for a later one.
  // Every copy is acknowledged. The deletes depend on them: run them only if none failed.
  const bool copies_failed =
      progress_.failed_objects > 0 || stats->dead > dead_at_start_;
  if (copies_failed) {
    auto dropped = stores_.queue.DropHeld(options_.task_id);
    if (!dropped.ok()) return true;
    delete_phase_ = DeletePhase::kSkipped;
    deletes_not_run_ += static_cast<uint64_t>(*dropped);
    SyncNote(options_.log, SyncLogLevel::kWarn,
             fmt::format("not deleting {} destination-only keys: copies of this run failed",
                         *dropped));
    return !until_idle;
  }
  auto released = stores_.queue.ReleaseHeld(options_.task_id);
  if (!released.ok()) return true;
  if (*released > 0) {
    SyncNote(options_.log, SyncLogLevel::kInfo,
             fmt::format("copies done: deleting {} destination-only keys", *released));
    WakeWorkers();
    return true;
  }
  return !until_idle;  // only unarmed ones: a finder is still planning
}

void SyncEngine::FlushDone() {
  std::vector<ObjectRecord> records;
  std::vector<Lease> leases;
  {
    std::lock_guard lock(done_mu_);
    records.swap(done_records_);
    leases.swap(done_leases_);
    flush_now_ = false;
  }
  if (!records.empty()) {
    Status st = stores_.state.UpsertObjects(records);
    if (!st.ok()) {
      spdlog::warn("state store: {}", st.ToString());
      NoteQueueError(st);
      return;  // the jobs stay leased: their leases lapse and they are copied again
    }
  }
  Status st = stores_.queue.DeleteBatch(leases);
  if (!st.ok()) {
    spdlog::warn("job queue: {}", st.ToString());
    NoteQueueError(st);
    return;
  }
  // Idle workers look again whether the run is over.
  if (!leases.empty() && progress_.finder_done) WakeWorkers();
}

void SyncEngine::CommitLoop() {
  while (!workers_done_) {
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait_for(lock, std::chrono::milliseconds(20),
                        [this] { return workers_done_.load() || flush_now_ || done_leases_.size() >= 128; });
    }
    FlushDone();
  }
  FlushDone();
}

void SyncEngine::HeartbeatLoop() {
  const auto period = std::max<std::chrono::milliseconds>(
      std::chrono::milliseconds(options_.visibility) / 3, std::chrono::milliseconds(200));
  auto next = std::chrono::steady_clock::now() + period;
  while (!workers_done_) {
    {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return workers_done_.load(); });
    }
    if (workers_done_ || std::chrono::steady_clock::now() < next) continue;
    next += period;
    {
      std::lock_guard lock(leases_mu_);
      for (const Lease* lease : active_) {
        Status st = stores_.queue.ChangeVisibility(*lease, options_.visibility);
        if (!st.ok()) spdlog::debug("lease renewal: {}", st.ToString());
      }
    }
    std::lock_guard lock(feed_mu_);  // received, waiting for a worker
    for (const Lease& lease : feed_) (void)stores_.queue.ChangeVisibility(lease, options_.visibility);
  }
}

Status SyncEngine::Work(bool until_idle) {
  workers_done_ = false;
  if (auto stats = stores_.queue.Stats(options_.task_id); stats.ok()) dead_at_start_ = stats->dead;
  std::thread heartbeat([this] { HeartbeatLoop(); });
  std::thread committer([this] { CommitLoop(); });
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers.emplace_back([this, until_idle] { WorkerLoop(until_idle); });
  }
  for (auto& t : workers) t.join();
  ReleaseFed();  // leased but never started (after a stop): receivable again at once
  {
    std::lock_guard lock(wake_mu_);
    workers_done_ = true;
  }
  wake_.notify_all();
  {
    std::lock_guard lock(done_mu_);  // the committer checks workers_done_ under done_mu_
  }
  done_cv_.notify_all();
  heartbeat.join();
  committer.join();
  std::lock_guard lock(leases_mu_);
  return fatal_;
}

}  // namespace dth
