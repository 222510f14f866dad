#include "sync/job_runner.h"

#include <algorithm>
#include <mutex>

#include <spdlog/spdlog.h>

#include "sync/state_journal.h"
#include "transfer/part_size.h"

namespace dth {
namespace {

TimePoint Now() { return std::chrono::system_clock::now(); }

// Turns the cumulative byte counts one copy reports (from several part threads, not
// necessarily in order) into additions to a shared counter.
class ByteTicker {
 public:
  explicit ByteTicker(std::atomic<uint64_t>& counter) : counter_(counter) {}
  void Report(uint64_t done) {
    std::lock_guard lock(mu_);
    if (done > last_) {
      counter_ += done - last_;
      last_ = done;
    }
  }

 private:
  std::atomic<uint64_t>& counter_;
  std::mutex mu_;
  uint64_t last_ = 0;
};

}  // namespace

JobRunner::JobRunner(SyncStores stores, const SyncOptions& options, SyncProgress& progress,
                     ByteBudget& budget)
    : stores_(stores), options_(options), progress_(progress), budget_(budget) {}

Status JobRunner::Run(const Lease& lease) {
  DTH_ASSIGN_OR_RETURN(SyncJob job, DecodeSyncJob(lease.job.body));
  switch (job.kind) {
    case SyncJobKind::kObject: return RunObject(job, lease.receive_count);
    case SyncJobKind::kPart: return RunPart(job);
    case SyncJobKind::kDelete: return RunDelete(job);
  }
  return Corruption("unknown job kind");
}

Status JobRunner::RunObject(const SyncJob& job, int attempt) {
  const TimePoint started = Now();
  const std::string src_key = SourceKey(job.key);
  const std::string dst_key = DestinationKey(job.key);
  const StoreFeatures& f = stores_.destination.Features();
  if (job.size >= options_.giant_threshold && f.multipart) {
    DTH_ASSIGN_OR_RETURN(ObjectHead head, stores_.source.Head(src_key));
    if (head.info.size >= options_.giant_threshold) return StartGiant(job, head, attempt);
  }
  CopyOptions copy = options_.copy;
  copy.budget = &budget_;
  StateJournal journal(stores_.state, options_.task_id, job.key);
  copy.journal = &journal;
  ByteTicker ticker(progress_.moving_bytes);
  copy.on_progress = [&](uint64_t done, uint64_t) { ticker.Report(done); };
  ObjectInfo listed{src_key, job.size, job.etag, {}, {}};
  auto result = CopyObject(stores_.source, src_key, stores_.destination, dst_key, copy, &listed);
  if (!result.ok() && result.status().code() == Code::kPreconditionFailed) {
    // Rewritten since it was listed: copy the version there now (a fresh HEAD pins it).
    result = CopyObject(stores_.source, src_key, stores_.destination, dst_key, copy, nullptr);
  }
  DTH_RETURN_IF_ERROR(result.status());
  if (!result->multipart && result->bytes > options_.copy.multipart_threshold) {
    AbortRecordedUpload(job.key);  // an earlier attempt's upload, now unused
  }
  progress_.copied_objects += 1;
  progress_.copied_bytes += result->bytes;
  progress_.parts_sent += static_cast<uint64_t>(result->parts_sent);
  progress_.parts_resumed += static_cast<uint64_t>(result->parts_resumed);
  // The version the next run will compare with: the ETag copied, or the listed mtime
  // version of a source without ETags.
  ObjectRecord record{options_.task_id, job.key, result->bytes,
                      job.version.empty() ? result->source_etag : job.version,
                      ObjectStatus::kDone, attempt, "", result->bytes, started, Now()};
  return RecordDone(std::move(record));
}

Status JobRunner::RecordDone(ObjectRecord record) {
  if (done_recorder_) {
    done_recorder_(std::move(record));
    return Status::Ok();
  }
  return stores_.state.UpsertObject(record);
}

Status JobRunner::StartGiant(const SyncJob& job, const ObjectHead& head, int attempt) {
  const std::string dst_key = DestinationKey(job.key);
  ObjectStore& dst = stores_.destination;
  const StoreFeatures& f = dst.Features();
  DTH_ASSIGN_OR_RETURN(PartPlan plan, PlanParts(head.info.size, options_.copy.part_size,
                                                f.min_part_size, f.max_part_size, f.max_parts));
  std::string upload_id;
  std::vector<PartInfo> present;
  auto found = stores_.state.FindUpload(options_.task_id, job.key);
  if (!found.ok() && found.status().code() != Code::kNotFound) return found.status();
  if (found.ok() && found->source_etag == head.info.etag && found->part_size == plan.part_size &&
      found->part_count == plan.part_count) {
    upload_id = found->upload_id;
    for (const PartRecord& p : found->parts) present.push_back(PartInfo{p.part_number, p.etag, 0});
    if (f.list_multipart_uploads) {
      // The destination knows best (a crash may come between UploadPart and RecordPart);
      // a server without ListParts leaves the recorded parts standing.
      auto listed = dst.ListParts(dst_key, found->upload_id);
      if (listed.ok()) {
        present = *listed;
      } else if (listed.status().code() == Code::kNotFound) {
        upload_id.clear();  // completed or aborted meanwhile
        present.clear();
      } else if (listed.status().retryable()) {
        return listed.status();
      }
    }
  } else if (found.ok()) {
    (void)dst.AbortMultipartUpload(dst_key, found->upload_id);  // an older version's upload
  }
  if (upload_id.empty()) {
    Tags tags;
    if (options_.copy.copy_tags && stores_.source.Features().tagging) {
      DTH_ASSIGN_OR_RETURN(tags, stores_.source.GetTagging(SourceKey(job.key)));
    }
    DTH_ASSIGN_OR_RETURN(upload_id, dst.CreateMultipartUpload(
                                        dst_key, DestinationOptions(head, tags, options_.copy)));
    DTH_RETURN_IF_ERROR(stores_.state.RecordUpload(UploadRecord{
        options_.task_id, job.key, upload_id, plan.part_size, plan.part_count, head.info.etag, {}}));
    present.clear();
  }
  DTH_RETURN_IF_ERROR(stores_.state.UpsertObject(
      ObjectRecord{options_.task_id, job.key, head.info.size, head.info.etag, ObjectStatus::kCopying,
                   attempt, "", 0, Now(), {}}));
  // Parts the destination already holds are recorded (a crash may have come between
  // UploadPart and RecordPart); when that completes the count, complete now.
  std::vector<bool> have(static_cast<size_t>(plan.part_count) + 1, false);
  SyncJob as_part{SyncJobKind::kPart, job.key, head.info.size, "", upload_id, 0, job.version};
  for (const PartInfo& p : present) {
    if (p.part_number < 1 || p.part_number > plan.part_count || p.etag.empty()) continue;
    have[static_cast<size_t>(p.part_number)] = true;
    progress_.parts_resumed += 1;
    DTH_ASSIGN_OR_RETURN(PartProgress pp, stores_.state.RecordPart(options_.task_id, job.key, upload_id,
                                                                   p.part_number, p.etag));
    if (pp.parts_done == plan.part_count) return CompleteGiant(as_part, upload_id);
  }
  std::vector<Job> batch;
  for (int n = 1; n <= plan.part_count; ++n) {
    if (have[static_cast<size_t>(n)]) continue;
    as_part.part_number = n;
    batch.push_back(ToQueueJob(options_.task_id, as_part));
    if (batch.size() == 500 || n == plan.part_count) {
      DTH_RETURN_IF_ERROR(stores_.queue.Send(batch).status());
      batch.clear();
    }
  }
  if (!batch.empty()) DTH_RETURN_IF_ERROR(stores_.queue.Send(batch).status());
  if (on_queued_) on_queued_();
  return Status::Ok();
}

Status JobRunner::RunPart(const SyncJob& job) {
  auto upload = stores_.state.FindUpload(options_.task_id, job.key);
  if (!upload.ok() && upload.status().code() == Code::kNotFound) return Status::Ok();  // stale
  DTH_RETURN_IF_ERROR(upload.status());
  if (upload->upload_id != job.upload_id) return Status::Ok();  // replaced: stale
  if (job.part_number > upload->part_count)
    return Corruption("part " + std::to_string(job.part_number) + " of " + job.key +
                      " is beyond the upload's " + std::to_string(upload->part_count) + " parts");
  const uint64_t offset = static_cast<uint64_t>(job.part_number - 1) * upload->part_size;
  if (offset >= job.size && job.size != 0)
    return Corruption("part " + std::to_string(job.part_number) + " of " + job.key +
                      " starts beyond the object's size");
  const uint64_t length = std::min(upload->part_size, job.size - offset);
  CopyOptions copy = options_.copy;
  copy.budget = &budget_;
  auto etag = CopyPart(stores_.source, SourceKey(job.key), stores_.destination,
                       DestinationKey(job.key), job.upload_id, job.part_number,
                       ByteRange{offset, length}, upload->source_etag, copy);
  if (!etag.ok() && etag.status().code() == Code::kPreconditionFailed) {
    // The source was rewritten mid-copy: never stitch two versions. Drop this upload and
    // copy the object again from the start.
    spdlog::info("{} changed during its copy; starting it again", SourceKey(job.key));
    AbortRecordedUpload(job.key);
    return SendObjectJobAgain(job);
  }
  DTH_RETURN_IF_ERROR(etag.status());
  progress_.moving_bytes += length;
  progress_.parts_sent += 1;
  auto recorded = stores_.state.RecordPart(options_.task_id, job.key, job.upload_id,
                                           job.part_number, *etag);
  if (!recorded.ok() && recorded.status().code() == Code::kPreconditionFailed) return Status::Ok();
  DTH_RETURN_IF_ERROR(recorded.status());
  // The recorder of the last part completes. A retried part that finds every part done
  // (an earlier Complete failed) completes too; Complete is safe to repeat.
  if (recorded->completes_upload || recorded->parts_done == upload->part_count) {
    return CompleteGiant(job, job.upload_id);
  }
  return Status::Ok();
}

Status JobRunner::CompleteGiant(const SyncJob& job, const std::string& upload_id) {
  DTH_ASSIGN_OR_RETURN(UploadRecord upload, stores_.state.FindUpload(options_.task_id, job.key));
  if (upload.upload_id != upload_id) return Status::Ok();  // someone else finished it
  if (static_cast<int>(upload.parts.size()) != upload.part_count)
    return Corruption("upload of " + job.key + " has " + std::to_string(upload.parts.size()) +
                      " of " + std::to_string(upload.part_count) + " parts recorded");
  std::vector<PartInfo> parts;
  for (const PartRecord& p : upload.parts) parts.push_back(PartInfo{p.part_number, p.etag, 0});
  DTH_RETURN_IF_ERROR(stores_.destination
                          .CompleteMultipartUpload(DestinationKey(job.key), upload_id, parts)
                          .status());
  TimePoint started{};
  if (auto record = stores_.state.GetObject(options_.task_id, job.key); record.ok())
    started = record->started_at;
  DTH_RETURN_IF_ERROR(stores_.state.DeleteUpload(options_.task_id, job.key));
  progress_.copied_objects += 1;
  progress_.copied_bytes += job.size;
  return RecordDone(ObjectRecord{options_.task_id, job.key, job.size,
                                 job.version.empty() ? upload.source_etag : job.version,
                                 ObjectStatus::kDone, 1, "", job.size, started, Now()});
}

Status JobRunner::RunDelete(const SyncJob& job) {
  Status st = stores_.destination.Delete(DestinationKey(job.key));
  if (!st.ok() && st.code() != Code::kNotFound) return st;
  progress_.deleted_objects += 1;
  return Status::Ok();
}

Status JobRunner::SendObjectJobAgain(const SyncJob& job) {
  DTH_RETURN_IF_ERROR(stores_.state.UpsertObject(ObjectRecord{
      options_.task_id, job.key, job.size, "", ObjectStatus::kPending, 0,
      "the source changed during the copy", 0, {}, {}}));
  SyncJob again{SyncJobKind::kObject, job.key, job.size, "", "", 0, ""};
  DTH_RETURN_IF_ERROR(stores_.queue.Send({ToQueueJob(options_.task_id, again)}).status());
  if (on_queued_) on_queued_();
  return Status::Ok();
}

void JobRunner::AbortRecordedUpload(const std::string& key) {
  auto upload = stores_.state.FindUpload(options_.task_id, key);
  if (!upload.ok()) return;
  Status st = stores_.destination.AbortMultipartUpload(DestinationKey(key), upload->upload_id);
  if (!st.ok() && st.code() != Code::kNotFound) {
    spdlog::warn("could not abort the upload of {}: {}", DestinationKey(key), st.ToString());
  }
  (void)stores_.state.DeleteUpload(options_.task_id, key);
}

void JobRunner::RecordRetry(const Lease& lease, const Status& error) {
  progress_.retried_jobs += 1;
  auto job = DecodeSyncJob(lease.job.body);
  if (!job.ok()) return;
  if (job->kind == SyncJobKind::kPart) return;  // the object's record says copying
  Status st = stores_.state.UpsertObject(
      ObjectRecord{options_.task_id, job->key, job->size, job->etag, ObjectStatus::kPending,
                   lease.receive_count, error.ToString(), 0, {}, Now()});
  if (!st.ok()) spdlog::warn("could not record a failure: {}", st.ToString());
}

void JobRunner::GiveUp(const Lease& lease, const Status& error) {
  progress_.failed_objects += 1;
  auto job = DecodeSyncJob(lease.job.body);
  if (!job.ok()) {
    spdlog::error("dropping a malformed job: {}", job.status().ToString());
    return;
  }
  AbortRecordedUpload(job->key);
  std::string what = job->kind == SyncJobKind::kDelete ? "delete: " : "";
  Status st = stores_.state.UpsertObject(ObjectRecord{
      options_.task_id, job->key, job->size, job->etag, ObjectStatus::kFailed, lease.receive_count,
      what + error.ToString(), 0, {}, Now()});
  if (!st.ok()) spdlog::warn("could not record a failure: {}", st.ToString());
}

}  // namespace dth
