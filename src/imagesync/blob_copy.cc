#include "imagesync/blob_copy.h"

#include <set>
#include <thread>

#include "transfer/byte_pipe.h"

namespace dth::imagesync {
namespace {

// size > 0: GetBlob stops at the first byte beyond it, so memory holds at most size.
Status CopyThroughMemory(const BlobRoute& r, const std::string& digest, uint64_t size) {
  StringSink sink;
  DTH_RETURN_IF_ERROR(r.source->GetBlob(r.source_repo, digest, size, sink));
  StringViewSource body(sink.str());
  return r.destination->PushBlob(r.destination_repo, digest, body);
}

// size 0: unknown. Then the upload is chunked (POST, PATCH per chunk, PUT), so no
// Content-Length is needed and memory stays at one chunk plus the pipe.
Status CopyStreaming(const BlobRoute& r, const registry::Descriptor& blob, uint64_t size, size_t capacity) {
  BytePipe pipe(capacity);
  Status download;
  std::thread reader([&] {
    PipeSink sink(pipe);
    try {
      download = r.source->GetBlob(r.source_repo, blob.digest, size, sink);
    } catch (const std::exception& e) {  // never across the thread's edge
      download = Status(Code::kPermanent, "GET blob " + blob.digest + ": unexpected error: " + e.what());
    }
    pipe.CloseWrite(download);  // an error (digest mismatch included) aborts the upload
  });
  PipeSource body(pipe, size);
  Status upload = size > 0 ? r.destination->PushBlob(r.destination_repo, blob.digest, body)
                           : r.destination->PushBlobChunked(r.destination_repo, blob.digest, body, capacity);
  pipe.CloseRead();  // unblocks the download if the upload gave up
  reader.join();
  // The download's own failure explains an aborted upload better than the echo.
  if (!download.ok() && download.code() != Code::kCancelled) return download;
  return upload;
}

Status Upload(const BlobRoute& r, const registry::Descriptor& blob, const BlobCopyOptions& options) {
  uint64_t size = blob.size;
  if (size == 0) {
    // The manifest gives no size (or an empty blob): the source's HEAD may. Never
    // buffer a blob of unknown size.
    DTH_ASSIGN_OR_RETURN(auto info, r.source->HeadBlob(r.source_repo, blob.digest));
    if (info.has_value()) size = info->size;
  }
  if (size > 0 && size <= options.memory_threshold) return CopyThroughMemory(r, blob.digest, size);
  return CopyStreaming(r, blob, size, options.pipe_capacity);
}

}  // namespace

Result<BlobOutcome> CopyBlob(const BlobRoute& r, const registry::Descriptor& blob, BlobLocations& locations,
                             const BlobCopyOptions& options) {
  std::set<std::string> tried;  // repositories a mount from did not work
  bool look = true;
  for (;;) {
    if (look) {
      DTH_ASSIGN_OR_RETURN(auto existing, r.destination->HeadBlob(r.destination_repo, blob.digest));
      if (existing.has_value()) {
        locations.Add(blob.digest, r.destination_repo);
        return BlobOutcome::kSkipped;
      }
      look = false;
    }
    if (auto from = locations.FindOther(blob.digest, r.destination_repo, &tried)) {
      tried.insert(*from);
      DTH_ASSIGN_OR_RETURN(bool mounted, r.destination->MountBlob(r.destination_repo, blob.digest, *from));
      if (mounted) {
        locations.Add(blob.digest, r.destination_repo);
        return BlobOutcome::kMounted;
      }
      continue;
    }
    if (!locations.ClaimUpload(blob.digest)) {
      look = true;  // another image uploaded it meanwhile: here now, or mountable
      continue;
    }
    UploadClaim claim(locations, blob.digest);
    DTH_RETURN_IF_ERROR(Upload(r, blob, options));
    locations.Add(blob.digest, r.destination_repo);
    return BlobOutcome::kCopied;
  }
}

}  // namespace dth::imagesync
