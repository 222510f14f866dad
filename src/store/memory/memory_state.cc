#include "store/memory/memory_state.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "core/bytes.h"

namespace dth::memory_internal {

Status State::TakeFault(const std::string& op, const std::string& key) {
  auto it = key_faults.find({op, key});
  if (it != key_faults.end()) {
    ++calls[op];
    return it->second;
  }
  return TakeFault(op);
}

Status State::TakeFault(const std::string& op) {
  ++calls[op];
  auto it = faults.find(op);
  if (it == faults.end() || it->second.empty()) return Status::Ok();
  Status status = std::move(it->second.front());
  it->second.pop_front();
  if (it->second.empty()) faults.erase(it);
  return status;
}

TimePoint State::Now() const {
  if (clock) return clock();
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Status ValidateKey(const std::string& key, bool arbitrary_keys) {
  if (key.empty()) return InvalidArgument("object key is empty");
  if (key.size() > 1024) {
    return InvalidArgument("object key is " + std::to_string(key.size()) +
                           " bytes; the limit is 1024 (KeyTooLongError)");
  }
  if (!arbitrary_keys && !IsCleanRelativePath(key)) {
    return InvalidArgument("object key \"" + key +
                           "\" is not a clean relative path (empty, '.' or '..' segment), "
                           "which this store cannot hold");
  }
  return Status::Ok();
}

Status ValidateTags(const Tags& tags) {
  if (tags.size() > 10) {
    return InvalidArgument("an object can have at most 10 tags; got " +
                           std::to_string(tags.size()));
  }
  std::set<std::string> seen;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) {
      return InvalidArgument("tag key \"" + k + "\" must be 1 to 128 bytes");
    }
    if (v.size() > 256) return InvalidArgument("tag \"" + k + "\" value exceeds 256 bytes");
    if (!seen.insert(k).second) return InvalidArgument("duplicate tag key \"" + k + "\"");
  }
  return Status::Ok();
}

Status ValidatePutOptions(const PutOptions& options, const StoreFeatures& features) {
  if (!options.tags.empty() && !features.tagging) {
    return NotSupported("this store does not support object tags");
  }
  if (!options.metadata.user.empty() && !features.user_metadata) {
    return NotSupported("this store does not support user metadata");
  }
  for (const auto& entry : options.metadata.user) {
    if (entry.first.empty()) return InvalidArgument("user metadata key is empty");
  }
  return ValidateTags(options.tags);
}

Status ResolveRange(const std::optional<ByteRange>& range, uint64_t size, uint64_t* begin,
                    uint64_t* length) {
  if (!range) {
    *begin = 0;
    *length = size;
    return Status::Ok();
  }
  // As S3: a range starting at or past the end is unsatisfiable (416), except that a
  // range from 0 of an empty object yields the empty body.
  bool unsatisfiable = range->offset > size || (range->offset == size && size > 0);
  if (unsatisfiable) {
    return Status(Code::kPermanent, "InvalidRange: offset " + std::to_string(range->offset) +
                                        " is beyond the object size " + std::to_string(size))
        .WithHttp(416, "InvalidRange");
  }
  *begin = range->offset;
  *length = std::min(range->length.value_or(size), size - range->offset);
  return Status::Ok();
}

std::string_view UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

bool EtagMatches(std::string_view if_match, const std::string& etag) {
  return if_match == "*" || UnquoteEtag(if_match) == etag;
}

int PartsCountOf(const std::string& etag) {
  size_t dash = etag.rfind('-');
  if (dash == std::string::npos) return 0;
  int n = 0;
  const char* first = etag.data() + dash + 1;
  const char* last = etag.data() + etag.size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  return (ec == std::errc() && ptr == last) ? n : 0;
}

Result<std::string> ReadBody(ByteSource& body) {
  DTH_ASSIGN_OR_RETURN(std::string data, ReadAll(body));
  if (data.size() != body.size()) {
    return Corruption("body yielded " + std::to_string(data.size()) + " bytes but declared " +
                      std::to_string(body.size()));
  }
  return data;
}

Object MakeObject(const std::string& key, std::string data, std::string etag,
                  const PutOptions& options, TimePoint now) {
  Object obj;
  obj.head.info.key = key;
  obj.head.info.size = data.size();
  obj.head.info.etag = std::move(etag);
  obj.head.info.last_modified = now;
  obj.head.info.storage_class = options.storage_class;
  obj.head.metadata = options.metadata;
  // As S3: user metadata keys come back lower-case.
  obj.head.metadata.user.clear();
  for (const auto& [k, v] : options.metadata.user) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    obj.head.metadata.user[lower] = v;
  }
  obj.head.sse = options.sse;
  obj.head.sse_kms_key_id = options.sse_kms_key_id;
  obj.head.tag_count = static_cast<int>(options.tags.size());
  obj.head.parts_count = PartsCountOf(obj.head.info.etag);
  obj.tags = options.tags;
  obj.data = std::make_shared<const std::string>(std::move(data));
  return obj;
}

}  // namespace dth::memory_internal
