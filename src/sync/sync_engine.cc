#include "sync/sync_engine.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/human_bytes.h"
#include "sync/record_cursor.h"

namespace dth {
namespace {

constexpr int kSendBatch = 256;
constexpr int kMaxListedFailures = 1000;

}  // namespace

SyncEngine::SyncEngine(SyncStores stores, SyncOptions options)
    : stores_(stores),
      options_(std::move(options)),
      budget_(options_.memory_budget),
      runner_(stores_, options_, progress_, budget_) {
  options_.copy.cancel = &stop_;  // a stopping run cuts multipart copies at a part boundary
  runner_.SetDoneRecorder([this](ObjectRecord record) {
    std::lock_guard lock(done_mu_);
    done_records_.push_back(std::move(record));
  });
  runner_.SetOnQueued([this] { WakeWorkers(); });
}

Result<FinderTotals> SyncEngine::Plan(bool enqueue,
                                      const std::function<void(const Decision&)>& observer) {
  FinderOptions finder = options_.finder;
  // Without a record, plain-MD5 ETags still tell a same-size rewrite, where both stores'
  // ETags are MD5s and dth does not encrypt what it writes.
  finder.compare_md5_without_record = stores_.source.Features().etag_is_md5 &&
                                      stores_.destination.Features().etag_is_md5 &&
                                      options_.copy.sse == ServerSideEncryption::kNone;
  StateStore& state = stores_.state;
  const std::string task = options_.task_id;
  // Each finder thread walks its keys in order: it reads the records a page at a time
  // through a cursor of its own (thread_local, tagged with this Plan call).
  static std::atomic<uint64_t> plans{0};
  const uint64_t plan_id = ++plans;
  // A record that cannot be read fails the run (the sink returns the error before the
  // decision made without it is acted on): comparing by size alone would miss rewrites.
  std::mutex lookup_mu;
  Status lookup_error;
  finder.recorded_etag = [&state, task, plan_id, &lookup_mu, &lookup_error](const std::string& key)
      -> std::optional<RecordedTransfer> {
    thread_local uint64_t cursor_plan = 0;
    thread_local std::unique_ptr<RecordCursor> cursor;
    if (cursor_plan != plan_id) {
      cursor = std::make_unique<RecordCursor>(state, task);
      cursor_plan = plan_id;
    }
    auto record = cursor->Find(key);
    if (!record.ok()) {
      std::lock_guard lock(lookup_mu);
      if (lookup_error.ok()) {
        lookup_error = record.status();
        lookup_error.Prefix("reading the task's records");
      }
      return std::nullopt;
    }
    if (!record->has_value()) return std::nullopt;
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
  std::vector<Job> deletes;  // sent held: they run after the copies (the delete phase)
  uint64_t deletes_seen = 0;
  std::vector<ObjectRecord> pending;
  auto flush = [&]() -> Status {
    // Records first: a worker that finishes a job must find its pending record there,
    // never have its done record overwritten by it.
    if (!pending.empty()) {
      Status recorded = state.UpsertObjects(pending);
      pending.clear();
      DTH_RETURN_IF_ERROR(recorded);
    }
    if (!deletes.empty()) {
      auto held = stores_.queue.Send(deletes, SendOptions{/*held=*/true});
      deletes.clear();
      DTH_RETURN_IF_ERROR(held.status());
    }
    if (batch.empty()) return Status::Ok();
    auto sent = stores_.queue.Send(batch);
    batch.clear();
    WakeWorkers();
    return sent.status();
  };
  auto sink = [&](const Decision& d) -> Status {
    if (stop_) return Status(Code::kCancelled, "interrupted; run the same sync again to resume");
    {
      std::lock_guard lock(lookup_mu);
      if (!lookup_error.ok()) return lookup_error;
    }
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
                    d.source->etag.empty() ? SourceVersion(*d.source) : "", d.source->version};
      // Pending until a worker finishes it: a run that dies leaves it "unfinished", so
      // the next run copies it again whatever the sizes say.
      pending.push_back(ObjectRecord{task, d.source->key, d.source->size, SourceVersion(*d.source),
                                     ObjectStatus::kPending, 0, "", 0, {}, {}});
      batch.push_back(ToQueueJob(task, job));
    } else if (++deletes_seen <= options_.max_deletes) {
      // Past the limit they are only counted: the whole phase is refused at the end.
      job = SyncJob{SyncJobKind::kDelete, d.destination->key, d.destination->size, "", "", 0, "",
                    ""};
      deletes.push_back(ToQueueJob(task, job));
    }
    if (static_cast<int>(batch.size() + deletes.size()) >= kSendBatch) return flush();
    return Status::Ok();
  };
  auto totals = Finder::Run(stores_.source, options_.source_prefix, stores_.destination,
                            options_.destination_prefix, finder, sink);
  Status flushed = flush();
  if (enqueue && deletes_seen > 0) {
    if (totals.ok() && flushed.ok()) {
      flushed = StartDeletePhase(deletes_seen);
    } else {
      // A plan that did not finish deletes nothing.
      (void)stores_.queue.DropHeld(task);
      NoteDeletePhase(stop_ ? DeletePhase::kInterrupted : DeletePhase::kSkipped, deletes_seen);
    }
  }
  progress_.finder_done = true;
  WakeWorkers();
  if (!totals.ok()) return totals.status();
  DTH_RETURN_IF_ERROR(flushed);
  SyncNote(options_.log, SyncLogLevel::kInfo,
           fmt::format("plan of {}: {} {} to copy ({}), {} to delete, {} to skip "
                       "({} at the source, {} at the destination)",
                       task, totals->copy_objects, totals->copy_objects == 1 ? "object" : "objects",
                       HumanBytes(static_cast<int64_t>(totals->copy_bytes)), totals->delete_objects,
                       totals->skip_objects, totals->source_objects, totals->destination_objects));
  return totals;
}

Status SyncEngine::StartDeletePhase(uint64_t planned) {
  if (planned > options_.max_deletes) {
    // Counted first, refused whole: nothing of it runs.
    auto dropped = stores_.queue.DropHeld(options_.task_id);
    DTH_RETURN_IF_ERROR(dropped.status());
    NoteDeletePhase(DeletePhase::kRefused, planned);
    SyncNote(options_.log, SyncLogLevel::kWarn,
             fmt::format("{} destination-only keys would be deleted, more than --max-delete {}: "
                         "deleting none", planned, options_.max_deletes));
    return Status::Ok();
  }
  // All counted: the deletes may now be released (by a worker that finds the copies
  // done: EndCopyPhase, or at once with delete_during). Until then no worker — of this
  // process or another — could release them: the count was not known.
  DTH_RETURN_IF_ERROR(stores_.queue.ArmHeld(options_.task_id).status());
  if (!options_.delete_during) return Status::Ok();
  return stores_.queue.ReleaseHeld(options_.task_id).status();
}

std::chrono::seconds SyncEngine::RetryDelay(int receive_count) const {
  int shift = std::clamp(receive_count - 1, 0, 16);
  auto delay = options_.retry_delay * (int64_t{1} << shift);
  return std::min(delay, std::chrono::seconds(300));
}

Result<SyncReport> SyncEngine::Report(TimePoint since) {
  SyncReport report;
  {
    std::lock_guard lock(delete_mu_);
    report.delete_phase = delete_phase_;
    report.deletes_not_run = deletes_not_run_;
  }
  report.max_deletes = options_.max_deletes;
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
  if (!dst.Features().multipart) return 0;
  // Only uploads this task started and then replaced (by their recorded ids): another
  // tool's upload of the same key is never touched. (An upload created by a process that
  // died before recording it is not known here: a bucket lifecycle rule aborts those.)
  int aborted = 0;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(std::vector<StaleUpload> stale,
                         stores_.state.StaleUploads(options_.task_id, 100));
    if (stale.empty()) return aborted;
    for (const StaleUpload& u : stale) {
      Status st = dst.AbortMultipartUpload(DestinationKey(u.key), u.upload_id);
      if (!st.ok() && st.code() != Code::kNotFound) {
        SyncNote(options_.log, SyncLogLevel::kWarn,
                 "could not abort a stale upload of " + DestinationKey(u.key) + ": " + st.ToString());
        return aborted;  // try again next run
      }
      if (st.ok()) ++aborted;
      DTH_RETURN_IF_ERROR(stores_.state.ForgetUpload(options_.task_id, u.upload_id));
    }
  }
}

Result<SyncReport> SyncEngine::Sync() {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint since = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now());
  DTH_ASSIGN_OR_RETURN(int64_t purged, stores_.queue.Purge(options_.task_id));
  if (purged > 0) {
    SyncNote(options_.log, SyncLogLevel::kInfo,
             fmt::format("dropped {} jobs left by an earlier run", purged));
  }
  if (auto aborted = AbortStaleUploads(); !aborted.ok()) {
    SyncNote(options_.log, SyncLogLevel::kWarn,
             "looking for stale uploads: " + aborted.status().ToString());
  } else if (*aborted > 0) {
    SyncNote(options_.log, SyncLogLevel::kInfo,
             fmt::format("aborted {} stale multipart uploads of this task", *aborted));
  }
  DTH_ASSIGN_OR_RETURN(int64_t run_id, stores_.state.StartRun(options_.task_id));
  Result<FinderTotals> plan = FinderTotals{};
  std::thread finder([&] { plan = Plan(/*enqueue=*/true, nullptr); });
  Status work = Work(/*until_idle=*/true);
  finder.join();
  const bool interrupted = stop_ && FatalOk();
  if (!plan.ok() && !(interrupted && plan.status().code() == Code::kCancelled)) {
    return plan.status();
  }
  DTH_RETURN_IF_ERROR(work);
  DTH_ASSIGN_OR_RETURN(SyncReport report, Report(since));
  if (plan.ok()) report.plan = *plan;
  report.run_id = run_id;
  report.interrupted = interrupted;
  if (interrupted) {
    // Deletes not yet run wait for a run that finishes (the next run plans them again).
    if (auto stats = stores_.queue.Stats(options_.task_id); stats.ok() && stats->held > 0) {
      report.delete_phase = DeletePhase::kInterrupted;
      report.deletes_not_run += static_cast<uint64_t>(stats->held);
    }
  }
  // A plan cut short by a stop has no totals: its skips are not known.
  RunCounters counters{static_cast<int64_t>(report.copied_objects),
                       static_cast<int64_t>(report.copied_bytes),
                       plan.ok() ? static_cast<int64_t>(plan->skip_objects) : 0,
                       static_cast<int64_t>(report.failures_total),
                       static_cast<int64_t>(report.deleted_objects)};
  DTH_RETURN_IF_ERROR(stores_.state.AddToRun(run_id, counters));
  DTH_RETURN_IF_ERROR(stores_.state.FinishRun(run_id));
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace dth
