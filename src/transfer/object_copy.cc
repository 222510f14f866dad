#include "transfer/object_copy.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "transfer/byte_pipe.h"
#include "transfer/part_size.h"

namespace dth {
namespace {

// Forwards to a sink and reports the running byte count.
class ProgressSink : public ByteSink {
 public:
  ProgressSink(ByteSink& inner, uint64_t* count, uint64_t total,
               const std::function<void(uint64_t, uint64_t)>& report)
      : inner_(inner), count_(count), total_(total), report_(report) {}
  Status Write(std::string_view data) override {
    DTH_RETURN_IF_ERROR(inner_.Write(data));
    *count_ += data.size();
    if (report_) report_(*count_, total_);
    return Status::Ok();
  }

 private:
  ByteSink& inner_;
  uint64_t* count_;
  uint64_t total_;
  const std::function<void(uint64_t, uint64_t)>& report_;
};

PutOptions DestinationOptions(const ObjectHead& head, const Tags& tags, const CopyOptions& o) {
  PutOptions put;
  put.metadata = head.metadata;
  put.tags = tags;
  put.storage_class = o.storage_class;
  put.acl = o.acl;
  put.sse = o.sse;
  put.sse_kms_key_id = o.sse_kms_key_id;
  return put;
}

Result<std::string> CopyMultipart(ObjectStore& source, const std::string& source_key,
                                  ObjectStore& destination, const std::string& destination_key,
                                  const ObjectHead& head, const PutOptions& put,
                                  const CopyOptions& options) {
  const StoreFeatures& f = destination.Features();
  DTH_ASSIGN_OR_RETURN(PartPlan plan, PlanParts(head.info.size, options.part_size, f.min_part_size,
                                                f.max_part_size, f.max_parts));
  DTH_ASSIGN_OR_RETURN(std::string upload_id, destination.CreateMultipartUpload(destination_key, put));
  std::vector<PartInfo> parts(static_cast<size_t>(plan.part_count));
  std::atomic<int> next_part{1};
  std::atomic<uint64_t> done{0};
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
    if (options.server_side) {
      CopySource src{options.server_side_source_bucket, source_key, head.info.etag,
                     ByteRange{offset, length}};
      DTH_ASSIGN_OR_RETURN(part.etag, destination.UploadPartCopy(destination_key, upload_id, n, src));
    } else {
      StringSink sink;
      sink.str().reserve(length);
      GetOptions get{ByteRange{offset, length}, head.info.etag};
      DTH_RETURN_IF_ERROR(source.Get(source_key, get, sink));
      if (sink.str().size() != length)
        return Corruption("short read of " + source_key + " part " + std::to_string(n));
      StringViewSource body(sink.str());
      DTH_ASSIGN_OR_RETURN(part.etag, destination.UploadPart(destination_key, upload_id, n, body));
    }
    parts[static_cast<size_t>(n - 1)] = std::move(part);
    uint64_t total = done += length;
    if (options.on_progress) options.on_progress(total, head.info.size);
    return Status::Ok();
  };
  auto work = [&] {
    for (int n = next_part++; n <= plan.part_count && !failed(); n = next_part++) {
      Status st = copy_part(n);
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
  if (st.ok()) {
    auto etag = destination.CompleteMultipartUpload(destination_key, upload_id, parts);
    if (etag.ok()) return etag;
    st = etag.status();
  }
  (void)destination.AbortMultipartUpload(destination_key, upload_id);  // best effort
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
    ProgressSink sink(pipe_sink, &received, head.info.size, options.on_progress);
    download = source.Get(source_key, GetOptions{std::nullopt, head.info.etag}, sink);
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

}  // namespace

Result<CopyResult> CopyObject(ObjectStore& source, const std::string& source_key,
                              ObjectStore& destination, const std::string& destination_key,
                              const CopyOptions& options) {
  DTH_ASSIGN_OR_RETURN(ObjectHead head, source.Head(source_key));
  Tags tags;
  // HeadObject does not report a tag count on S3, so ask whenever tags are wanted.
  if (options.copy_tags && source.Features().tagging) {
    DTH_ASSIGN_OR_RETURN(tags, source.GetTagging(source_key));
  }
  PutOptions put = DestinationOptions(head, tags, options);
  CopyResult result;
  result.bytes = head.info.size;
  result.source_etag = head.info.etag;
  result.server_side = options.server_side;

  const StoreFeatures& f = destination.Features();
  if (!options.server_side && f.streaming_put && head.info.size <= f.max_put_size) {
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyStreaming(source, source_key, destination, destination_key, head, put, options));
    return result;
  }
  bool multipart = head.info.size > options.multipart_threshold ||
                   head.info.size > f.max_put_size;
  if (multipart && f.multipart) {
    result.multipart = true;
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         CopyMultipart(source, source_key, destination, destination_key, head, put, options));
    return result;
  }
  if (options.server_side) {
    CopySource src{options.server_side_source_bucket, source_key, head.info.etag, std::nullopt};
    DTH_ASSIGN_OR_RETURN(result.destination_etag,
                         destination.Copy(src, destination_key, put, /*replace_metadata=*/true));
  } else {
    StringSink sink;
    sink.str().reserve(head.info.size);
    DTH_RETURN_IF_ERROR(source.Get(source_key, GetOptions{std::nullopt, head.info.etag}, sink));
    if (sink.str().size() != head.info.size)
      return Corruption("short read of " + source_key + ": got " + std::to_string(sink.str().size()) +
                        " of " + std::to_string(head.info.size) + " bytes");
    StringViewSource body(sink.str());
    DTH_ASSIGN_OR_RETURN(result.destination_etag, destination.Put(destination_key, body, put));
  }
  if (options.on_progress) options.on_progress(head.info.size, head.info.size);
  return result;
}

}  // namespace dth
