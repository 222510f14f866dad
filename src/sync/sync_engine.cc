#include "sync/sync_engine.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "sync/record_cursor.h"

namespace dth {
namespace {

constexpr int kSendBatch = 256;
constexpr int kReceiveBatch = 8;
constexpr int kMaxListedFailures = 1000;

}  // namespace

SyncEngine::SyncEngine(SyncStores stores, SyncOptions options)
    : stores_(stores),
      options_(std::move(options)),
      budget_(options_.memory_budget),
      runner_(stores_, options_, progress_, budget_) {
  runner_.SetDoneRecorder([this](ObjectRecord record) {
    std::lock_guard lock(done_mu_);
    done_records_.push_back(std::move(record));
  });
  runner_.SetOnQueued([this] { WakeWorkers(); });
}

Result<FinderTotals> SyncEngine::Plan(bool enqueue,
                                      const std::function<void(const Decision&)>& observer) {
  FinderOptions finder = options_.finder;
  StateStore& state = stores_.state;
  const std::string task = options_.task_id;
  // Each finder thread walks its keys in order: it reads the records a page at a time
  // through a cursor of its own (thread_local, tagged with this Plan call).
  static std::atomic<uint64_t> plans{0};
  const uint64_t plan_id = ++plans;
  finder.recorded_etag = [&state, task, plan_id](const std::string& key)
      -> std::optional<RecordedTransfer> {
    thread_local uint64_t cursor_plan = 0;
    thread_local std::unique_ptr<RecordCursor> cursor;
    if (cursor_plan != plan_id) {
      cursor = std::make_unique<RecordCursor>(state, task);
      cursor_plan = plan_id;
    }
    auto record = cursor->Find(key);
    // No record (or unreadable: compare by size).
    if (!record.ok() || !record->has_value()) return std::nullopt;
    const ObjectRecord& r = **record;
    if (r.status == ObjectStatus::kSkipped) return std::nullopt;
    return RecordedTransfer{r.source_etag, r.status == ObjectStatus::kDone};
  };
  // A re-run lists both sides as parallel key ranges, split where last time's records
  // divide evenly (a plan that is printed stays in one ordered listing).
  if (finder.split_keys.empty() && finder.finder_depth == 0 && finder.prefix_list.empty() &&
      !observer) {
    auto counts = state.CountObjects(task);
    if (counts.ok() && counts->total() >= 2000) {
      // Ranges of about 3,000 recorded keys, up to 64 of them on up to 16 threads
      // (measured on RGW: smaller ranges cost more requests than they save).
      const int64_t total = counts->total();
      const int ranges = static_cast<int>(std::clamp<int64_t>((total + 2999) / 3000, 2, 64));
      auto splits = state.SplitKeys(task, ranges);
      if (splits.ok()) {
        finder.split_keys = std::move(*splits);
        finder.finder_number = std::max(finder.finder_number, std::min(ranges, 16));
        const int64_t per_range = total / ranges;
        const int64_t pages = (per_range + 999) / 1000;
        finder.range_page_size =
            static_cast<int>(std::min<int64_t>(1000, per_range / pages + per_range / pages / 8 + 16));
      }
    }
  }
  std::vector<Job> batch;
  std::vector<ObjectRecord> pending;
  auto flush = [&]() -> Status {
    // Records first: a worker that finishes a job must find its pending record there,
    // never have its done record overwritten by it.
    if (!pending.empty()) {
      Status recorded = state.UpsertObjects(pending);
      pending.clear();
      DTH_RETURN_IF_ERROR(recorded);
    }
    if (batch.empty()) return Status::Ok();
    auto sent = stores_.queue.Send(batch);
    batch.clear();
    WakeWorkers();
    return sent.status();
  };
  auto sink = [&](const Decision& d) -> Status {
    if (stop_) return Status(Code::kCancelled, "interrupted; run the same sync again to resume");
    if (observer) observer(d);
    if (d.action == Action::kSkip) return Status::Ok();
    if (d.action == Action::kCopy) {
      progress_.planned_objects += 1;
      progress_.planned_bytes += d.source->size;
    } else {
      progress_.planned_deletes += 1;
    }
    if (!enqueue) return Status::Ok();
    SyncJob job;
    if (d.action == Action::kCopy) {
      job = SyncJob{SyncJobKind::kObject, d.source->key, d.source->size, d.source->etag, "", 0,
                    d.source->etag.empty() ? SourceVersion(*d.source) : ""};
      // Pending until a worker finishes it: a run that dies leaves it "unfinished", so
      // the next run copies it again whatever the sizes say.
      pending.push_back(ObjectRecord{task, d.source->key, d.source->size, SourceVersion(*d.source),
                                     ObjectStatus::kPending, 0, "", 0, {}, {}});
    } else {
      job = SyncJob{SyncJobKind::kDelete, d.destination->key, d.destination->size, "", "", 0, ""};
    }
    batch.push_back(ToQueueJob(task, job));
    if (static_cast<int>(batch.size()) >= kSendBatch) return flush();
    return Status::Ok();
  };
  auto totals = Finder::Run(stores_.source, options_.source_prefix, stores_.destination,
                            options_.destination_prefix, finder, sink);
  Status flushed = flush();
  progress_.finder_done = true;
  WakeWorkers();
  if (!totals.ok()) return totals.status();
  DTH_RETURN_IF_ERROR(flushed);
  return totals;
}

void SyncEngine::WakeWorkers() {
  { std::lock_guard lock(wake_mu_); }
  wake_.notify_all();
}

std::chrono::seconds SyncEngine::RetryDelay(int receive_count) const {
  int shift = std::clamp(receive_count - 1, 0, 16);
  auto delay = options_.retry_delay * (int64_t{1} << shift);
  return std::min(delay, std::chrono::seconds(300));
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
                       stores_.queue.Receive(kReceiveBatch, options_.visibility));
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
      if (until_idle && progress_.finder_done) {
        auto stats = stores_.queue.Stats();
        if (stats.ok() && stats->waiting == 0 && stats->in_flight == 0) return;
      }
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
    const bool last = lease.receive_count >= options_.max_receives || st.code() == Code::kCorruption;
    spdlog::log(last ? spdlog::level::err : spdlog::level::info, "{} (attempt {} of {}): {}",
                lease.job.dedup_key.size() > 2 ? lease.job.dedup_key.substr(2) : lease.job.dedup_key,
                lease.receive_count, options_.max_receives,
                st.ToString());
    if (last) {
      runner_.GiveUp(lease, st);
      if (st.code() == Code::kCorruption) {
        (void)stores_.queue.Delete(lease);  // can never succeed: do not hold the run up
        continue;
      }
    } else {
      runner_.RecordRetry(lease, st);
    }
    // Back on the queue after a delay; after the last receive the queue dead-letters it.
    Status changed = stores_.queue.ChangeVisibility(
        lease, last ? std::chrono::seconds(0) : RetryDelay(lease.receive_count));
    if (!changed.ok() && changed.code() != Code::kPreconditionFailed) NoteQueueError(changed);
  }
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

Result<SyncReport> SyncEngine::Report(TimePoint since) {
  SyncReport report;
  report.copied_objects = progress_.copied_objects;
  report.copied_bytes = progress_.copied_bytes;
  report.deleted_objects = progress_.deleted_objects;
  report.failed_objects = progress_.failed_objects;
  report.parts_sent = progress_.parts_sent;
  report.parts_resumed = progress_.parts_resumed;
  report.retried_jobs = progress_.retried_jobs;
  ObjectQuery query;
  query.task_id = options_.task_id;
  query.status = ObjectStatus::kFailed;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(ObjectPage page, stores_.state.ListObjects(query));
    for (const ObjectRecord& r : page.records) {
      if (r.finished_at < since) continue;
      ++report.failures_total;
      if (report.failures.size() < kMaxListedFailures)
        report.failures.push_back(SyncFailure{r.key, r.last_error, r.attempts});
    }
    if (page.next_start_after.empty()) return report;
    query.start_after = page.next_start_after;
  }
}

Result<int> SyncEngine::AbortStaleUploads() {
  ObjectStore& dst = stores_.destination;
  if (!dst.Features().multipart || !dst.Features().list_multipart_uploads) return 0;
  // Only a run that did not finish leaves uploads: with every record done, no request.
  // (One record of each unfinished status is looked up by the status index; counting
  // every record would read them all at the start of each run.)
  bool unfinished = false;
  for (ObjectStatus status :
       {ObjectStatus::kPending, ObjectStatus::kCopying, ObjectStatus::kFailed}) {
    ObjectQuery query;
    query.task_id = options_.task_id;
    query.status = status;
    query.limit = 1;
    DTH_ASSIGN_OR_RETURN(ObjectPage page, stores_.state.ListObjects(query));
    if (!page.records.empty()) {
      unfinished = true;
      break;
    }
  }
  if (!unfinished) return 0;
  DTH_ASSIGN_OR_RETURN(std::vector<MultipartUploadInfo> uploads,
                       dst.ListMultipartUploads(options_.destination_prefix));
  const std::string& prefix = options_.destination_prefix;
  int aborted = 0;
  for (const MultipartUploadInfo& u : uploads) {
    if (u.key.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rel = u.key.substr(prefix.size());
    if (!stores_.state.GetObject(options_.task_id, rel).ok()) continue;  // not ours
    auto recorded = stores_.state.FindUpload(options_.task_id, rel);
    if (recorded.ok() && recorded->upload_id == u.upload_id) continue;  // to be resumed
    Status st = dst.AbortMultipartUpload(u.key, u.upload_id);
    if (!st.ok() && st.code() != Code::kNotFound) {
      spdlog::warn("could not abort a stale upload of {}: {}", u.key, st.ToString());
      continue;
    }
    ++aborted;
  }
  return aborted;
}

Result<SyncReport> SyncEngine::Sync() {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint since = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now());
  DTH_ASSIGN_OR_RETURN(int64_t purged, stores_.queue.Purge(options_.task_id));
  if (purged > 0) spdlog::info("dropped {} jobs left by an earlier run", purged);
  if (auto aborted = AbortStaleUploads(); !aborted.ok()) {
    spdlog::warn("looking for stale uploads: {}", aborted.status().ToString());
  } else if (*aborted > 0) {
    spdlog::info("aborted {} stale multipart uploads of this task", *aborted);
  }
  DTH_ASSIGN_OR_RETURN(int64_t run_id, stores_.state.StartRun(options_.task_id));
  Result<FinderTotals> plan = FinderTotals{};
  std::thread finder([&] { plan = Plan(/*enqueue=*/true, nullptr); });
  Status work = Work(/*until_idle=*/true);
  finder.join();
  if (!plan.ok()) {
    Stop();
    return plan.status();
  }
  DTH_RETURN_IF_ERROR(work);
  if (stop_) return Status(Code::kCancelled, "interrupted; run the same sync again to resume");
  DTH_ASSIGN_OR_RETURN(SyncReport report, Report(since));
  report.plan = *plan;
  report.run_id = run_id;
  RunCounters counters{static_cast<int64_t>(report.copied_objects),
                       static_cast<int64_t>(report.copied_bytes),
                       static_cast<int64_t>(plan->skip_objects),
                       static_cast<int64_t>(report.failures_total),
                       static_cast<int64_t>(report.deleted_objects)};
  DTH_RETURN_IF_ERROR(stores_.state.AddToRun(run_id, counters));
  DTH_RETURN_IF_ERROR(stores_.state.FinishRun(run_id));
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace dth
