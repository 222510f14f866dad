// sync/sync_job: the jobs the finder puts on the queue for the workers — copy an object,
// copy one part of a giant object, delete a destination-only key — and their JSON
// bodies. Keys are relative to the task's prefixes.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "queue/job_queue.h"

namespace dth {

enum class SyncJobKind { kObject, kPart, kDelete };

struct SyncJob {
  SyncJobKind kind = SyncJobKind::kObject;
  std::string key;
  uint64_t size = 0;       // the object's size (kObject, kDelete: as listed)
  std::string etag;        // kObject: as listed
  std::string upload_id;   // kPart
  int part_number = 0;     // kPart
  // kObject, kPart: the listed version (finder/decide SourceVersion) when it is not the
  // ETag ("mtime:..."); recorded on success so the next run can tell a rewrite.
  std::string version;
  // kObject: the listed version token when the store has one besides the ETag
  // (ObjectInfo::version: a local file's); every read is pinned to it.
  std::string pin;
  bool operator==(const SyncJob&) const = default;
};

std::string EncodeSyncJob(const SyncJob& job);
// A body that is not a well-formed job is kCorruption (the job can never succeed).
Result<SyncJob> DecodeSyncJob(const std::string& body);

// The queue job: deduplicated per task and (kind, key, part).
Job ToQueueJob(const std::string& task_id, const SyncJob& job);

}  // namespace dth
