// imagesync/image_copy: copies one image (a manifest, or an index with its platform
// manifests) between registries: blobs and config first, then the platform manifests
// (by digest), then the top manifest under the destination tag, each pushed as the
// exact source bytes so every digest is preserved. All platforms by default; with a
// platform filter an index is rewritten to the matching entries (a new digest,
// reported as such: platform_filtered). An image whose destination already has the
// expected digest is skipped after one HEAD. Never throws: an exception on a blob
// thread becomes the image's error.
// Thread-safety: CopyImage may run on many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "imagesync/blob_copy.h"
#include "imagesync/blob_locations.h"
#include "registry/manifest.h"
#include "registry/registry_client.h"

namespace dth::imagesync {

struct ImageJob {
  std::string source;       // as listed: "team/app:v1" (for reports and records)
  std::string source_repo, source_ref;            // ref: tag or digest
  std::string destination_repo, destination_ref;  // ref: tag, or digest when untagged
  Status error;             // a planning failure (bad reference, missing repository)
  std::string destination() const;  // "mirror/team/app:v1"
};

struct CopyStats {
  int blobs_copied = 0, blobs_mounted = 0, blobs_skipped = 0, manifests_pushed = 0;
  uint64_t bytes_copied = 0;
};

struct ImageCopyOptions {
  std::vector<registry::Platform> platforms;  // empty: every platform
  int blob_concurrency = 4;                   // blobs of one manifest in parallel
  BlobCopyOptions blob;
  bool dry_run = false;                       // resolve and compare only
  // Creates the destination repository where the registry needs it (ECR); may be null.
  std::function<Status(const std::string& repository)> ensure_repository;
  // Called after each blob is in place (progress, tests); from worker threads, at once.
  std::function<void(const registry::Descriptor& blob, BlobOutcome)> on_blob;
};

struct ImageCopyResult {
  std::string source_digest;  // of the source's top manifest
  std::string dest_digest;    // what the destination tag now points at
  bool up_to_date = false;    // the destination had it already: nothing done
  // The platform filter narrowed a multi-arch index: dest_digest is a new index's,
  // not source_digest.
  bool platform_filtered = false;
  CopyStats stats;
};

Result<ImageCopyResult> CopyImage(registry::RegistryClient& source, registry::RegistryClient& destination,
                                  const ImageJob& job, BlobLocations& locations,
                                  const ImageCopyOptions& options);

}  // namespace dth::imagesync
