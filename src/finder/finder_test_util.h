// finder/finder_test_util: test helpers for the finder tests — a lister over fixed pages
// and a shorthand for ObjectInfo. Test-only (included by *_test.cc files).
// Thread-safety: not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/object_store.h"

namespace dth::finder_test {

inline ObjectInfo Obj(std::string key, uint64_t size = 1, std::string etag = "") {
  ObjectInfo info;
  info.key = std::move(key);
  info.size = size;
  info.etag = std::move(etag);
  return info;
}

// Serves the given pages in order, then an empty final page; can fail at a page.
class PagesLister : public ObjectLister {
 public:
  explicit PagesLister(std::vector<std::vector<ObjectInfo>> pages, int fail_at = -1)
      : pages_(std::move(pages)), fail_at_(fail_at) {}
  Result<bool> Next(ListPage* page) override {
    ++calls_;
    page->objects.clear();
    if (static_cast<int>(next_) == fail_at_) return Status(Code::kTransient, "boom");
    if (next_ >= pages_.size()) return false;
    page->objects = pages_[next_++];
    return true;
  }
  int calls() const { return calls_; }

 private:
  std::vector<std::vector<ObjectInfo>> pages_;
  size_t next_ = 0;
  int fail_at_;
  int calls_ = 0;
};

}  // namespace dth::finder_test
