// imagesync/image_sync: runs a planned image sync: up to `concurrency` images at a
// time (threads joined before returning), each retried with backoff when its failure
// is retryable (transport, throttling, 5xx) up to `image_retries` more times, each
// recorded in the state store (when given) as it finishes, with the outcome reported
// through a callback for progress. Blob locations in the destination are seeded from
// and written to the records, so mounts work across runs.
// Thread-safety: RunImageSync is called from one thread; on_image runs on workers and
// is serialised by the runner.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/retry.h"
#include "imagesync/image_copy.h"
#include "imagesync/image_records.h"
#include "registry/registry_client.h"

namespace dth::imagesync {

struct ImageSyncOptions {
  std::string task_id = "image-sync";
  int concurrency = 10;
  int image_retries = 3;
  RetryPolicy backoff{0, std::chrono::milliseconds(1000), std::chrono::milliseconds(20000)};
  ImageCopyOptions copy;
  ImageRecords* records = nullptr;  // not owned; may be null
  // When it turns true no further image is started (those in flight finish); the
  // images not started are counted in ImageSyncSummary::not_started. Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // Told of each failed attempt that will be tried again (the image, the attempt that
  // failed, how many attempts there can be, the wait before the next, the failure). Runs on
  // the image's worker; must not block. Unset: a line in the process log (spdlog, info).
  std::function<void(const std::string& image, int attempt, int max_attempts, std::chrono::milliseconds delay,
                     const Status& error)>
      on_retry;
};

struct ImageResult {
  ImageJob job;
  ImageStatus status = ImageStatus::kFailed;
  std::string source_digest, dest_digest;
  bool platform_filtered = false;  // dest_digest is a narrowed index's (--platform)
  Status error;
  int attempts = 0;
  CopyStats stats;
  double seconds = 0;
};

struct ImageSyncSummary {
  std::vector<ImageResult> results;  // in job order
  int copied = 0, up_to_date = 0, would_copy = 0, failed = 0;
  int not_started = 0;  // left when options.cancel turned true
  uint64_t bytes_copied = 0;
  int blobs_copied = 0, blobs_mounted = 0, blobs_skipped = 0;
};

ImageSyncSummary RunImageSync(registry::RegistryClient& source, registry::RegistryClient& destination,
                              const std::vector<ImageJob>& jobs, const ImageSyncOptions& options,
                              const std::function<void(const ImageResult&)>& on_image = nullptr);

}  // namespace dth::imagesync
