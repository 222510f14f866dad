// transfer/object_copy: copies one object from one ObjectStore to another: one GET and
// one PUT below the multipart threshold, multipart above it (parts read with If-Match
// on the source's ETag so a changing source fails instead of being stitched; a failed
// upload is aborted). Metadata and, optionally, tags travel with the object.
// Server-side copy is used when both sides allow it (same endpoint and credentials):
// CopyObject with metadata directive COPY (REPLACE only for --no-metadata), and
// UploadPartCopy parts above the threshold.
// Thread-safety: CopyObject is reentrant; the stores must be thread-safe. Multipart
// parts run on part_concurrency threads that are joined before it returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "store/object_store.h"
#include "transfer/byte_budget.h"
#include "transfer/upload_journal.h"

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
  // Bounds the object bytes held in memory across every copy sharing it (not owned;
  // nullptr = no bound beyond part_concurrency * part_size per copy).
  ByteBudget* budget = nullptr;
  // Records a multipart upload so a later call resumes it (not owned; per object).
  // With a journal, a failed upload is kept for that later call unless the failure
  // can never succeed by retrying (the source changed, a permanent error).
  UploadJournal* journal = nullptr;
  // Whether the destination gets the source's content headers and user metadata.
  bool copy_metadata = true;
  // When it turns true, a copy stops at a resumable point with kCancelled: a multipart
  // copy starts no new part (parts in flight finish; the journal keeps the upload), a
  // streamed copy stops reading (nothing is written). Not owned; nullptr = never.
  const std::atomic<bool>* cancel = nullptr;
};

struct CopyResult {
  uint64_t bytes = 0;
  std::string source_etag;
  std::string destination_etag;
  bool multipart = false;
  bool server_side = false;
  int parts_sent = 0;     // parts uploaded by this call
  int parts_resumed = 0;  // parts found already uploaded by an earlier attempt
  int ranges = 0;         // ranged GETs of a download in ranges (transfer/ranged_download)
  std::string note;       // how the bytes were checked, when not as usual (for the log)
};

// The PutOptions a copy of an object with this head gets at the destination.
PutOptions DestinationOptions(const ObjectHead& head, const Tags& tags, const CopyOptions& options);

// Copies one part (range.length must be set) of source_etag's version into an upload:
// UploadPartCopy when options.server_side; else a ranged GET with If-Match and an
// UploadPart: streamed from the GET into the upload when the destination StreamsParts()
// (a 2 MiB pipe), held in memory otherwise (under options.budget) and when a streamed
// upload fails (a streamed body cannot be sent twice). Returns the part's ETag.
Result<std::string> CopyPart(ObjectStore& source, const std::string& source_key,
                             ObjectStore& destination, const std::string& destination_key,
                             const std::string& upload_id, int part_number, const ByteRange& range,
                             const std::string& source_etag, const CopyOptions& options);

// listed: the source object as a listing showed it, when the caller has it. A small
// object is then read with one GET (If-Match on the listed ETag; the GET answer gives
// the metadata), sparing the HEAD; a small server-side copy is one CopyObject pinned to
// the listed ETag (metadata and tags travel with it).
// Tags travel as transfer/copy_tags says: a copy asked to carry them that cannot fails.
Result<CopyResult> CopyObject(ObjectStore& source, const std::string& source_key,
                              ObjectStore& destination, const std::string& destination_key,
                              const CopyOptions& options, const ObjectInfo* listed = nullptr);

}  // namespace dth
