#include "imagesync/blob_copy.h"

#include <thread>

#include "transfer/byte_pipe.h"

namespace dth::imagesync {
namespace {

Status CopyThroughMemory(const BlobRoute& r, const registry::Descriptor& blob) {
  StringSink sink;
  DTH_RETURN_IF_ERROR(r.source->GetBlob(r.source_repo, blob.digest, blob.size, sink));
  StringViewSource body(sink.str());
  return r.destination->PushBlob(r.destination_repo, blob.digest, body);
}

Status CopyStreaming(const BlobRoute& r, const registry::Descriptor& blob, size_t capacity) {
  BytePipe pipe(capacity);
  Status download;
  std::thread reader([&] {
    PipeSink sink(pipe);
    download = r.source->GetBlob(r.source_repo, blob.digest, blob.size, sink);
    pipe.CloseWrite(download);  // an error (digest mismatch included) aborts the upload
  });
  PipeSource body(pipe, blob.size);
  Status upload = r.destination->PushBlob(r.destination_repo, blob.digest, body);
  pipe.CloseRead();  // unblocks the download if the upload gave up
  reader.join();
  // The download's own failure explains an aborted upload better than the echo.
  if (!download.ok() && download.code() != Code::kCancelled) return download;
  return upload;
}

}  // namespace

Result<BlobOutcome> CopyBlob(const BlobRoute& r, const registry::Descriptor& blob, BlobLocations& locations,
                             const BlobCopyOptions& options) {
  DTH_ASSIGN_OR_RETURN(auto existing, r.destination->HeadBlob(r.destination_repo, blob.digest));
  if (existing.has_value()) {
    locations.Add(blob.digest, r.destination_repo);
    return BlobOutcome::kSkipped;
  }
  if (auto from = locations.FindOther(blob.digest, r.destination_repo)) {
    DTH_ASSIGN_OR_RETURN(bool mounted, r.destination->MountBlob(r.destination_repo, blob.digest, *from));
    if (mounted) {
      locations.Add(blob.digest, r.destination_repo);
      return BlobOutcome::kMounted;
    }
  }
  if (blob.size == 0 || blob.size <= options.memory_threshold) {
    DTH_RETURN_IF_ERROR(CopyThroughMemory(r, blob));
  } else {
    DTH_RETURN_IF_ERROR(CopyStreaming(r, blob, options.pipe_capacity));
  }
  locations.Add(blob.digest, r.destination_repo);
  return BlobOutcome::kCopied;
}

}  // namespace dth::imagesync
