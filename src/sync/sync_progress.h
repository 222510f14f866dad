// sync/sync_progress: live counters of one process's part of a sync, updated by the
// finder and the workers and read by whoever draws progress or writes the summary.
// Thread-safety: thread-safe (atomics).
#pragma once

#include <atomic>
#include <cstdint>

namespace dth {

struct SyncProgress {
  // From the finder.
  std::atomic<uint64_t> planned_objects{0};  // copy decisions
  std::atomic<uint64_t> planned_bytes{0};
  std::atomic<uint64_t> planned_deletes{0};
  std::atomic<bool> finder_done{false};
  // From the workers.
  std::atomic<uint64_t> copied_objects{0};
  std::atomic<uint64_t> copied_bytes{0};     // of objects finished
  std::atomic<uint64_t> moving_bytes{0};     // bytes sent so far, unfinished objects included
  std::atomic<uint64_t> deleted_objects{0};
  std::atomic<uint64_t> failed_objects{0};   // failed for good (dead-lettered)
  std::atomic<uint64_t> retried_jobs{0};     // failures that will be retried
  std::atomic<uint64_t> parts_sent{0};
  std::atomic<uint64_t> parts_resumed{0};    // parts found uploaded by an earlier attempt
};

}  // namespace dth
