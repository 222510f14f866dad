#include "imagesync/blob_locations.h"

namespace dth::imagesync {

void BlobLocations::Add(const std::string& digest, const std::string& repository) {
  bool inserted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    inserted = repos_[digest].insert(repository).second;
  }
  if (inserted && on_new_) on_new_(digest, repository);
}

std::optional<std::string> BlobLocations::FindOther(const std::string& digest,
                                                    const std::string& repository) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repos_.find(digest);
  if (it == repos_.end()) return std::nullopt;
  for (const auto& r : it->second) {
    if (r != repository) return r;
  }
  return std::nullopt;
}

}  // namespace dth::imagesync
