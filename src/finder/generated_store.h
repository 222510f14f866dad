// finder/generated_store: test support — GeneratedStore, a fake ObjectStore whose
// listing is generated on the fly (nothing stored): kKeys keys "dir%03d/file%07d"
// (1000 per directory), sizes and ETags derived from the index. The destination flavour
// differs on a known subset: index % 1000 == kMissing is absent, == kSizeChanged has
// size + 1, == kExtraAfter is followed by a destination-only key "<key>x". Listing
// supports prefix "" or "dirNNN/", and delimiter "/" (common prefixes "dirNNN/").
// Every other operation returns kNotSupported. Header-only: included by tests only.
// Thread-safety: thread-safe (immutable; each lister is independent).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "store/object_store.h"

namespace dth::finder_test {

class GeneratedStore : public ObjectStore {
 public:
  static constexpr uint64_t kMissing = 7;
  static constexpr uint64_t kSizeChanged = 13;
  static constexpr uint64_t kRecordStale = 21;    // for the test's recorded-ETag lookup
  static constexpr uint64_t kRecordCurrent = 22;  // ditto: record equals the source ETag
  static constexpr uint64_t kExtraAfter = 500;
  static constexpr uint64_t kExtraSize = 5;

  GeneratedStore(uint64_t keys, bool destination) : keys_(keys), destination_(destination) {}

  static std::string KeyOf(uint64_t i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "dir%03llu/file%07llu", static_cast<unsigned long long>(i / 1000),
                  static_cast<unsigned long long>(i));
    return buf;
  }
  static uint64_t IndexOf(const std::string& key) {
    return std::strtoull(key.c_str() + 11, nullptr, 10);  // after "dirNNN/file"
  }
  static uint64_t SizeOf(uint64_t i) { return (i * 7919) % 100000 + 1; }
  static std::string EtagOf(uint64_t i) { return "e" + std::to_string(i); }

  std::string Describe() const override { return destination_ ? "gen://dst" : "gen://src"; }
  const StoreFeatures& Features() const override { return features_; }

  std::unique_ptr<ObjectLister> List(const ListOptions& options) override {
    return std::make_unique<Lister>(*this, options);
  }

  Result<ObjectHead> Head(const std::string&) override { return No(); }
  Status Get(const std::string&, const GetOptions&, ByteSink&, ObjectHead*) override {
    return No();
  }
  Result<std::string> Put(const std::string&, ByteSource&, const PutOptions&) override {
    return No();
  }
  Status Delete(const std::string&) override { return No(); }
  Result<std::string> CreateMultipartUpload(const std::string&, const PutOptions&) override {
    return No();
  }
  Result<std::string> UploadPart(const std::string&, const std::string&, int,
                                 ByteSource&) override {
    return No();
  }
  Result<std::vector<PartInfo>> ListParts(const std::string&, const std::string&) override {
    return No();
  }
  Result<std::string> CompleteMultipartUpload(const std::string&, const std::string&,
                                              const std::vector<PartInfo>&) override {
    return No();
  }
  Status AbortMultipartUpload(const std::string&, const std::string&) override { return No(); }
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(const std::string&) override {
    return No();
  }
  Result<Tags> GetTagging(const std::string&) override { return No(); }
  Status PutTagging(const std::string&, const Tags&) override { return No(); }

 private:
  static Status No() { return NotSupported("generated store: listing only"); }

  class Lister : public ObjectLister {
   public:
    Lister(const GeneratedStore& store, const ListOptions& options)
        : store_(store), page_size_(options.page_size), end_(store.keys_) {
      if (options.prefix.empty()) {
        prefixes_only_ = options.delimiter == "/";
      } else if (options.prefix.size() == 7 && options.prefix.starts_with("dir") &&
                 options.prefix.back() == '/') {
        uint64_t dir = std::strtoull(options.prefix.c_str() + 3, nullptr, 10);
        next_ = std::min(dir * 1000, store.keys_);
        end_ = std::min(next_ + 1000, store.keys_);
      } else {
        error_ = NotSupported("generated store: prefix \"" + options.prefix + "\"");
      }
    }

    Result<bool> Next(ListPage* page) override {
      if (!error_.ok()) return error_;
      page->objects.clear();
      page->common_prefixes.clear();
      if (prefixes_only_) {
        for (; next_ < end_ && page->common_prefixes.size() < size_t(page_size_); next_ += 1000) {
          page->common_prefixes.push_back(KeyOf(next_).substr(0, 7));
        }
        return !page->common_prefixes.empty();
      }
      while (next_ < end_ && page->objects.size() < size_t(page_size_)) {
        uint64_t i = next_;
        uint64_t r = i % 1000;
        if (pending_extra_) {
          pending_extra_ = false;
          ++next_;
          ObjectInfo extra;
          extra.key = KeyOf(i) + "x";
          extra.size = kExtraSize;
          extra.etag = "x";
          page->objects.push_back(std::move(extra));
          continue;
        }
        bool dst = store_.destination_;
        if (dst && r == kExtraAfter) {
          pending_extra_ = true;  // the extra key follows this one
        } else {
          ++next_;
        }
        if (dst && r == kMissing) continue;
        ObjectInfo info;
        info.key = KeyOf(i);
        info.size = SizeOf(i) + (dst && r == kSizeChanged ? 1 : 0);
        info.etag = EtagOf(i);
        page->objects.push_back(std::move(info));
      }
      return !page->objects.empty();
    }

   private:
    const GeneratedStore& store_;
    int page_size_;
    uint64_t next_ = 0;
    uint64_t end_;
    bool prefixes_only_ = false;
    bool pending_extra_ = false;
    Status error_;
  };

  uint64_t keys_;
  bool destination_;
  StoreFeatures features_;
};

}  // namespace dth::finder_test
