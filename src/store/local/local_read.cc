// LocalStore reads (Get, if_match) and tagging; see local_store.h.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

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


// Fails when the file behind fd is no longer the one stat described (written meanwhile).
Status Unchanged(int fd, const struct stat& before, const std::string& path) {
  struct stat after {};
  if (::fstat(fd, &after) != 0) return local::ErrnoStatus(errno, "stat", path);
  if (after.st_size != before.st_size || local::MtimeNs(after) != local::MtimeNs(before)) {
    return IoError("file changed while it was read: " + path);
  }
  return Status::Ok();
}

// A window of an open file, read with pread; the read that reaches the window's end
// checks the file is unchanged, and fails instead of returning those bytes if not (an
// upload fed by it is then cut short before its last byte, so the server stores nothing).
class PinnedFileSource : public ByteSource {
 public:
  PinnedFileSource(local::UniqueFd fd, std::string path, const struct stat& st, uint64_t offset,
                   uint64_t length)
      : fd_(std::move(fd)), path_(std::move(path)), st_(st), offset_(offset), length_(length) {}
  uint64_t size() const override { return length_; }
  Status Rewind() override {
    pos_ = 0;
    return Status::Ok();
  }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, length_ - pos_));
    if (want == 0) return size_t{0};
    size_t got = 0;
    while (got < want) {  // fill the buffer: the end check then comes with the last bytes
      ssize_t r = ::pread(fd_.get(), buf + got, want - got, static_cast<off_t>(offset_ + pos_ + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return local::ErrnoStatus(errno, "read", path_);
      if (r == 0) return IoError("file shrank while reading: " + path_);
      got += static_cast<size_t>(r);
    }
    if (pos_ + got == length_) DTH_RETURN_IF_ERROR(Unchanged(fd_.get(), st_, path_));
    pos_ += got;
    return got;
  }

 private:
  local::UniqueFd fd_;
  std::string path_;
  struct stat st_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t pos_ = 0;
};
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

Status LocalStore::CheckIfMatch(const std::string& key, const std::string& if_match,
                                OpenObject& obj, ObjectHead& head) {
  if (local::IsVersionToken(if_match)) {
    // Pinned to a version of the file (not its content hash): no extra read. The check
    // after reading catches a write that lands while it is read.
    if (if_match != head.info.version) {
      return Status(Code::kPreconditionFailed, "object " + local::EscapeKey(key) + " in " +
                                                   root_ + " changed since it was listed");
    }
  } else if (!if_match.empty() && if_match != "*") {
    DTH_ASSIGN_OR_RETURN(std::string etag, EtagForMatch(obj));
    head.info.etag = etag;
    if (local::UnquoteEtag(if_match) != etag) {
      return Status(Code::kPreconditionFailed, "object " + local::EscapeKey(key) + " in " + root_ +
                                                   " has ETag " + etag + ", not " + if_match);
    }
  }
  return Status::Ok();
}

Result<std::pair<uint64_t, uint64_t>> LocalStore::RangeOf(const std::string& key,
                                                         const GetOptions& options,
                                                         uint64_t size) const {
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
  return std::make_pair(offset, length);
}

Status LocalStore::Get(const std::string& key, const GetOptions& options, ByteSink& sink,
                       ObjectHead* head) {
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  ObjectHead h = MakeHead(key, obj);
  DTH_RETURN_IF_ERROR(CheckIfMatch(key, options.if_match, obj, h));
  DTH_ASSIGN_OR_RETURN(auto window, RangeOf(key, options, static_cast<uint64_t>(obj.st.st_size)));
  if (head != nullptr) *head = h;
  DTH_RETURN_IF_ERROR(ReadChunks(obj.fd.get(), obj.path, window.first, window.second,
                                 [&](std::string_view chunk) { return sink.Write(chunk); }));
  return Unchanged(obj.fd.get(), obj.st, obj.path);
}

Result<std::unique_ptr<ByteSource>> LocalStore::OpenRead(const std::string& key,
                                                         const GetOptions& options,
                                                         ObjectHead* head) {
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  ObjectHead h = MakeHead(key, obj);
  DTH_RETURN_IF_ERROR(CheckIfMatch(key, options.if_match, obj, h));
  DTH_ASSIGN_OR_RETURN(auto window, RangeOf(key, options, static_cast<uint64_t>(obj.st.st_size)));
  if (head != nullptr) *head = h;
  return std::unique_ptr<ByteSource>(new PinnedFileSource(std::move(obj.fd), obj.path, obj.st,
                                                          window.first, window.second));
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
