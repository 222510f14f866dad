// MemoryStore multipart uploads and server-side copies (CopyObject, UploadPartCopy).
#include <utility>

#include "core/hash.h"
#include "store/memory/memory_state.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

using memory_internal::Object;
using memory_internal::State;
using memory_internal::Upload;

Status Permanent(const std::string& server_code, const std::string& message) {
  return Status(Code::kPermanent, server_code + ": " + message).WithHttp(400, server_code);
}

// The upload with this id for this key; kNotFound (NoSuchUpload) otherwise. Holds mu.
Result<Upload*> FindUpload(State& state, const std::string& key, const std::string& upload_id) {
  auto it = state.uploads.find(upload_id);
  if (it == state.uploads.end() || it->second.key != key) {
    return Status(Code::kNotFound, "NoSuchUpload: no multipart upload " + upload_id +
                                       " for key \"" + key + "\"")
        .WithHttp(404, "NoSuchUpload");
  }
  return &it->second;
}

// The object a copy reads from; checks the bucket and If-Match. Holds mu.
Result<const Object*> FindCopySource(State& state, const std::string& store_name,
                                     const CopySource& source) {
  if (!source.bucket.empty() && source.bucket != store_name) {
    return NotSupported("mem://" + store_name + ": cannot copy from bucket \"" + source.bucket +
                        "\"; server-side copy works only within the store");
  }
  auto it = state.objects.find(source.key);
  if (it == state.objects.end()) {
    return NotFound("mem://" + store_name + ": copy source \"" + source.key + "\" not found");
  }
  if (!source.if_match.empty() &&
      !memory_internal::EtagMatches(source.if_match, it->second.head.info.etag)) {
    return Status(Code::kPreconditionFailed, "copy source \"" + source.key + "\" has ETag " +
                                                 it->second.head.info.etag + ", not " +
                                                 source.if_match)
        .WithHttp(412, "PreconditionFailed");
  }
  return &it->second;
}

Status CheckPartNumber(int part_number, const StoreFeatures& features) {
  if (part_number < 1 || part_number > features.max_parts) {
    return InvalidArgument("part number " + std::to_string(part_number) + " is outside 1.." +
                           std::to_string(features.max_parts));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> MemoryStore::Copy(const CopySource& source, const std::string& key,
                                      const PutOptions& options, bool replace_metadata) {
  if (!features_.server_side_copy) return ObjectStore::Copy(source, key, options, replace_metadata);
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("Copy"));
  DTH_RETURN_IF_ERROR(memory_internal::ValidateKey(key, features_.arbitrary_keys));
  DTH_RETURN_IF_ERROR(memory_internal::ValidatePutOptions(options, features_));
  if (source.range) return InvalidArgument("Copy takes no source range (UploadPartCopy does)");
  DTH_ASSIGN_OR_RETURN(const Object* src, FindCopySource(*state_, name_, source));
  if (src->data->size() > features_.max_put_size) {
    return Permanent("InvalidRequest", "copy source \"" + source.key + "\" is larger than " +
                                           std::to_string(features_.max_put_size) +
                                           " bytes; use UploadPartCopy");
  }
  if (source.key == key && !replace_metadata && options.storage_class.empty() &&
      options.sse == src->head.sse) {
    return Permanent("InvalidRequest",
                     "copying \"" + key + "\" onto itself without changing its metadata, "
                     "storage class or encryption");
  }
  PutOptions effective = options;
  if (!replace_metadata) effective.metadata = src->head.metadata;
  if (effective.tags.empty()) effective.tags = src->tags;  // S3's default tagging directive COPY
  // A copy is a single-part object: its ETag is the MD5 of the bytes.
  std::string etag = memory_internal::PartsCountOf(src->head.info.etag) == 0
                         ? src->head.info.etag
                         : HexEncode(Md5(*src->data));
  auto data = src->data;
  Object obj = memory_internal::MakeObject(key, std::string(), etag, effective, state_->Now());
  obj.data = std::move(data);
  obj.head.info.size = obj.data->size();
  state_->objects[key] = std::move(obj);
  return etag;
}

Result<std::string> MemoryStore::CreateMultipartUpload(const std::string& key,
                                                       const PutOptions& options) {
  if (!features_.multipart) return NotSupported(Describe() + ": multipart upload is not supported");
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("CreateMultipartUpload"));
  DTH_RETURN_IF_ERROR(memory_internal::ValidateKey(key, features_.arbitrary_keys));
  DTH_RETURN_IF_ERROR(memory_internal::ValidatePutOptions(options, features_));
  std::string id = HexEncode(Md5(name_ + "/" + std::to_string(state_->next_upload++)));
  state_->uploads[id] = Upload{key, id, options, state_->Now(), {}};
  return id;
}

Result<std::string> MemoryStore::UploadPart(const std::string& key, const std::string& upload_id,
                                            int part_number, ByteSource& body) {
  if (!features_.multipart) return NotSupported(Describe() + ": multipart upload is not supported");
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    DTH_RETURN_IF_ERROR(state_->TakeFault("UploadPart", key));
  }
  DTH_RETURN_IF_ERROR(CheckPartNumber(part_number, features_));
  if (body.size() > features_.max_part_size) {
    return Permanent("EntityTooLarge", "part of " + std::to_string(body.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(features_.max_part_size));
  }
  DTH_ASSIGN_OR_RETURN(std::string data, memory_internal::ReadBody(body));
  std::string etag = HexEncode(Md5(data));
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_ASSIGN_OR_RETURN(Upload * upload, FindUpload(*state_, key, upload_id));
  upload->parts[part_number] = memory_internal::Part{std::move(data), etag};
  return etag;
}

Result<std::string> MemoryStore::UploadPartCopy(const std::string& key,
                                                const std::string& upload_id, int part_number,
                                                const CopySource& source) {
  if (!features_.server_side_copy || !features_.multipart) {
    return ObjectStore::UploadPartCopy(key, upload_id, part_number, source);
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("UploadPartCopy"));
  DTH_RETURN_IF_ERROR(CheckPartNumber(part_number, features_));
  DTH_ASSIGN_OR_RETURN(Upload * upload, FindUpload(*state_, key, upload_id));
  DTH_ASSIGN_OR_RETURN(const Object* src, FindCopySource(*state_, name_, source));
  uint64_t begin = 0;
  uint64_t length = 0;
  DTH_RETURN_IF_ERROR(memory_internal::ResolveRange(source.range, src->data->size(), &begin,
                                                    &length));
  if (length > features_.max_part_size) {
    return Permanent("EntityTooLarge", "copied part of " + std::to_string(length) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(features_.max_part_size));
  }
  std::string data = src->data->substr(begin, length);
  std::string etag = HexEncode(Md5(data));
  upload->parts[part_number] = memory_internal::Part{std::move(data), etag};
  return etag;
}

Result<std::vector<PartInfo>> MemoryStore::ListParts(const std::string& key,
                                                     const std::string& upload_id) {
  if (!features_.list_multipart_uploads) {
    return NotSupported(Describe() + ": ListParts is not supported");
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("ListParts"));
  DTH_ASSIGN_OR_RETURN(Upload * upload, FindUpload(*state_, key, upload_id));
  std::vector<PartInfo> out;
  for (const auto& [number, part] : upload->parts) {
    out.push_back({number, part.etag, part.data.size()});
  }
  return out;
}

Result<std::string> MemoryStore::CompleteMultipartUpload(const std::string& key,
                                                         const std::string& upload_id,
                                                         const std::vector<PartInfo>& parts) {
  if (!features_.multipart) return NotSupported(Describe() + ": multipart upload is not supported");
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("CompleteMultipartUpload"));
  DTH_ASSIGN_OR_RETURN(Upload * upload, FindUpload(*state_, key, upload_id));
  if (parts.empty()) return Permanent("MalformedXML", "Complete lists no parts");
  std::string data;
  std::string md5s;
  for (size_t i = 0; i < parts.size(); ++i) {
    const PartInfo& want = parts[i];
    if (i > 0 && want.part_number <= parts[i - 1].part_number) {
      return Permanent("InvalidPartOrder", "parts must be listed in ascending part-number order");
    }
    auto it = upload->parts.find(want.part_number);
    if (it == upload->parts.end() || memory_internal::UnquoteEtag(want.etag) != it->second.etag) {
      return Permanent("InvalidPart", "part " + std::to_string(want.part_number) +
                                          " was not uploaded or its ETag \"" + want.etag +
                                          "\" does not match");
    }
    const std::string& bytes = it->second.data;
    if (i + 1 < parts.size() && bytes.size() < features_.min_part_size) {
      return Permanent("EntityTooSmall", "part " + std::to_string(want.part_number) + " is " +
                                             std::to_string(bytes.size()) +
                                             " bytes; every part but the last needs at least " +
                                             std::to_string(features_.min_part_size));
    }
    std::string raw;
    HexDecode(it->second.etag, &raw);
    md5s += raw;
    data += bytes;
  }
  std::string etag = HexEncode(Md5(md5s)) + "-" + std::to_string(parts.size());
  state_->objects[key] = memory_internal::MakeObject(key, std::move(data), etag,
                                                     upload->options, state_->Now());
  state_->uploads.erase(upload_id);
  return etag;
}

Status MemoryStore::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  if (!features_.list_multipart_uploads) {
    return NotSupported(Describe() + ": AbortMultipartUpload is not supported");
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  DTH_RETURN_IF_ERROR(state_->TakeFault("AbortMultipartUpload"));
  DTH_RETURN_IF_ERROR(FindUpload(*state_, key, upload_id).status());
  state_->uploads.erase(upload_id);
  return Status::Ok();
}

}  // namespace dth
