#include "transfer/object_copy.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "store/direct_read.h"
#include "transfer/buffer_pool.h"
#include "transfer/byte_pipe.h"
#include "transfer/copy_tags.h"
#include "transfer/part_size.h"
#include "transfer/ranged_download.h"
#include "transfer/upload_resume.h"

namespace dth {
namespace {

// The source's bytes as a rewindable source read in place (a local file), or kNotSupported
// where the source reads with Get.
Result<std::unique_ptr<ByteSource>> OpenDirect(ObjectStore& source, const std::string& key,
                                               const GetOptions& options, ObjectHead* head = nullptr) {
  DirectRead* direct = DirectReadOf(source);
  if (direct == nullptr) return NotSupported(source.Describe() + ": read with Get");
  return direct->OpenRead(key, options, head);
}

bool Cancelled(const CopyOptions& options) {
  return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

Status CancelledStatus() {
  return Status(Code::kCancelled, "stopped; the next run resumes it");
}

// Forwards to a sink and reports the running byte count; fails kCancelled once the copy
// is cancelled (the download stops, and the write it feeds is never committed).
class ProgressSink : public ByteSink {
 public:
  ProgressSink(ByteSink& inner, uint64_t* count, uint64_t total, const CopyOptions& options)
      : inner_(inner), count_(count), total_(total), options_(options),
        report_(options.on_progress) {}
  Status Write(std::string_view data) override {
    if (Cancelled(options_)) return CancelledStatus();
    DTH_RETURN_IF_ERROR(inner_.Write(data));
    *count_ += data.size();
    if (report_) report_(*count_, total_);
    return Status::Ok();
  }

 private:
  ByteSink& inner_;
  uint64_t* count_;
  uint64_t total_;
  const CopyOptions& options_;
  const std::function<void(uint64_t, uint64_t)>& report_;
};

// The bytes in flight between the download and the upload of a streamed object or part.
// Small enough that what the GET wrote is still in the core's cache when the PUT reads
// it: with 2 MiB, bucket to bucket through the client (bench/sync.sh (e) on RGW) took
// 0.77-0.82 user CPU-s and 72-79 MiB; with 512 KiB 0.57-0.66 s and 51 MiB, wall time the
// same or lower (alternating runs).
constexpr size_t kPartPipeBytes = 512u << 10;

// One part's ranged GET streamed into its UploadPart through a bounded pipe, so the part
// is never held whole. One attempt: *download gets the GET's own outcome.
Result<std::string> StreamPart(ObjectStore& source, const std::string& source_key,
                               ObjectStore& destination, const std::string& destination_key,
                               const std::string& upload_id, int part_number,
                               const ByteRange& range, const std::string& source_etag,
                               const CopyOptions& options, Status* download) {
  BudgetHold hold(options.budget, kPartPipeBytes);
  BytePipe pipe(kPartPipeBytes);
  std::thread producer([&] {
    PipeSink sink(pipe);
    *download = source.Get(source_key, GetOptions{range, source_etag}, sink);
    pipe.CloseWrite(*download);
  });
  PipeSource body(pipe, range.length.value_or(0));
  auto etag = destination.UploadPart(destination_key, upload_id, part_number, body);
  pipe.CloseRead();  // if the upload stopped early, the download stops too
  producer.join();
  if (!download->ok() && download->code() != Code::kCancelled) return *download;
  return etag;
}

}  // namespace

PutOptions DestinationOptions(const ObjectHead& head, const Tags& tags, const CopyOptions& o) {
  PutOptions put;
  if (o.copy_metadata) put.metadata = head.metadata;
  put.tags = tags;
  put.storage_class = o.storage_class;
  put.acl = o.acl;
  put.sse = o.sse;
  put.sse_kms_key_id = o.sse_kms_key_id;
  return put;
}

Result<std::string> CopyPart(ObjectStore& source, const std::string& source_key,
                             ObjectStore& destination, const std::string& destination_key,
                             const std::string& upload_id, int part_number, const ByteRange& range,
                             const std::string& source_etag, const CopyOptions& options) {
  const uint64_t length = range.length.value_or(0);
  if (options.server_side) {
    CopySource src{options.server_side_source_bucket, source_key, source_etag, range};
    return destination.UploadPartCopy(destination_key, upload_id, part_number, src);
  }
  if (length > 0) {
    // A source read without requests (a local file) is the part's body itself: read
    // positionally, hashed and sent (again on a retry), never held in memory.
    auto file = OpenDirect(source, source_key, GetOptions{range, source_etag});
    if (file.ok()) return destination.UploadPart(destination_key, upload_id, part_number, **file);
    if (file.status().code() != Code::kNotSupported) return file.status();
  }
  if (destination.StreamsParts() && length > 0) {
    Status download;
    auto etag = StreamPart(source, source_key, destination, destination_key, upload_id,
                           part_number, range, source_etag, options, &download);
    if (etag.ok()) return etag;
    // The source's own failure (changed, gone, or out of retries) stands; the upload's
    // is retried from memory, where a failed attempt can be sent again.
    if (!download.ok() && download.code() != Code::kCancelled) return download;
  }
  BudgetHold hold(options.budget, length);
  PooledSink sink(BufferPool::Shared(), length);
  DTH_RETURN_IF_ERROR(source.Get(source_key, GetOptions{range, source_etag}, sink));
  if (sink.str().size() != length)
    return Corruption("short read of " + source_key + " part " + std::to_string(part_number) +
                      ": got " + std::to_string(sink.str().size()) + " of " +
                      std::to_string(length) + " bytes");
  StringViewSource body(sink.str());
  return destination.UploadPart(destination_key, upload_id, part_number, body);
}

namespace {

// Whether a failed upload is worth keeping for a later attempt to resume.
bool WorthResuming(const Status& st) {
  return st.retryable() || st.code() == Code::kIo || st.code() == Code::kCancelled;
}

// Without a journal a multipart copy starts a new upload and aborts it on failure.
class NoJournal : public UploadJournal {
 public:
  Result<std::optional<JournaledUpload>> Find() override { return std::optional<JournaledUpload>(); }
  Status Started(const JournaledUpload&) override { return Status::Ok(); }
  Status PartDone(const std::string&, int, const std::string&) override { return Status::Ok(); }
  Status Forget() override { return Status::Ok(); }
};

Result<std::string> CopyMultipart(ObjectStore& source, const std::string& source_key,
                                  ObjectStore& destination, const std::string& destination_key,
                                  const ObjectHead& head, const PutOptions& put,
                                  const CopyOptions& options, CopyResult* result) {
  const StoreFeatures& f = destination.Features();
  // Parts no larger than the memory budget (where the server allows): a part sent from
  // memory is held whole.
  uint64_t part_size = options.part_size;
  if (options.budget != nullptr)
    part_size = std::min(part_size, std::max(f.min_part_size, options.budget->capacity()));
  DTH_ASSIGN_OR_RETURN(PartPlan plan, PlanParts(head.info.size, part_size, f.min_part_size,
                                                f.max_part_size, f.max_parts));
  const std::string& pin = PinVersion(head.info);
  NoJournal no_journal;
  UploadJournal& journal = options.journal != nullptr ? *options.journal : no_journal;
  DTH_ASSIGN_OR_RETURN(ResumedUpload state, ResumeOrStartUpload(destination, destination_key, pin,
                                                                head.info.size, plan, put, journal));
  const std::string& upload_id = state.upload_id;
  std::vector<PartInfo>& parts = state.parts;
  result->parts_resumed = state.resumed;
  std::atomic<int> next_part{1};
  std::atomic<int> sent{0};
  std::atomic<uint64_t> done{0};
  for (const PartInfo& p : parts) done += p.etag.empty() ? 0 : p.size;
  std::mutex mu;
  Status first_error;  // guarded by mu
  auto failed = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return !first_error.ok();
  };
  auto copy_part = [&](int n) -> Status {
    uint64_t offset = static_cast<uint64_t>(n - 1) * plan.part_size;
    uint64_t length = std::min(plan.part_size, head.info.size - offset);
    PartInfo part{n, "", length};
    DTH_ASSIGN_OR_RETURN(part.etag, CopyPart(source, source_key, destination, destination_key,
                                             upload_id, n, ByteRange{offset, length}, pin,
                                             options));
    ++sent;
    if (options.journal != nullptr) {
      DTH_RETURN_IF_ERROR(options.journal->PartDone(upload_id, n, part.etag));
    }
    parts[static_cast<size_t>(n - 1)] = std::move(part);
    uint64_t total = done += length;
    if (options.on_progress) options.on_progress(total, head.info.size);
    return Status::Ok();
  };
  auto work = [&] {
    for (int n = next_part++; n <= plan.part_count && !failed(); n = next_part++) {
      if (!parts[static_cast<size_t>(n - 1)].etag.empty()) continue;  // resumed
      Status st = Cancelled(options) ? CancelledStatus() : copy_part(n);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
      }
    }
  };
  auto upload = [&]() -> Status {
    int threads = std::clamp(options.part_concurrency, 1, plan.part_count);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return first_error;
  };
  Status st = upload();
  result->parts_sent = sent.load();
  if (st.ok()) {
    auto etag = destination.CompleteMultipartUpload(destination_key, upload_id, parts);
    if (etag.ok()) {
      if (options.journal != nullptr) (void)options.journal->Forget();
      return etag;
    }
    st = etag.status();
  }
  if (options.journal != nullptr && WorthResuming(st)) return st;  // a later call resumes
  (void)destination.AbortMultipartUpload(destination_key, upload_id);  // best effort
  if (options.journal != nullptr) (void)options.journal->Forget();
  return st;
}

// One GET streamed into one PUT through a bounded pipe: no staging, memory fixed.
Result<std::string> CopyStreaming(ObjectStore& source, const std::string& source_key,
                                  ObjectStore& destination, const std::string& destination_key,
                                  const ObjectHead& head, const PutOptions& put,
                                  const CopyOptions& options) {
  BytePipe pipe(8u << 20);
  Status download;
  uint64_t received = 0;
  std::thread producer([&] {
    PipeSink pipe_sink(pipe);
    ProgressSink sink(pipe_sink, &received, head.info.size, options);
    download = source.Get(source_key, GetOptions{std::nullopt, PinVersion(head.info)}, sink);
    pipe.CloseWrite(download);
  });
  PipeSource body(pipe, head.info.size);
  auto etag = destination.Put(destination_key, body, put);
  pipe.CloseRead();  // if the upload stopped early, the download stops too
  producer.join();
  // Report the root cause, not the other side's echo of it: a download cancelled because
  // the upload stopped means the upload's error; an upload starved by a failed download
  // means the download's.
  if (!etag.ok() && (download.ok() || download.code() == Code::kCancelled)) return etag.status();
  if (!download.ok()) return download;
  return etag;
}

// Objects from this size up stream from the GET into the PUT when their ETag is their MD5;
// smaller ones are read into one buffer (no thread, and no pipe larger than the object).
constexpr uint64_t kStreamMinBytes = 1u << 20;

// Whether an object of this size and ETag may take CopyVerifiedStream.
bool CanStreamVerified(const ObjectStore& source, uint64_t size, const std::string& etag) {
  return size >= kStreamMinBytes && source.Features().etag_is_md5 && IsPlainMd5Etag(etag);
}

// The small-object path, streamed: the GET (its answer carries the head) flows through a
// bounded pipe into one Put that carries the source's ETag as the body's MD5, so the
// destination verifies every byte against what the source promised and keeps nothing
// else. Memory is the pipe, not the object, and reading overlaps sending. *retry_in_memory
// says the failure was the upload's (sent once: a streamed body cannot be replayed), or
// that the GET's answer showed the ETag is not an MD5 (SSE-KMS): the caller then copies
// from memory. A failure of the source itself (changed, gone) stands.
Status CopyVerifiedStream(ObjectStore& source, const std::string& source_key,
                          ObjectStore& destination, const std::string& destination_key,
                          const std::string& if_match, uint64_t size, const Tags* tags,
                          const CopyOptions& options, CopyResult* result, bool* retry_in_memory) {
  *retry_in_memory = false;
  Tags fetched;
  if (tags == nullptr) {
    DTH_ASSIGN_OR_RETURN(fetched, TagsToCarry(source, source_key, destination, options));
    tags = &fetched;
  }
  BudgetHold hold(options.budget, kPartPipeBytes);
  BytePipe pipe(kPartPipeBytes);
  ObjectHead head;
  Status download;
  uint64_t received = 0;
  std::thread producer([&] {
    PipeSink pipe_sink(pipe);
    ProgressSink sink(pipe_sink, &received, size, options);
    download = source.Get(source_key, GetOptions{std::nullopt, if_match}, sink, &head);
    pipe.CloseWrite(download);
  });
  Result<std::string> etag = Status(Code::kCancelled, "not sent");
  bool upload_side = false;
  // Bytes are waiting once the GET has answered, and its head came before them.
  if (pipe.WaitReadable().ok()) {
    upload_side = true;
    if (!EtagIsContentMd5(source.Features(), head)) {
      etag = Status(Code::kNotSupported, "the ETag of " + source_key + " is not its MD5");
    } else {
      PutOptions put = DestinationOptions(head, *tags, options);
      put.content_md5 = head.info.etag;
      PipeSource body(pipe, size);
      etag = destination.Put(destination_key, body, put);
    }
  }
  pipe.CloseRead();  // if the upload stopped early, the download stops too
  producer.join();
  if (!etag.ok() && (download.ok() || download.code() == Code::kCancelled)) {
    *retry_in_memory = upload_side && !Cancelled(options);
    return etag.status();
  }
  if (!download.ok()) return download;
  result->destination_etag = *etag;
  result->bytes = size;
  result->source_etag = head.info.etag;
  return Status::Ok();
}

// Whether an object (or part) of this size may be held whole in memory: --memory is a
// hard cap, so one larger than the whole budget is never buffered (it goes multipart
// in parts that fit, or streams, or fails and is tried again later).
bool FitsBudget(const CopyOptions& options, uint64_t size) {
  return options.budget == nullptr || size <= options.budget->capacity();
}

// Whether a streamed single PUT that failed is sent again from memory at once.
bool RetryFromMemory(const Status& st, bool retry_in_memory) {
  return retry_in_memory && (st.retryable() || st.code() == Code::kCorruption ||
                             st.code() == Code::kNotSupported);
}

// The small-object path: one GET into memory (its answer carries the head), one PUT.
Status CopyBuffered(ObjectStore& source, const std::string& source_key, ObjectStore& destination,
                    const std::string& destination_key, ObjectHead* head, const std::string& if_match,
                    uint64_t size_hint, const Tags* tags, const CopyOptions& options,
                    CopyResult* result) {
  BudgetHold hold(options.budget, size_hint);
  PooledSink sink(BufferPool::Shared(), size_hint);
  DTH_RETURN_IF_ERROR(source.Get(source_key, GetOptions{std::nullopt, if_match}, sink, head));
  if (sink.str().size() != head->info.size)
    return Corruption("short read of " + source_key + ": got " + std::to_string(sink.str().size()) +
                      " of " + std::to_string(head->info.size) + " bytes");
  Tags fetched;
  if (tags == nullptr) {
    DTH_ASSIGN_OR_RETURN(fetched, TagsToCarry(source, source_key, destination, options));
    tags = &fetched;
  }
  PutOptions put = DestinationOptions(*head, tags ? *tags : Tags{}, options);
  // The destination checks the bytes against what the source promised, not against a
  // hash of whatever arrived (and the client hashes nothing).
  if (EtagIsContentMd5(source.Features(), *head)) put.content_md5 = head->info.etag;
  StringViewSource body(sink.str());
  DTH_ASSIGN_OR_RETURN(result->destination_etag, destination.Put(destination_key, body, put));
  result->bytes = head->info.size;
  result->source_etag = head->info.etag;
  if (options.on_progress) options.on_progress(head->info.size, head->info.size);
  return Status::Ok();
}

// The small-object path from a source read without requests (a local file, opened by
// DirectRead::OpenRead): the file itself is the Put's body, read positionally (hashed
// first where the destination wants a digest, then sent, and sent again on a retry), so
// nothing is held in memory. The destination checks the bytes: against the source's
// known MD5 (Content-MD5), else against the digest of the pre-pass; a file written
// meanwhile fails its last read, which cuts the upload short (nothing is stored).
Status CopyFromFile(ObjectStore& source, const std::string& source_key, ByteSource& body,
                    const ObjectHead& head, ObjectStore& destination,
                    const std::string& destination_key, const Tags* tags,
                    const CopyOptions& options, CopyResult* result) {
  Tags fetched;
  if (tags == nullptr) {
    DTH_ASSIGN_OR_RETURN(fetched, TagsToCarry(source, source_key, destination, options));
    tags = &fetched;
  }
  PutOptions put = DestinationOptions(head, *tags, options);
  if (EtagIsContentMd5(source.Features(), head)) put.content_md5 = head.info.etag;
  DTH_ASSIGN_OR_RETURN(result->destination_etag, destination.Put(destination_key, body, put));
  result->bytes = head.info.size;
  result->source_etag = head.info.etag;
  if (options.on_progress) options.on_progress(head.info.size, head.info.size);
  return Status::Ok();
}

// A server-side CopyObject of the version etag. Metadata and tags travel by themselves
// (directive COPY): no HEAD is needed. Only --no-metadata replaces the metadata; storage
// class, ACL and encryption are request headers S3 applies with either directive.
Result<std::string> CopyServerSide(ObjectStore& source, const std::string& source_key,
                                   ObjectStore& destination, const std::string& destination_key,
                                   const std::string& etag, const CopyOptions& options) {
  PutOptions put;  // no metadata: with COPY it is the source's, with REPLACE none
  put.storage_class = options.storage_class;
  put.acl = options.acl;
  put.sse = options.sse;
  put.sse_kms_key_id = options.sse_kms_key_id;
  const bool replace = !options.copy_metadata;
  CopySource src{options.server_side_source_bucket, source_key, etag, std::nullopt};
  DTH_ASSIGN_OR_RETURN(std::string copied, destination.Copy(src, destination_key, put, replace));
  DTH_RETURN_IF_ERROR(
      CarryTagsAfterCopy(source, source_key, destination, destination_key, replace, options));
  return copied;
}

}  // namespace

Result<CopyResult> CopyObject(ObjectStore& source, const std::string& source_key,
                              ObjectStore& destination, const std::string& destination_key,
                              const CopyOptions& options, const ObjectInfo* listed) {
  const StoreFeatures& f = destination.Features();
  DTH_RETURN_IF_ERROR(CheckTagSupport(source, destination, options));
  CopyResult result;
  if (listed != nullptr && options.server_side && !listed->etag.empty() &&
      listed->size <= options.multipart_threshold && listed->size <= f.max_put_size) {
    // The listing has the size and the ETag to pin: one request (two where the server
    // ignores x-amz-copy-source-if-match and the store checks with a HEAD).
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyServerSide(source, source_key, destination, destination_key,
                                        listed->etag, options));
    result.bytes = listed->size;
    result.source_etag = listed->etag;
    result.server_side = true;
    if (options.on_progress) options.on_progress(listed->size, listed->size);
    return result;
  }
  if (listed != nullptr && !options.server_side && listed->size <= options.multipart_threshold &&
      listed->size <= f.max_put_size) {
    ObjectHead head;
    auto file = OpenDirect(source, source_key, GetOptions{std::nullopt, PinVersion(*listed)}, &head);
    if (file.ok()) {
      DTH_RETURN_IF_ERROR(CopyFromFile(source, source_key, **file, head, destination,
                                       destination_key, nullptr, options, &result));
      return result;
    }
    if (file.status().code() != Code::kNotSupported) return file.status();
  }
  if (listed != nullptr && !options.server_side && listed->size <= options.multipart_threshold &&
      listed->size <= f.max_put_size && CanStreamVerified(source, listed->size, listed->etag)) {
    bool retry_in_memory = false;
    Status st = CopyVerifiedStream(source, source_key, destination, destination_key,
                                   PinVersion(*listed), listed->size, nullptr, options, &result,
                                   &retry_in_memory);
    if (st.ok()) return result;
    if (!RetryFromMemory(st, retry_in_memory) || !FitsBudget(options, listed->size)) return st;
    ObjectHead head;
    DTH_RETURN_IF_ERROR(CopyBuffered(source, source_key, destination, destination_key, &head,
                                     PinVersion(*listed), listed->size, nullptr, options, &result));
    return result;
  }
  if (listed != nullptr && !options.server_side && !f.streaming_put &&
      FitsBudget(options, listed->size) &&
      listed->size <= options.multipart_threshold && listed->size <= f.max_put_size) {
    ObjectHead head;
    DTH_RETURN_IF_ERROR(CopyBuffered(source, source_key, destination, destination_key, &head,
                                     PinVersion(*listed), listed->size, nullptr, options, &result));
    return result;
  }
  DTH_ASSIGN_OR_RETURN(ObjectHead head, source.Head(source_key));
  result.bytes = head.info.size;
  result.source_etag = head.info.etag;
  result.server_side = options.server_side;
  const bool verified_stream =
      CanStreamVerified(source, head.info.size, head.info.etag) && EtagIsContentMd5(source.Features(), head);
  bool multipart = head.info.size > options.multipart_threshold ||
                   head.info.size > f.max_put_size ||
                   // It would be held whole, and that is more than --memory allows.
                   (!options.server_side && !f.streaming_put && f.multipart && !verified_stream &&
                    DirectReadOf(source) == nullptr && !FitsBudget(options, head.info.size) &&
                    head.info.size > f.min_part_size);
  if (options.server_side && !(multipart && f.multipart)) {
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyServerSide(source, source_key, destination, destination_key,
                                        head.info.etag, options));
    if (options.on_progress) options.on_progress(head.info.size, head.info.size);
    return result;
  }
  // HeadObject does not report a tag count on S3, so ask whenever tags are carried.
  DTH_ASSIGN_OR_RETURN(Tags tags, TagsToCarry(source, source_key, destination, options));
  PutOptions put = DestinationOptions(head, tags, options);

  if (!options.server_side && !multipart) {
    ObjectHead opened;
    auto file = OpenDirect(source, source_key, GetOptions{std::nullopt, PinVersion(head.info)}, &opened);
    if (file.ok()) {
      DTH_RETURN_IF_ERROR(CopyFromFile(source, source_key, **file, opened, destination,
                                       destination_key, &tags, options, &result));
      return result;
    }
    if (file.status().code() != Code::kNotSupported) return file.status();
  }
  // Above the threshold, into a destination written in pieces (a local directory): several
  // ranged GETs at once, verified against the ETag before the file appears
  // (transfer/ranged_download).
  if (!options.server_side && f.positional_write && head.info.size > options.multipart_threshold) {
    auto plan = PlanDownload(head.info.size, head.info.etag, EtagIsContentMd5(source.Features(), head),
                             source.Features().multipart_etag_has_part_count, options.part_size);
    if (plan) {
      DTH_ASSIGN_OR_RETURN(RangedDownload ranged,
                           DownloadInRanges(source, source_key, destination, destination_key, head,
                                            *plan, put, options));
      result.destination_etag = std::move(ranged.etag);
      result.ranges = ranged.ranges;
      result.note = std::move(ranged.note);
      return result;
    }
  }
  if (!options.server_side && f.streaming_put && head.info.size <= f.max_put_size) {
    if (EtagIsContentMd5(source.Features(), head)) put.content_md5 = head.info.etag;
    BudgetHold hold(options.budget, std::min<uint64_t>(head.info.size, 8u << 20));
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyStreaming(source, source_key, destination, destination_key, head, put, options));
    return result;
  }
  if (multipart && f.multipart) {
    result.multipart = true;
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyMultipart(source, source_key, destination, destination_key, head, put,
                                       options, &result));
    DTH_RETURN_IF_ERROR(TagsAfterMultipart(destination, destination_key, put.tags));
    return result;
  }
  const std::string pin = PinVersion(head.info);
  if (verified_stream) {
    bool retry_in_memory = false;
    Status st = CopyVerifiedStream(source, source_key, destination, destination_key, pin,
                                   head.info.size, &tags, options, &result, &retry_in_memory);
    if (st.ok()) return result;
    if (!RetryFromMemory(st, retry_in_memory) || !FitsBudget(options, head.info.size)) return st;
  }
  DTH_RETURN_IF_ERROR(CopyBuffered(source, source_key, destination, destination_key, &head, pin,
                                   head.info.size, &tags, options, &result));
  return result;
}

}  // namespace dth
