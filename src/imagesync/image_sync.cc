#include "imagesync/image_sync.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

namespace dth::imagesync {
namespace {

ImageResult RunOne(registry::RegistryClient& source, registry::RegistryClient& destination, const ImageJob& job,
                   BlobLocations& locations, const ImageSyncOptions& options) {
  ImageResult r;
  r.job = job;
  auto start = std::chrono::steady_clock::now();
  RetryPolicy policy = options.backoff;
  policy.max_attempts = std::max(0, options.image_retries) + 1;
  std::optional<ImageCopyResult> done;
  r.error = RunWithRetries(
      policy,
      [&](int attempt) -> Status {
        r.attempts = attempt;
        Result<ImageCopyResult> copied = Status(Code::kPermanent, "not run");
        try {
          copied = CopyImage(source, destination, job, locations, options.copy);
        } catch (const std::exception& e) {  // a bug must fail the image, not the process
          copied = Status(Code::kPermanent, "image " + job.source + ": unexpected error: " + e.what());
        }
        if (!copied.ok()) return copied.status();
        done = std::move(*copied);
        return Status::Ok();
      },
      RealSleeper(),
      [&](const Status& st, int attempt, std::chrono::milliseconds delay) {
        if (options.on_retry) {
          options.on_retry(job.source, attempt, policy.max_attempts, delay, st);
          return;
        }
        spdlog::info("image {}: attempt {} of {} failed, retrying in {} ms: {}", job.source, attempt,
                     policy.max_attempts, delay.count(), st.message());
      });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.error.ok()) return r;
  r.source_digest = done->source_digest;
  r.dest_digest = done->dest_digest;
  r.platform_filtered = done->platform_filtered;
  r.stats = done->stats;
  r.status = done->up_to_date ? ImageStatus::kUpToDate
             : options.copy.dry_run ? ImageStatus::kWouldCopy
                                    : ImageStatus::kCopied;
  return r;
}

void Record(ImageRecords* records, const std::string& task_id, const ImageResult& r) {
  if (records == nullptr) return;
  ImageRecord rec;
  rec.task_id = task_id;
  rec.source = r.job.source;
  rec.destination = r.job.destination_repo.empty() ? "" : r.job.destination();
  rec.source_digest = r.source_digest;
  rec.dest_digest = r.dest_digest;
  rec.status = r.error.ok() ? r.status : ImageStatus::kFailed;
  rec.error = r.error.ok() ? "" : r.error.message();
  rec.attempts = r.attempts;
  rec.blobs_copied = r.stats.blobs_copied;
  rec.blobs_mounted = r.stats.blobs_mounted;
  rec.bytes_copied = r.stats.bytes_copied;
  rec.finished_at = std::chrono::system_clock::now();
  (void)records->Upsert(rec);  // a lost record costs one HEAD next run, never data
}

}  // namespace

ImageSyncSummary RunImageSync(registry::RegistryClient& source, registry::RegistryClient& destination,
                              const std::vector<ImageJob>& jobs, const ImageSyncOptions& options,
                              const std::function<void(const ImageResult&)>& on_image) {
  const std::string registry = destination.endpoint().host;
  ImageRecords* records = options.copy.dry_run ? nullptr : options.records;
  BlobLocations locations([&](const std::string& digest, const std::string& repo) {
    if (records != nullptr) (void)records->AddBlobLocation(registry, digest, repo);
  });
  if (records != nullptr) {
    auto known = records->BlobLocations(registry);
    if (known.ok()) {
      for (const auto& [digest, repo] : *known) locations.Add(digest, repo);
    }
  }

  ImageSyncSummary summary;
  summary.results.resize(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<char> started(jobs.size(), 0);
  auto work = [&] {
    for (;;) {
      if (options.cancel != nullptr && options.cancel->load()) return;
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      started[i] = 1;
      ImageResult r = RunOne(source, destination, jobs[i], locations, options);
      Record(options.copy.dry_run ? nullptr : options.records, options.task_id, r);
      std::lock_guard<std::mutex> lock(mu);
      if (on_image) on_image(r);
      summary.results[i] = std::move(r);
    }
  };
  size_t threads = std::min<size_t>(jobs.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  for (size_t i = 0; i < summary.results.size(); ++i) {
    ImageResult& r = summary.results[i];
    if (!started[i]) {
      r.job = jobs[i];
      r.error = Status(Code::kCancelled, "not started: the run was stopped");
      ++summary.not_started;
      continue;
    }
    if (!r.error.ok()) {
      ++summary.failed;
      continue;
    }
    switch (r.status) {
      case ImageStatus::kCopied: ++summary.copied; break;
      case ImageStatus::kUpToDate: ++summary.up_to_date; break;
      case ImageStatus::kWouldCopy: ++summary.would_copy; break;
      case ImageStatus::kFailed: ++summary.failed; break;
    }
    summary.bytes_copied += r.stats.bytes_copied;
    summary.blobs_copied += r.stats.blobs_copied;
    summary.blobs_mounted += r.stats.blobs_mounted;
    summary.blobs_skipped += r.stats.blobs_skipped;
  }
  return summary;
}

}  // namespace dth::imagesync
