#include "sync/job_runner.h"

#include <algorithm>
#include <mutex>

#include <spdlog/spdlog.h>

#include "sync/state_journal.h"
#include "transfer/copy_tags.h"
#include "transfer/part_size.h"
#include "transfer/upload_resume.h"

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

JobFailure ClassifyJobFailure(const Status& error) {
  switch (error.code()) {
    case Code::kThrottled:
    case Code::kServerError:
    case Code::kTransient:
    case Code::kCorruption:  // BadDigest, an ETag mismatch, a short read: bytes on the wire
    case Code::kIo:
    case Code::kPreconditionFailed:  // the source changed: the next attempt copies it anew
      return JobFailure::kRetry;
    case Code::kCancelled: return JobFailure::kCancelled;
    case Code::kInternal: return JobFailure::kBug;
    case Code::kOk:
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kPermissionDenied:
    case Code::kNotSupported:
    case Code::kPermanent:
      break;
  }
  return JobFailure::kGiveUp;
}

JobRunner::JobRunner(SyncStores stores, const SyncOptions& options, SyncProgress& progress,
                     ByteBudget& budget)
    : stores_(stores), options_(options), progress_(progress), budget_(budget) {}

Status JobRunner::Run(const Lease& lease) {
  if (lease.job.task_id != options_.task_id) {
    return Status(Code::kInternal, "a worker of task '" + options_.task_id +
                                       "' was handed job " + std::to_string(lease.id) +
                                       " of task '" + lease.job.task_id + "'; refusing it");
  }
  auto decoded = DecodeSyncJob(lease.job.body);
  if (!decoded.ok()) {  // can never succeed: give it up at once
    return Status(Code::kInvalidArgument, "malformed job " + std::to_string(lease.id) + ": " +
                                              decoded.status().message());
  }
  const SyncJob& job = *decoded;
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
  // A giant object's parts become jobs any worker of a cluster can take; a destination
  // written as one stream (a local directory) gets it in one job instead, as one download
  // rather than part files joined at the end.
  if (job.size >= options_.giant_threshold && f.multipart && !f.streaming_put) {
    DTH_ASSIGN_OR_RETURN(ObjectHead head, stores_.source.Head(src_key));
    if (head.info.size >= options_.giant_threshold) return StartGiant(job, head, attempt);
  }
  CopyOptions copy = options_.copy;
  copy.budget = &budget_;
  StateJournal journal(stores_.state, options_.task_id, job.key);
  copy.journal = &journal;
  ByteTicker ticker(progress_.moving_bytes);
  copy.on_progress = [&](uint64_t done, uint64_t) { ticker.Report(done); };
  ObjectInfo listed{src_key, job.size, job.etag, {}, {}, job.pin};
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
  SyncNote(options_.log, SyncLogLevel::kInfo,
           fmt::format("copied {} ({} bytes, {}{}) in {} ms", dst_key, result->bytes,
                       result->server_side ? "server-side " : "",
                       result->multipart
                           ? "multipart, " + std::to_string(result->parts_sent) + " parts sent" +
                                 (result->parts_resumed > 0
                                      ? ", " + std::to_string(result->parts_resumed) + " resumed"
                                      : std::string())
                           : result->ranges > 0
                                 ? std::to_string(result->ranges) + " ranged requests"
                                 : std::string("single request"),
                       std::chrono::duration_cast<std::chrono::milliseconds>(Now() - started).count()),
           /*per_object=*/true);
  if (!result->note.empty())
    SyncNote(options_.log, SyncLogLevel::kWarn, fmt::format("copied {}: {}", dst_key, result->note));
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
  PutOptions put = DestinationOptions(head, {}, options_.copy);
  DTH_ASSIGN_OR_RETURN(put.tags, TagsToCarry(stores_.source, SourceKey(job.key), stores_.destination,
                                             options_.copy));
  // The same resume rule as every multipart copy (transfer/upload_resume): same source
  // version (pinned), same part plan, and the destination still has the upload.
  StateJournal journal(stores_.state, options_.task_id, job.key);
  const std::string& pin = PinVersion(head.info);
  DTH_ASSIGN_OR_RETURN(ResumedUpload upload, ResumeOrStartUpload(dst, dst_key, pin, head.info.size,
                                                                 plan, put, journal));
  const std::string& upload_id = upload.upload_id;
  DTH_RETURN_IF_ERROR(stores_.state.UpsertObject(
      ObjectRecord{options_.task_id, job.key, head.info.size, head.info.etag, ObjectStatus::kCopying,
                   attempt, "", 0, Now(), {}}));
  // Parts the destination already holds are recorded (a crash may have come between
  // UploadPart and RecordPart); when that completes the count, complete now.
  SyncJob as_part{SyncJobKind::kPart, job.key, head.info.size, "", upload_id, 0, job.version, ""};
  for (const PartInfo& p : upload.parts) {
    if (p.etag.empty()) continue;
    progress_.parts_resumed += 1;
    DTH_ASSIGN_OR_RETURN(PartProgress pp, stores_.state.RecordPart(options_.task_id, job.key, upload_id,
                                                                   p.part_number, p.etag));
    if (pp.parts_done == plan.part_count) return CompleteGiant(as_part, upload_id);
  }
  std::vector<Job> batch;
  for (int n = 1; n <= plan.part_count; ++n) {
    if (!upload.parts[static_cast<size_t>(n - 1)].etag.empty()) continue;
    as_part.part_number = n;
    batch.push_back(ToQueueJob(options_.task_id, as_part));
    if (batch.size() == 500) {
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
    SyncNote(options_.log, SyncLogLevel::kInfo,
             SourceKey(job.key) + " changed during its copy; starting it again");
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
  // Where the destination dropped the tags given at its creation, they are set now: a
  // copy asked to carry tags never succeeds without them.
  DTH_RETURN_IF_ERROR(CarryTagsAfterMultipart(stores_.source, SourceKey(job.key), stores_.destination,
                                              DestinationKey(job.key), options_.copy));
  TimePoint started{};
  if (auto record = stores_.state.GetObject(options_.task_id, job.key); record.ok())
    started = record->started_at;
  DTH_RETURN_IF_ERROR(stores_.state.DeleteUpload(options_.task_id, job.key));
  progress_.copied_objects += 1;
  progress_.copied_bytes += job.size;
  SyncNote(options_.log, SyncLogLevel::kInfo,
           fmt::format("copied {} ({} bytes, giant: {} part jobs) in {} ms", DestinationKey(job.key),
                       job.size, upload.part_count,
                       started == TimePoint{}
                           ? 0
                           : std::chrono::duration_cast<std::chrono::milliseconds>(Now() - started)
                                 .count()),
           /*per_object=*/true);
  return RecordDone(ObjectRecord{options_.task_id, job.key, job.size,
                                 job.version.empty() ? upload.source_etag : job.version,
                                 ObjectStatus::kDone, 1, "", job.size, started, Now()});
}

Status JobRunner::RunDelete(const SyncJob& job) {
  Status st = stores_.destination.Delete(DestinationKey(job.key));
  if (!st.ok() && st.code() != Code::kNotFound) return st;
  progress_.deleted_objects += 1;
  SyncNote(options_.log, SyncLogLevel::kInfo, "deleted " + DestinationKey(job.key),
           /*per_object=*/true);
  return Status::Ok();
}

Status JobRunner::SendObjectJobAgain(const SyncJob& job) {
  DTH_RETURN_IF_ERROR(stores_.state.UpsertObject(ObjectRecord{
      options_.task_id, job.key, job.size, "", ObjectStatus::kPending, 0,
      "the source changed during the copy", 0, {}, {}}));
  SyncJob again{SyncJobKind::kObject, job.key, job.size, "", "", 0, "", ""};
  DTH_RETURN_IF_ERROR(stores_.queue.Send({ToQueueJob(options_.task_id, again)}).status());
  if (on_queued_) on_queued_();
  return Status::Ok();
}

void JobRunner::AbortRecordedUpload(const std::string& key) {
  auto upload = stores_.state.FindUpload(options_.task_id, key);
  if (!upload.ok()) return;
  Status st = stores_.destination.AbortMultipartUpload(DestinationKey(key), upload->upload_id);
  if (!st.ok() && st.code() != Code::kNotFound) {
    // Kept on record: a later attempt resumes it, or replaces it and the start of a
    // later run aborts it (SyncEngine::AbortStaleUploads).
    SyncNote(options_.log, SyncLogLevel::kWarn,
             "could not abort the upload of " + DestinationKey(key) + ": " + st.ToString());
    return;
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
    spdlog::error("a malformed job (dead-lettered): {}", job.status().ToString());
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
