// store/memory: MemoryStore, an in-memory ObjectStore with S3 semantics — for tests
// of higher layers and as the reference backend of the store conformance suite.
// Owns: objects (byte-ordered map), multipart uploads, tags, and a fault hook
// (FailNext) that makes the next calls of an operation fail with a given Status.
// Honours its StoreFeatures: an operation a feature turns off returns kNotSupported.
// Thread-safety: thread-safe; every call takes one internal mutex. Listers keep the
// store's state alive, so a lister may outlive its store.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace dth {

namespace memory_internal {
struct State;
}  // namespace memory_internal

class MemoryStore : public ObjectStore {
 public:
  // Features of an S3-like store, plus server-side copy within the store.
  static StoreFeatures DefaultFeatures();

  explicit MemoryStore(std::string name, StoreFeatures features = DefaultFeatures());
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // Operation names FailNext accepts (the ObjectStore method names).
  static const std::vector<std::string>& OperationNames();

  // The next `times` calls of `op` (e.g. "Put", "Get", "UploadPart", "List" — one call
  // per ObjectLister::Next) fail with `status` before touching any state. Calls queue:
  // FailNext("Get", a); FailNext("Get", b) fails the next Get with a, the one after with b.
  // DeleteMany reports queued "Delete" faults per key in its result.
  // An op not in OperationNames() is a programming error and aborts.
  void FailNext(std::string op, Status status, int times = 1);
  // Every call of `op` on `key` fails with `status` until ClearKeyFaults (Head, Get,
  // Put and UploadPart look at key faults).
  void FailKey(std::string op, std::string key, Status status);
  void ClearKeyFaults();
  // Calls of op so far (the failed ones included).
  int Calls(const std::string& op) const;
  // Number of faults still queued for op.
  int PendingFaults(const std::string& op) const;
  // Replaces the clock used for last_modified and upload initiation times
  // (default: system_clock::now() truncated to whole seconds, as S3 reports).
  void SetClock(std::function<TimePoint()> clock);

  std::string Describe() const override;
  const StoreFeatures& Features() const override;

  std::unique_ptr<ObjectLister> List(const ListOptions& options) override;
  Result<ObjectHead> Head(const std::string& key) override;
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head = nullptr) override;
  Result<std::string> Put(const std::string& key, ByteSource& body,
                          const PutOptions& options) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<std::pair<std::string, Status>>> DeleteMany(
      const std::vector<std::string>& keys) override;
  Result<std::string> Copy(const CopySource& source, const std::string& key,
                           const PutOptions& options, bool replace_metadata) override;

  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, ByteSource& body) override;
  Result<std::string> UploadPartCopy(const std::string& key, const std::string& upload_id,
                                     int part_number, const CopySource& source) override;
  Result<std::vector<PartInfo>> ListParts(const std::string& key,
                                          const std::string& upload_id) override;
  Result<std::string> CompleteMultipartUpload(const std::string& key,
                                              const std::string& upload_id,
                                              const std::vector<PartInfo>& parts) override;
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id) override;
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(
      const std::string& prefix) override;

  Result<Tags> GetTagging(const std::string& key) override;
  Status PutTagging(const std::string& key, const Tags& tags) override;

 private:
  std::string name_;
  StoreFeatures features_;
  std::shared_ptr<memory_internal::State> state_;
};

}  // namespace dth
