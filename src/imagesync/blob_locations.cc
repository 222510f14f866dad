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

std::optional<std::string> BlobLocations::FindOther(const std::string& digest, const std::string& repository,
                                                    const std::set<std::string>* exclude) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repos_.find(digest);
  if (it == repos_.end()) return std::nullopt;
  for (const auto& r : it->second) {
    if (r != repository && (exclude == nullptr || exclude->count(r) == 0)) return r;
  }
  return std::nullopt;
}

bool BlobLocations::ClaimUpload(const std::string& digest) {
  std::unique_lock<std::mutex> lock(mu_);
  if (uploading_.insert(digest).second) return true;
  upload_done_.wait(lock, [&] { return uploading_.count(digest) == 0; });
  return false;
}

void BlobLocations::EndUpload(const std::string& digest) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    uploading_.erase(digest);
  }
  upload_done_.notify_all();
}

}  // namespace dth::imagesync
