#include "store/memory/memory_store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/hash.h"
#include "store/memory/memory_state.h"

namespace dth {

using memory_internal::Object;
using memory_internal::State;

StoreFeatures MemoryStore::DefaultFeatures() {
  StoreFeatures f;
  f.server_side_copy = true;
  f.streaming_put = true;  // Put reads the body once
  // It checks CopySource::if_match and keeps tags as S3 does.
  f.copy_source_if_match = true;
  f.tags_on_create_multipart = true;
  f.copy_keeps_tags = true;
  f.copy_replace_keeps_tags = true;
  return f;
}

MemoryStore::MemoryStore(std::string name, StoreFeatures features)
    : name_(std::move(name)), features_(features), state_(std::make_shared<State>()) {}

MemoryStore::~MemoryStore() = default;

const std::vector<std::string>& MemoryStore::OperationNames() {
  static const std::vector<std::string> kNames = {
      "List",        "Head",      "Get",       "Put",
      "Delete",      "DeleteMany", "Copy",     "CreateMultipartUpload",
      "UploadPart",  "UploadPartCopy", "ListParts", "CompleteMultipartUpload",
      "AbortMultipartUpload", "ListMultipartUploads", "GetTagging", "PutTagging"};
  return kNames;
}

void MemoryStore::FailNext(std::string op, Status status, int times) {
  const auto& names = OperationNames();
  if (std::find(names.begin(), names.end(), op) == names.end()) {
    std::fprintf(stderr, "MemoryStore::FailNext: unknown operation \"%s\"\n", op.c_str());
    std::abort();
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  auto& queue = state_->faults[op];
  for (int i = 0; i < times; ++i) queue.push_back(status);
}

void MemoryStore::FailKey(std::string op, std::string key, Status status) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->key_faults[{std::move(op), std::move(key)}] = std::move(status);
}

void MemoryStore::ClearKeyFaults() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->key_faults.clear();
}

int MemoryStore::Calls(const std::string& op) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->calls.find(op);
  return it == state_->calls.end() ? 0 : it->second;
}

int MemoryStore::PendingFaults(const std::string& op) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->faults.find(op);
  return it == state_->faults.end() ? 0 : static_cast<int>(it->second.size());
}

void MemoryStore::SetClock(std::function<TimePoint()> clock) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->clock = std::move(clock);
}

std::string MemoryStore::Describe() const { return "mem://" + name_; }

const StoreFeatures& MemoryStore::Features() const { return features_; }

Result<ObjectHead> MemoryStore::Head(const std::string& key) {
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("Head", key));
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFound(Describe() + ": no such key \"" + key + "\"");
  return it->second.head;
}

Status MemoryStore::Get(const std::string& key, const GetOptions& options, ByteSink& sink,
                        ObjectHead* head) {
  std::shared_ptr<const std::string> data;
  uint64_t begin = 0;
  uint64_t length = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    DTH_RETURN_IF_ERROR(state_->TakeFault("Get", key));
    auto it = state_->objects.find(key);
    if (it == state_->objects.end()) {
      return NotFound(Describe() + ": no such key \"" + key + "\"");
    }
    const Object& obj = it->second;
    if (!options.if_match.empty() && !memory_internal::EtagMatches(options.if_match,
                                                                   obj.head.info.etag)) {
      return Status(Code::kPreconditionFailed, Describe() + ": \"" + key + "\" has ETag " +
                                                   obj.head.info.etag + ", not " +
                                                   options.if_match)
          .WithHttp(412, "PreconditionFailed");
    }
    DTH_RETURN_IF_ERROR(
        memory_internal::ResolveRange(options.range, obj.data->size(), &begin, &length));
    data = obj.data;
    if (head != nullptr) *head = obj.head;
  }
  // Stream outside the lock, in chunks, like a network body.
  constexpr uint64_t kChunk = 1 << 20;
  std::string_view all(*data);
  for (uint64_t done = 0; done < length;) {
    uint64_t n = std::min(kChunk, length - done);
    DTH_RETURN_IF_ERROR(sink.Write(all.substr(begin + done, n)));
    done += n;
  }
  return Status::Ok();
}

Result<std::string> MemoryStore::Put(const std::string& key, ByteSource& body,
                                     const PutOptions& options) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    DTH_RETURN_IF_ERROR(state_->TakeFault("Put", key));
  }
  DTH_RETURN_IF_ERROR(memory_internal::ValidateKey(key, features_.arbitrary_keys));
  DTH_RETURN_IF_ERROR(memory_internal::ValidatePutOptions(options, features_));
  if (body.size() > features_.max_put_size) {
    return Status(Code::kPermanent, "EntityTooLarge: " + std::to_string(body.size()) +
                                        " bytes exceeds the single-PUT limit of " +
                                        std::to_string(features_.max_put_size))
        .WithHttp(400, "EntityTooLarge");
  }
  // Read and hash the body before taking the lock.
  DTH_ASSIGN_OR_RETURN(std::string data, memory_internal::ReadBody(body));
  std::string etag = HexEncode(Md5(data));
  if (!options.content_md5.empty() && !SameHexDigest(etag, options.content_md5)) {
    return Status(Code::kCorruption, "BadDigest: " + Describe() + "/" + key + ": the bytes have MD5 " +
                                         etag + ", not the Content-MD5 " + options.content_md5)
        .WithHttp(400, "BadDigest");
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->objects[key] = memory_internal::MakeObject(key, std::move(data), etag, options,
                                                     state_->Now());
  return etag;
}

Status MemoryStore::Delete(const std::string& key) {
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("Delete"));
  state_->objects.erase(key);  // a missing key is fine, as in S3
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, Status>>> MemoryStore::DeleteMany(
    const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("DeleteMany"));
  if (keys.size() > 1000) {
    return InvalidArgument("DeleteMany takes at most 1000 keys; got " +
                           std::to_string(keys.size()));
  }
  std::vector<std::pair<std::string, Status>> failed;
  for (const auto& key : keys) {
    // Per-key failures come from faults queued for "Delete".
    Status st = state_->TakeFault("Delete");
    if (!st.ok()) {
      failed.emplace_back(key, std::move(st));
      continue;
    }
    state_->objects.erase(key);
  }
  return failed;
}

Result<Tags> MemoryStore::GetTagging(const std::string& key) {
  if (!features_.tagging) return NotSupported(Describe() + ": object tags are not supported");
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("GetTagging"));
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFound(Describe() + ": no such key \"" + key + "\"");
  return it->second.tags;
}

Status MemoryStore::PutTagging(const std::string& key, const Tags& tags) {
  if (!features_.tagging) return NotSupported(Describe() + ": object tags are not supported");
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("PutTagging"));
  DTH_RETURN_IF_ERROR(memory_internal::ValidateTags(tags));
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFound(Describe() + ": no such key \"" + key + "\"");
  it->second.tags = tags;
  it->second.head.tag_count = static_cast<int>(tags.size());
  return Status::Ok();
}

}  // namespace dth
