// LocalStore server-side copies within the root (Copy, UploadPartCopy); see local_store.h.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/hash.h"
#include "store/local/key_path.h"
#include "store/local/local_store.h"

namespace dth {

Result<std::string> LocalStore::Copy(const CopySource& source, const std::string& key,
                                     const PutOptions& options, bool replace_metadata) {
  if (!source.bucket.empty()) {
    return NotSupported(root_ + ": copy from bucket " + source.bucket +
                        " is not possible in a local store");
  }
  PutOptions checked;
  checked.sse = options.sse;
  DTH_RETURN_IF_ERROR(CheckPutOptions(key, replace_metadata ? options : checked));
  DTH_ASSIGN_OR_RETURN(OpenObject src, OpenObjectFile(source.key));
  if (!source.if_match.empty() && source.if_match != "*") {
    DTH_ASSIGN_OR_RETURN(std::string etag, EtagForMatch(src));
    std::string want = local::UnquoteEtag(source.if_match);
    if (want != etag) {
      return Status(Code::kPreconditionFailed, "copy source " + local::EscapeKey(source.key) +
                                                   " has ETag " + etag + ", not " + want);
    }
  }
  local::MetaRecord base;
  base.storage_class = options.storage_class;
  if (replace_metadata) {
    base.metadata = options.metadata;
    base.tags = options.tags;
  } else if (src.meta) {
    base.metadata = src.meta->metadata;
    base.tags = src.meta->tags;
    if (base.storage_class.empty()) base.storage_class = src.meta->storage_class;
  }
  // A known single-part ETag is the content's MD5: copy without reading (copy_file_range).
  // Otherwise (unknown, or multipart "...-N") hash while copying, as S3's CopyObject does.
  std::string known = local::KnownEtag(src.meta, src.st);
  bool reuse = !known.empty() && known.find('-') == std::string::npos;
  uint64_t size = static_cast<uint64_t>(src.st.st_size);
  return WriteObject(key, base, [&](local::TempFile& temp) -> Result<std::string> {
    Hasher md5(Hasher::Algorithm::kMd5);
    DTH_RETURN_IF_ERROR(
        local::CopyRange(src.fd.get(), src.path, 0, size, temp, reuse ? nullptr : &md5));
    struct stat after {};
    if (::fstat(src.fd.get(), &after) != 0) {
      return local::ErrnoStatus(errno, "stat", src.path);
    }
    if (after.st_size != src.st.st_size || local::MtimeNs(after) != local::MtimeNs(src.st)) {
      return IoError("file changed while it was copied: " + src.path);
    }
    return reuse ? known : HexEncode(md5.Final());
  });
}

Result<std::string> LocalStore::UploadPartCopy(const std::string& key, const std::string& upload_id,
                                               int part_number, const CopySource& source) {
  if (!source.bucket.empty()) {
    return NotSupported(root_ + ": copy from bucket " + source.bucket +
                        " is not possible in a local store");
  }
  DTH_ASSIGN_OR_RETURN(OpenObject src, OpenObjectFile(source.key));
  if (!source.if_match.empty() && source.if_match != "*") {
    DTH_ASSIGN_OR_RETURN(std::string etag, EtagForMatch(src));
    if (local::UnquoteEtag(source.if_match) != etag) {
      return Status(Code::kPreconditionFailed,
                    "copy source " + local::EscapeKey(source.key) + " has ETag " + etag);
    }
  }
  uint64_t size = static_cast<uint64_t>(src.st.st_size), offset = 0, length = size;
  if (source.range) {
    offset = source.range->offset;
    if (offset >= size && size > 0) {
      return InvalidArgument("copy range starts beyond the end of " + src.path);
    }
    offset = std::min(offset, size);
    length = std::min(source.range->length.value_or(size), size - offset);
  }
  return WritePart(key, upload_id, part_number, [&](local::TempFile& temp) -> Result<std::string> {
    Hasher md5(Hasher::Algorithm::kMd5);
    DTH_RETURN_IF_ERROR(local::CopyRange(src.fd.get(), src.path, offset, length, temp, &md5));
    return HexEncode(md5.Final());
  });
}

}  // namespace dth
