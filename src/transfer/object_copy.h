// transfer/object_copy: copies one object from one ObjectStore to another: one GET and
// one PUT below the multipart threshold, multipart above it (parts read with If-Match
// on the source's ETag so a changing source fails instead of being stitched; a failed
// upload is aborted). Metadata and, optionally, tags travel with the object.
// Server-side copy is used when both sides allow it (same endpoint and credentials).
// Thread-safety: CopyObject is reentrant; the stores must be thread-safe. Multipart
// parts run on part_concurrency threads that are joined before it returns.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/object_store.h"

namespace dth {

struct CopyOptions {
  uint64_t multipart_threshold = 64ull << 20;
  uint64_t part_size = 16ull << 20;  // preferred; grown to keep <= max parts
  // Parts in flight at once; memory is bounded by part_concurrency * part_size.
  int part_concurrency = 4;
  bool copy_tags = false;
  bool server_side = false;  // the caller knows both stores share endpoint + credentials
  std::string server_side_source_bucket;
  // Destination overrides (empty = keep the source's).
  std::string storage_class;
  std::string acl;
  ServerSideEncryption sse = ServerSideEncryption::kNone;
  std::string sse_kms_key_id;
  // Called with the bytes copied so far and the object's size, for progress (from the
  // copying threads, possibly at once: the callee synchronises).
  std::function<void(uint64_t done, uint64_t total)> on_progress;
};

struct CopyResult {
  uint64_t bytes = 0;
  std::string source_etag;
  std::string destination_etag;
  bool multipart = false;
  bool server_side = false;
};

Result<CopyResult> CopyObject(ObjectStore& source, const std::string& source_key,
                              ObjectStore& destination, const std::string& destination_key,
                              const CopyOptions& options);

}  // namespace dth
