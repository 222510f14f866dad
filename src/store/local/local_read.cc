// LocalStore reads (Get, if_match) and tagging; see local_store.h.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/hash.h"
#include "store/local/key_path.h"
#include "store/local/local_store.h"

namespace dth {
namespace {

// Reads [offset, offset+length) of fd in chunks, handing each to fn.
template <typename Fn>
Status ReadChunks(int fd, const std::string& path, uint64_t offset, uint64_t length, Fn&& fn) {
  std::unique_ptr<char[]> buf(new char[local::kChunk]);
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, local::kChunk));
    ssize_t n = ::pread(fd, buf.get(), want, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return local::ErrnoStatus(errno, "read", path);
    }
    if (n == 0) return IoError("file shrank while reading: " + path);
    DTH_RETURN_IF_ERROR(fn(std::string_view(buf.get(), static_cast<size_t>(n))));
    done += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> LocalStore::EtagForMatch(const OpenObject& obj) {
  std::string etag = local::KnownEtag(obj.meta, obj.st);
  if (!etag.empty()) return etag;
  Hasher md5(Hasher::Algorithm::kMd5);
  DTH_RETURN_IF_ERROR(ReadChunks(obj.fd.get(), obj.path, 0, static_cast<uint64_t>(obj.st.st_size),
                                 [&](std::string_view chunk) {
                                   md5.Update(chunk);
                                   return Status::Ok();
                                 }));
  return HexEncode(md5.Final());
}

Status LocalStore::Get(const std::string& key, const GetOptions& options, ByteSink& sink,
                       ObjectHead* head) {
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  ObjectHead h = MakeHead(key, obj);
  if (local::IsVersionToken(options.if_match)) {
    // Pinned to a version of the file (not its content hash): no extra read. The check
    // after reading below catches a write that lands while it is read.
    if (options.if_match != h.info.version) {
      return Status(Code::kPreconditionFailed, "object " + local::EscapeKey(key) + " in " +
                                                   root_ + " changed since it was listed");
    }
  } else if (!options.if_match.empty() && options.if_match != "*") {
    DTH_ASSIGN_OR_RETURN(std::string etag, EtagForMatch(obj));
    h.info.etag = etag;
    if (local::UnquoteEtag(options.if_match) != etag) {
      return Status(Code::kPreconditionFailed, "object " + local::EscapeKey(key) + " in " + root_ +
                                                   " has ETag " + etag + ", not " +
                                                   options.if_match);
    }
  }
  uint64_t size = static_cast<uint64_t>(obj.st.st_size);
  uint64_t offset = 0, length = size;
  if (options.range) {
    offset = options.range->offset;
    if (offset >= size && size > 0) {
      return InvalidArgument("range starting at " + std::to_string(offset) +
                             " is beyond the end of " + local::EscapeKey(key) + " (" +
                             std::to_string(size) + " bytes)");
    }
    offset = std::min(offset, size);
    length = std::min(options.range->length.value_or(size), size - offset);
  }
  if (head != nullptr) *head = h;
  DTH_RETURN_IF_ERROR(ReadChunks(obj.fd.get(), obj.path, offset, length,
                                 [&](std::string_view chunk) { return sink.Write(chunk); }));
  struct stat after {};
  if (::fstat(obj.fd.get(), &after) != 0) return local::ErrnoStatus(errno, "stat", obj.path);
  if (after.st_size != obj.st.st_size || local::MtimeNs(after) != local::MtimeNs(obj.st)) {
    return IoError("file changed while it was read: " + obj.path);
  }
  return Status::Ok();
}

Result<Tags> LocalStore::GetTagging(const std::string& key) {
  if (!xattrs_) return NotSupported(root_ + ": tagging needs user xattrs on the filesystem");
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  return obj.meta ? obj.meta->tags : Tags{};
}

Status LocalStore::PutTagging(const std::string& key, const Tags& tags) {
  if (!xattrs_) return NotSupported(root_ + ": tagging needs user xattrs on the filesystem");
  DTH_RETURN_IF_ERROR(CheckTags(tags));
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  local::MetaRecord record;
  if (obj.meta) {
    record = std::move(*obj.meta);  // a stale record stays stale: its ETag stays unknown
  } else {
    record.size = static_cast<uint64_t>(obj.st.st_size);  // ETag "" = unknown
    record.mtime_ns = local::MtimeNs(obj.st);
  }
  record.tags = tags;
  DTH_RETURN_IF_ERROR(local::WriteMeta(obj.fd.get(), record, obj.path));
  if (options_.fsync) DTH_RETURN_IF_ERROR(local::FsyncFd(obj.fd.get(), obj.path));
  return Status::Ok();
}

}  // namespace dth
