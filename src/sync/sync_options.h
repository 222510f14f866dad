// sync/sync_options: everything one sync task is told — the key spaces, the finder's
// choices, the workers' concurrency and memory, and how objects are written — as one
// plain value shared by `dth sync`, `dth finder`, `dth worker` and task files.
// Thread-safety: a plain value; read-only while a run uses it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "finder/finder.h"
#include "sync/sync_log.h"
#include "transfer/object_copy.h"

namespace dth {

struct SyncOptions {
  std::string task_id;  // records and jobs are kept per task
  std::string source_prefix;
  std::string destination_prefix;
  FinderOptions finder;  // recorded_etag is filled in by the engine from the state store
  // The delete phase (finder.delete_extra): refused whole when it would delete more than
  // this many keys; run after the copies succeeded, or with delete_during as soon as the
  // planning is done (without waiting for the copies).
  uint64_t max_deletes = 1000;
  bool delete_during = false;
  int workers = 16;      // objects (or parts) in flight at once
  // Objects at or above this size are split into part jobs on the queue, so every worker
  // shares one object; the worker that records the last part completes it.
  uint64_t giant_threshold = 1ull << 30;
  // Bytes of object data held in memory at once across the workers.
  uint64_t memory_budget = 64ull << 20;
  // Multipart threshold and part size, part concurrency within one object, metadata,
  // tags, storage class, ACL, SSE and server-side copy. budget and journal are the
  // engine's.
  CopyOptions copy;
  std::chrono::seconds visibility{60};  // a job's lease; renewed every third of it
  // A failed job is received again after retry_delay * 2^(receives-1), at most 5 min.
  std::chrono::seconds retry_delay{1};
  int max_receives = 5;  // the queue's: a job failing this often is dead-lettered
  // Where the engine's notable events go besides spdlog (the hub's run log); may be empty.
  SyncLogSink log;
};

}  // namespace dth
