// imagesync/blob_locations: which repositories of the destination registry are known
// to hold a blob, so a blob needed in another repository is mounted (a metadata
// operation on the registry) instead of uploaded again. Filled by every blob the run
// finds or puts there, and seeded from the state store's records of earlier runs.
// Also the uploads in flight: at most one upload of a digest at a time, so images
// copied at once that share a layer upload it once and the others mount it.
// Thread-safety: safe for concurrent use (one mutex, one condition variable).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace dth::imagesync {

class BlobLocations {
 public:
  // Called (outside the lock) for each new (digest, repository), e.g. to persist it.
  using Listener = std::function<void(const std::string& digest, const std::string& repository)>;
  explicit BlobLocations(Listener on_new = nullptr) : on_new_(std::move(on_new)) {}

  void Add(const std::string& digest, const std::string& repository);
  // A repository other than `repository` (and not in `exclude`) known to hold the blob.
  std::optional<std::string> FindOther(const std::string& digest, const std::string& repository,
                                       const std::set<std::string>* exclude = nullptr) const;

  // Claims the upload of `digest`: true when the caller now owns it (and must call
  // EndUpload); false after waiting for another owner's upload of it to end (the
  // caller then looks again: it may be there, or mountable, or still to upload).
  bool ClaimUpload(const std::string& digest);
  void EndUpload(const std::string& digest);

 private:
  mutable std::mutex mu_;
  std::condition_variable upload_done_;
  std::map<std::string, std::set<std::string>> repos_;  // digest -> repositories
  std::set<std::string> uploading_;                     // digests being uploaded
  Listener on_new_;
};

// Owns a claimed upload until destroyed (every path out of a copy ends it).
class UploadClaim {
 public:
  UploadClaim(BlobLocations& locations, std::string digest) : locations_(locations), digest_(std::move(digest)) {}
  ~UploadClaim() { locations_.EndUpload(digest_); }
  UploadClaim(const UploadClaim&) = delete;
  UploadClaim& operator=(const UploadClaim&) = delete;

 private:
  BlobLocations& locations_;
  std::string digest_;
};

}  // namespace dth::imagesync
