// MemoryStore listing: objects (S3 ListObjectsV2 semantics) and multipart uploads.
#include <algorithm>
#include <tuple>
#include <utility>

#include "store/memory/memory_state.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

using memory_internal::State;

// The smallest string greater than every string starting with s; "" when none exists.
std::string PrefixSuccessor(std::string s) {
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff) s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Pages through the store's keys under a cursor, so concurrent changes never make it
// return a key (or common prefix) <= one it already returned.
class MemoryLister : public ObjectLister {
 public:
  MemoryLister(std::shared_ptr<State> state, ListOptions options)
      : state_(std::move(state)), options_(std::move(options)) {}

  Result<bool> Next(ListPage* page) override {
    page->objects.clear();
    page->common_prefixes.clear();
    if (done_) return false;
    std::lock_guard<std::mutex> lock(state_->mu);
    DTH_RETURN_IF_ERROR(state_->TakeFault("List"));
    const auto& objects = state_->objects;
    const std::string& prefix = options_.prefix;
    const std::string& delimiter = options_.delimiter;
    int limit = (options_.page_size <= 0 || options_.page_size > 1000) ? 1000 : options_.page_size;

    auto it = SeekStart(objects);
    int count = 0;
    while (it != objects.end() && count < limit && StartsWith(it->first, prefix)) {
      const std::string& key = it->first;
      size_t pos = delimiter.empty() ? std::string::npos : key.find(delimiter, prefix.size());
      if (pos == std::string::npos) {
        page->objects.push_back(it->second.head.info);
        cursor_ = key;
        cursor_is_prefix_ = false;
        ++it;
        ++count;
        continue;
      }
      std::string common = key.substr(0, pos + delimiter.size());
      std::string next = PrefixSuccessor(common);
      it = next.empty() ? objects.end() : objects.lower_bound(next);
      cursor_ = common;
      cursor_is_prefix_ = true;
      if (common <= options_.start_after) continue;  // never return <= start_after
      page->common_prefixes.push_back(std::move(common));
      ++count;
    }
    started_ = true;
    if (it == objects.end() || !StartsWith(it->first, prefix)) done_ = true;
    return count > 0;
  }

 private:
  std::map<std::string, memory_internal::Object>::const_iterator SeekStart(
      const std::map<std::string, memory_internal::Object>& objects) const {
    if (started_) {
      if (!cursor_is_prefix_) return objects.upper_bound(cursor_);
      std::string next = PrefixSuccessor(cursor_);
      return next.empty() ? objects.end() : objects.lower_bound(next);
    }
    auto it = objects.lower_bound(options_.prefix);
    if (!options_.start_after.empty()) {
      auto after = objects.upper_bound(options_.start_after);
      // Start at the later of the two positions.
      if (after == objects.end() || (it != objects.end() && after->first > it->first)) it = after;
    }
    return it;
  }

  std::shared_ptr<State> state_;
  ListOptions options_;
  std::string cursor_;
  bool cursor_is_prefix_ = false;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ObjectLister> MemoryStore::List(const ListOptions& options) {
  return std::make_unique<MemoryLister>(state_, options);
}

Result<std::vector<MultipartUploadInfo>> MemoryStore::ListMultipartUploads(
    const std::string& prefix) {
  if (!features_.list_multipart_uploads) {
    return NotSupported(Describe() + ": ListMultipartUploads is not supported");
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("ListMultipartUploads"));
  std::vector<MultipartUploadInfo> out;
  for (const auto& [id, upload] : state_->uploads) {
    if (StartsWith(upload.key, prefix)) out.push_back({upload.key, id, upload.initiated});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.key, a.initiated, a.upload_id) < std::tie(b.key, b.initiated, b.upload_id);
  });
  return out;
}

}  // namespace dth
