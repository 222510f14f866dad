// imagesync/blob_locations: which repositories of the destination registry are known
// to hold a blob, so a blob needed in another repository is mounted (a metadata
// operation on the registry) instead of uploaded again. Filled by every blob the run
// finds or puts there, and seeded from the state store's records of earlier runs.
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

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
  // A repository other than `repository` known to hold the blob.
  std::optional<std::string> FindOther(const std::string& digest, const std::string& repository) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> repos_;  // digest -> repositories
  Listener on_new_;
};

}  // namespace dth::imagesync
