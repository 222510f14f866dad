// state/state_store: the StateStore interface every state backend implements (SQLite
// now; PostgreSQL, DynamoDB later) and its value types: per-task object records,
// multipart upload records with their parts, and run records with counters. Decisions
// that depend on a count (who recorded the last part) are made inside the store,
// atomically. Times on object records are the caller's; run and upload times come from
// the store's clock.
// Thread-safety: every implementation is safe for concurrent use from many threads, and
// several handles (processes) may share one store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "state/task_lock.h"

namespace dth {

enum class ObjectStatus { kPending, kCopying, kDone, kFailed, kSkipped };

const char* ObjectStatusName(ObjectStatus status);  // "pending", "copying", ...
std::optional<ObjectStatus> ParseObjectStatus(const std::string& name);

struct ObjectRecord {
  std::string task_id;
  std::string key;
  uint64_t size = 0;
  std::string source_etag;
  ObjectStatus status = ObjectStatus::kPending;
  int attempts = 0;
  std::string last_error;
  uint64_t bytes = 0;       // bytes transferred so far
  TimePoint started_at{};   // epoch = not set
  TimePoint finished_at{};  // epoch = not set
  bool operator==(const ObjectRecord&) const = default;
};

struct ObjectQuery {
  std::string task_id;
  std::optional<ObjectStatus> status;  // nullopt = every status
  std::string start_after;             // keys strictly greater, in byte order
  int limit = 1000;
  std::string prefix;                  // "" = every key; else keys starting with it
};

struct ObjectPage {
  std::vector<ObjectRecord> records;  // ascending key order
  std::string next_start_after;       // "" when this is the last page
};

struct ObjectCounts {
  int64_t pending = 0, copying = 0, done = 0, failed = 0, skipped = 0;
  int64_t total() const { return pending + copying + done + failed + skipped; }
  bool operator==(const ObjectCounts&) const = default;
};

enum class PartStatus { kDone };

struct PartRecord {
  int part_number = 0;
  std::string etag;
  PartStatus status = PartStatus::kDone;
  bool operator==(const PartRecord&) const = default;
};

// One multipart upload in progress per (task_id, key).
struct UploadRecord {
  std::string task_id;
  std::string key;
  std::string upload_id;
  uint64_t part_size = 0;
  int part_count = 0;
  std::string source_etag;
  std::vector<PartRecord> parts;  // filled by FindUpload, ascending part number
  bool operator==(const UploadRecord&) const = default;
};

struct RunCounters {
  int64_t objects_copied = 0, bytes_copied = 0, objects_skipped = 0, objects_failed = 0,
          objects_deleted = 0;
  bool operator==(const RunCounters&) const = default;
};

struct RunRecord {
  int64_t run_id = 0;
  std::string task_id;
  TimePoint started_at{};
  TimePoint finished_at{};  // epoch while the run is going
  RunCounters counters;
};

// An upload the task started (recorded by RecordUpload) that is no longer the current
// upload of its key and was not forgotten: a leftover to abort.
struct StaleUpload {
  std::string key;
  std::string upload_id;
  bool operator==(const StaleUpload&) const = default;
};

struct PartProgress {
  int parts_done = 0;
  bool completes_upload = false;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Object records. Upsert replaces every field of the (task_id, key) record.
  virtual Status UpsertObject(const ObjectRecord& record) = 0;
  // Many at once, atomically where the backend can (the default upserts one by one).
  virtual Status UpsertObjects(const std::vector<ObjectRecord>& records);
  virtual Result<ObjectRecord> GetObject(const std::string& task_id,
                                         const std::string& key) = 0;  // kNotFound
  virtual Result<ObjectPage> ListObjects(const ObjectQuery& query) = 0;
  virtual Result<ObjectCounts> CountObjects(const std::string& task_id) = 0;
  // Up to count-1 keys of the task's records that split them, in key order, into count
  // ranges of about equal size (for listing a bucket in parallel ranges). The default
  // pages through ListObjects.
  virtual Result<std::vector<std::string>> SplitKeys(const std::string& task_id, int count);

  // Who runs the task (state/task_lock.h): exclusive for a whole run, shared for the
  // finder and worker processes that split one. kPreconditionFailed when taken.
  virtual Result<std::unique_ptr<TaskLock>> LockTask(const std::string& task_id,
                                                     TaskLockMode mode) = 0;

  // Multipart uploads. RecordUpload starts (or replaces, dropping its parts) the
  // upload of (task_id, key), and remembers that the task started it: a replaced upload
  // then shows in StaleUploads until ForgetUpload (after it was aborted). DeleteUpload
  // (completed or aborted) forgets the current one. FindUpload: kNotFound when none.
  virtual Status RecordUpload(const UploadRecord& upload) = 0;
  virtual Result<UploadRecord> FindUpload(const std::string& task_id,
                                          const std::string& key) = 0;
  // Records a finished part, atomically. parts_done counts distinct parts done after
  // it; completes_upload is true for exactly one call per upload: the one that took the
  // count to part_count (that caller completes the upload, no polling). Re-recording a
  // part updates its ETag but never completes the upload a second time.
  // kPreconditionFailed when upload_id is not the current upload (replaced or
  // deleted); kInvalidArgument for a part number outside [1, part_count].
  virtual Result<PartProgress> RecordPart(const std::string& task_id, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 const std::string& etag) = 0;
  virtual Status DeleteUpload(const std::string& task_id, const std::string& key) = 0;
  // Uploads this task started that are no longer current, up to limit.
  virtual Result<std::vector<StaleUpload>> StaleUploads(const std::string& task_id,
                                                        int limit) = 0;
  virtual Status ForgetUpload(const std::string& task_id, const std::string& upload_id) = 0;

  // Runs. AddToRun adds the delta to the counters atomically.
  virtual Result<int64_t> StartRun(const std::string& task_id) = 0;
  virtual Status AddToRun(int64_t run_id, const RunCounters& delta) = 0;
  virtual Status FinishRun(int64_t run_id) = 0;
  virtual Result<RunRecord> GetRun(int64_t run_id) = 0;  // kNotFound
};

}  // namespace dth
