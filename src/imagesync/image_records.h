// imagesync/image_records: the state store's image tables, on the same SQLite file
// as state/ (a small table of its own, schema "image_state"): one record per (task,
// source image) with source digest, destination digest, status, error, attempts,
// counts and time; and the destination repositories known to hold each blob (seeds
// cross-repository mounts in later runs).
// Thread-safety: safe for concurrent use; calls are serialised on one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "state/sqlite/sqlite_db.h"

namespace dth::imagesync {

enum class ImageStatus { kCopied, kUpToDate, kFailed, kWouldCopy };
const char* ImageStatusName(ImageStatus status);  // "copied", "up-to-date", "failed", "would-copy"
Result<ImageStatus> ParseImageStatus(const std::string& name);

struct ImageRecord {
  std::string task_id;
  std::string source;        // "team/app:v1" as listed
  std::string destination;   // "mirror/team/app:v1"
  std::string source_digest, dest_digest;
  ImageStatus status = ImageStatus::kFailed;
  std::string error;
  int attempts = 0;
  int blobs_copied = 0, blobs_mounted = 0;
  uint64_t bytes_copied = 0;
  TimePoint finished_at{};
  bool operator==(const ImageRecord&) const = default;
};

class ImageRecords {
 public:
  // path: a file (shared with the state store, any number of processes) or ":memory:".
  static Result<std::unique_ptr<ImageRecords>> Open(const std::string& path);

  Status Upsert(const ImageRecord& record);
  Result<ImageRecord> Get(const std::string& task_id, const std::string& source);  // kNotFound
  Result<std::vector<ImageRecord>> List(const std::string& task_id);             // by source

  Status AddBlobLocation(const std::string& registry, const std::string& digest, const std::string& repository);
  // (digest, repository) pairs known for the registry.
  Result<std::vector<std::pair<std::string, std::string>>> BlobLocations(const std::string& registry);

 private:
  explicit ImageRecords(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace dth::imagesync
