// store/memory/memory_state: the internals of MemoryStore — objects, uploads, queued
// faults — and the S3 validation rules (keys, tags, ranges, ETags) its operations share.
// Not part of the public API; include store/memory/memory_store.h instead.
// Thread-safety: State is guarded by State::mu; callers hold it for every access.
// The free functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace dth::memory_internal {

struct Object {
  std::shared_ptr<const std::string> data;  // shared so Get can stream without the lock
  ObjectHead head;                          // info.key/size/etag/last_modified, metadata...
  Tags tags;
};

struct Part {
  std::string data;
  std::string etag;  // hex MD5
};

struct Upload {
  std::string key;
  std::string upload_id;
  PutOptions options;
  TimePoint initiated{};
  std::map<int, Part> parts;
};

struct State {
  mutable std::mutex mu;
  std::map<std::string, Object> objects;
  std::map<std::string, Upload> uploads;  // by upload id
  uint64_t next_upload = 1;
  std::map<std::string, std::deque<Status>> faults;  // by operation name
  std::map<std::pair<std::string, std::string>, Status> key_faults;  // by (op, key)
  std::map<std::string, int> calls;                  // by operation name
  std::function<TimePoint()> clock;

  // Pops the next queued fault for op; OK when none. Caller holds mu.
  Status TakeFault(const std::string& op);
  // Counts the call; a fault set for (op, key) wins, then the queued ones. Caller holds mu.
  Status TakeFault(const std::string& op, const std::string& key);
  TimePoint Now() const;
};

// Key rules: non-empty, at most 1024 bytes, and — when !arbitrary_keys — a clean
// relative path (IsCleanRelativePath). Violations are kInvalidArgument.
Status ValidateKey(const std::string& key, bool arbitrary_keys);
// At most 10 tags, keys 1..128 bytes, values up to 256 bytes, no duplicate keys.
Status ValidateTags(const Tags& tags);
// Checks options against features (tags, user metadata) and the tag rules.
Status ValidatePutOptions(const PutOptions& options, const StoreFeatures& features);

// Resolves a range against an object of `size` bytes into [*begin, *begin + *length).
// An offset past the end is a kPermanent "InvalidRange"; the length is clamped.
Status ResolveRange(const std::optional<ByteRange>& range, uint64_t size, uint64_t* begin,
                    uint64_t* length);

// Strips one pair of surrounding double quotes from an ETag.
std::string_view UnquoteEtag(std::string_view etag);
// Whether an If-Match value matches etag ("*" matches anything).
bool EtagMatches(std::string_view if_match, const std::string& etag);
// Parts count of a multipart ETag ("...-N"), 0 for a plain one.
int PartsCountOf(const std::string& etag);

// Reads exactly body.size() bytes; a shorter body is kCorruption.
Result<std::string> ReadBody(ByteSource& body);

// A new object with the given data and options, stamped with now.
Object MakeObject(const std::string& key, std::string data, std::string etag,
                  const PutOptions& options, TimePoint now);

}  // namespace dth::memory_internal
