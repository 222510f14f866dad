#include "imagesync/image_copy.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace dth::imagesync {
namespace {

using registry::Descriptor;
using registry::Manifest;

class Copier {
 public:
  Copier(registry::RegistryClient& src, registry::RegistryClient& dst, const ImageJob& job,
         BlobLocations& locations, const ImageCopyOptions& options, CopyStats& stats)
      : route_{&src, job.source_repo, &dst, job.destination_repo}, job_(job), locations_(locations),
        options_(options), stats_(stats) {}

  // Blobs (and, for an index, child manifests) of m, then m itself under `reference`.
  Status CopyTree(const Manifest& m, const std::string& reference, int depth) {
    if (depth > 2) return Corruption("image " + job_.source + ": indexes nested too deep");
    if (m.is_index) {
      for (const Descriptor& child : m.children) {
        DTH_ASSIGN_OR_RETURN(Manifest cm, route_.source->GetManifest(job_.source_repo, child.digest));
        DTH_RETURN_IF_ERROR(CopyTree(cm, child.digest, depth + 1));
      }
    } else {
      DTH_RETURN_IF_ERROR(CopyBlobs(m));
    }
    DTH_ASSIGN_OR_RETURN(std::string digest,
                         route_.destination->PutManifest(job_.destination_repo, reference, m.media_type, m.bytes));
    if (digest != m.digest) return Corruption("image " + job_.source + ": destination digest " + digest);
    ++stats_.manifests_pushed;
    return Status::Ok();
  }

 private:
  Status CopyBlobs(const Manifest& m) {
    std::vector<Descriptor> blobs;
    std::set<std::string> seen;
    auto add = [&](const Descriptor& d) {
      if (!d.foreign && seen.insert(d.digest).second) blobs.push_back(d);
    };
    add(m.config);
    for (const Descriptor& d : m.layers) add(d);

    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first_error;
    auto work = [&] {
      for (;;) {
        size_t i = next.fetch_add(1);
        if (i >= blobs.size()) return;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!first_error.ok()) return;
        }
        Result<BlobOutcome> outcome = Status(Code::kPermanent, "not run");
        try {
          outcome = CopyBlob(route_, blobs[i], locations_, options_.blob);
        } catch (const std::exception& e) {  // never across the thread's edge
          outcome = Status(Code::kPermanent, "blob " + blobs[i].digest + ": unexpected error: " + e.what());
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!outcome.ok()) {
          if (first_error.ok()) first_error = outcome.status();
          return;
        }
        switch (*outcome) {
          case BlobOutcome::kSkipped: ++stats_.blobs_skipped; break;
          case BlobOutcome::kMounted: ++stats_.blobs_mounted; break;
          case BlobOutcome::kCopied:
            ++stats_.blobs_copied;
            stats_.bytes_copied += blobs[i].size;
            break;
        }
        if (options_.on_blob) options_.on_blob(blobs[i], *outcome);
      }
    };
    size_t threads = std::min<size_t>(blobs.size(), static_cast<size_t>(std::max(1, options_.blob_concurrency)));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return first_error;
  }

  BlobRoute route_;
  const ImageJob& job_;
  BlobLocations& locations_;
  const ImageCopyOptions& options_;
  CopyStats& stats_;
};

}  // namespace

std::string ImageJob::destination() const {
  bool digest = destination_ref.rfind("sha256:", 0) == 0;
  return destination_repo + (digest ? "@" : ":") + destination_ref;
}

Result<ImageCopyResult> CopyImage(registry::RegistryClient& source, registry::RegistryClient& destination,
                                  const ImageJob& job, BlobLocations& locations,
                                  const ImageCopyOptions& options) {
  if (!job.error.ok()) return job.error;
  ImageCopyResult result;
  DTH_ASSIGN_OR_RETURN(Manifest top, source.GetManifest(job.source_repo, job.source_ref));
  result.source_digest = top.digest;
  if (top.is_index && !options.platforms.empty()) {
    bool all = true;
    for (const Descriptor& c : top.children) all = all && registry::PlatformMatches(c.platform, options.platforms);
    if (!all) {
      auto filtered = registry::FilterIndex(top, options.platforms);
      if (!filtered.ok()) {
        Status st = filtered.status();
        return st.Prefix("image " + job.source);
      }
      top = std::move(*filtered);
      result.platform_filtered = true;
    }
  }
  result.dest_digest = top.digest;
  DTH_ASSIGN_OR_RETURN(auto current, destination.HeadManifest(job.destination_repo, job.destination_ref));
  if (current.has_value() && *current == top.digest) {
    result.up_to_date = true;
    return result;
  }
  if (options.dry_run) return result;
  if (options.ensure_repository) DTH_RETURN_IF_ERROR(options.ensure_repository(job.destination_repo));
  Copier copier(source, destination, job, locations, options, result.stats);
  DTH_RETURN_IF_ERROR(copier.CopyTree(top, job.destination_ref, 0));
  return result;
}

}  // namespace dth::imagesync
