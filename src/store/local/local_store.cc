#include "store/local/local_store.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include "core/hash.h"
#include "store/local/key_path.h"
#include "store/local/local_lister.h"

namespace dth {

using local::ErrnoStatus;
using local::MetaRecord;
using local::TempFile;
using local::UniqueFd;

namespace {

// Whether files created under root_fd accept a user.* xattr; probes with a temp file when
// the root is writable, else asks the directory itself.
bool ProbeXattrs(int root_fd, const std::string& root) {
  auto temp = TempFile::Create(root_fd, root);
  if (!temp.ok()) return local::XattrSupported(root_fd);
  return ::fsetxattr(temp->fd(), local::kMetaXattr, "", 0, 0) == 0;
}

}  // namespace

// S3's limits, so that what a local store accepts an S3 bucket accepts too.
Status LocalStore::CheckTags(const Tags& tags) {
  if (tags.size() > 10) {
    return InvalidArgument("an object can have at most 10 tags, not " +
                           std::to_string(tags.size()));
  }
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return InvalidArgument("tag " + local::EscapeKey(k) +
                             ": keys must be 1..128 bytes and values at most 256 bytes");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& root, bool create,
                                                     const LocalStoreOptions& options) {
  if (root.empty()) return InvalidArgument("local store: empty root path");
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(root, ec);
  if (ec) return ErrnoStatus(ec.value(), "resolve", root);
  std::string abs = path.string();  // not lexically normalised: ".." after a symlink differs
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  if (create) {
    std::filesystem::create_directories(abs, ec);
    // EEXIST/ENOTDIR: a non-directory is in the way; open() below reports it.
    if (ec && ec.value() != EEXIST && ec.value() != ENOTDIR)
      return ErrnoStatus(ec.value(), "create directory", abs);
  }
  int fd = ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOTDIR) return InvalidArgument("local store root is not a directory: " + abs);
    return ErrnoStatus(err, "open local store root", abs);
  }
  UniqueFd root_fd(fd);
  // A source is never written to, not even by the probe.
  bool xattrs = create ? ProbeXattrs(fd, abs) : local::XattrSupported(fd);
  // Orphaned temp files are those more than a minute older than this store (clocks of a
  // network filesystem's server may lag ours a little). The coarse clock is the one the
  // kernel stamps files with: a file made after this moment is never older than it.
  int64_t tidy_before_ns = 0;
  if (create) {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    tidy_before_ns = (static_cast<int64_t>(now.tv_sec) - 60) * 1000000000 + now.tv_nsec;
  }
  return std::unique_ptr<LocalStore>(
      new LocalStore(abs, std::move(root_fd), options, xattrs, tidy_before_ns));
}

LocalStore::LocalStore(std::string root, UniqueFd root_fd, const LocalStoreOptions& options,
                       bool xattrs, int64_t tidy_before_ns)
    : root_(std::move(root)),
      root_fd_(std::move(root_fd)),
      options_(options),
      xattrs_(xattrs),
      tidy_before_ns_(tidy_before_ns),
      skipped_(std::make_shared<std::atomic<uint64_t>>(0)) {
  features_.server_side_copy = true;
  features_.multipart = true;
  features_.list_multipart_uploads = true;
  features_.tagging = xattrs;
  features_.user_metadata = xattrs;
  features_.etag_is_md5 = xattrs;
  features_.max_parts = 10000;
  features_.min_part_size = 1;  // no minimum; parts are plain files
  features_.max_part_size = 5ull << 30;
  features_.max_put_size = 5ull << 40;
  features_.streaming_put = true;  // WriteSource hashes while writing
  features_.positional_write = true;  // local_positional.cc
  features_.arbitrary_keys = false;
}

Result<LocalStore::OpenObject> LocalStore::OpenObjectFile(const std::string& key) {
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(key, &segs));
  OpenObject obj;
  obj.path = local::JoinPath(root_, segs, segs.size());
  auto fd = local::OpenFile(root_fd_.get(), root_, segs, &obj.st);
  if (!fd.ok()) {
    if (fd.status().code() == Code::kNotFound) {
      return NotFound("no such object " + local::EscapeKey(key) + " in " + root_);
    }
    return fd.status();
  }
  obj.fd = std::move(fd).value();
  if (xattrs_) obj.meta = local::ReadMeta(obj.fd.get());
  return obj;
}

ObjectHead LocalStore::MakeHead(const std::string& key, const OpenObject& obj) const {
  ObjectHead head;
  head.info.key = key;
  head.info.size = static_cast<uint64_t>(obj.st.st_size);
  head.info.etag = local::KnownEtag(obj.meta, obj.st);
  head.info.last_modified = local::ToTimePoint(local::MtimeNs(obj.st));
  head.info.version = local::VersionToken(obj.st);
  if (obj.meta) {
    head.info.storage_class = obj.meta->storage_class;
    head.metadata = obj.meta->metadata;
    head.tag_count = static_cast<int>(obj.meta->tags.size());
  }
  head.parts_count = local::MultipartCount(head.info.etag);
  return head;
}

std::unique_ptr<ObjectLister> LocalStore::List(const ListOptions& options) {
  UniqueFd fd(::fcntl(root_fd_.get(), F_DUPFD_CLOEXEC, 0));
  return std::make_unique<local::LocalLister>(std::move(fd), root_, options, xattrs_, skipped_,
                                              tidy_before_ns_);
}

Result<ObjectHead> LocalStore::Head(const std::string& key) {
  DTH_ASSIGN_OR_RETURN(OpenObject obj, OpenObjectFile(key));
  return MakeHead(key, obj);
}

Status LocalStore::CheckPutOptions(const std::string& key, const PutOptions& options) const {
  if (options.sse != ServerSideEncryption::kNone) {
    return NotSupported(root_ +
                        ": server-side encryption is not available for a local "
                        "directory (key " +
                        local::EscapeKey(key) + ")");
  }
  DTH_RETURN_IF_ERROR(CheckTags(options.tags));
  if (!xattrs_ && (options.metadata != ObjectMetadata{} || !options.tags.empty())) {
    return NotSupported(root_ +
                        ": the filesystem has no user xattrs, so metadata and tags "
                        "of " +
                        local::EscapeKey(key) + " cannot be stored");
  }
  return Status::Ok();
}

Result<UniqueFd> LocalStore::PrepareParent(const std::string& key,
                                           const std::vector<std::string>& segs) const {
  DTH_ASSIGN_OR_RETURN(UniqueFd dir, local::OpenDir(root_fd_.get(), root_, segs, segs.size() - 1,
                                                    true, options_.fsync));
  struct stat st {};
  if (::fstatat(dir.get(), segs.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    std::string path = local::JoinPath(root_, segs, segs.size());
    if (S_ISLNK(st.st_mode)) {
      return PermissionDenied("refusing to replace symlink " + path + " (key " +
                              local::EscapeKey(key) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
      return Status(Code::kPreconditionFailed,
                    "key " + local::EscapeKey(key) + " conflicts with " +
                        (S_ISDIR(st.st_mode) ? "directory " : "special file ") + path);
    }
  }
  return dir;
}

Status LocalStore::CommitObject(TempFile& temp, const std::vector<std::string>& segs,
                                MetaRecord record) {
  struct stat st {};
  if (::fstat(temp.fd(), &st) != 0) return ErrnoStatus(errno, "stat", temp.path());
  record.size = static_cast<uint64_t>(st.st_size);
  record.mtime_ns = local::MtimeNs(st);
  if (xattrs_) {
    Status s = local::WriteMeta(temp.fd(), record, temp.path());
    bool nothing_lost = record.metadata == ObjectMetadata{} && record.tags.empty();
    if (!s.ok() && !(s.code() == Code::kNotSupported && nothing_lost)) return s;
  }
  return temp.Commit(segs.back(), options_.fsync);
}

Result<std::string> LocalStore::WriteObject(const std::string& key, const MetaRecord& base,
                                            const Filler& fill) {
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(key, &segs));
  DTH_ASSIGN_OR_RETURN(TempFile temp, CreateTempFor(key, segs));
  DTH_ASSIGN_OR_RETURN(std::string etag, fill(temp));
  MetaRecord record = base;
  record.etag = etag;
  DTH_RETURN_IF_ERROR(CommitObject(temp, segs, std::move(record)));
  return etag;
}

Result<TempFile> LocalStore::CreateTempFor(const std::string& key, const std::vector<std::string>& segs) {
  std::shared_lock lock(tree_mu_);
  for (int attempt = 0;; ++attempt) {
    DTH_ASSIGN_OR_RETURN(UniqueFd dir, PrepareParent(key, segs));
    auto created = TempFile::Create(dir.get(), local::JoinPath(root_, segs, segs.size() - 1));
    // ENOENT: another process's Delete removed the (empty) directory after we opened it.
    if (created.ok() || created.status().code() != Code::kNotFound || attempt >= 16) return created;
  }
}

Result<std::string> LocalStore::PutDirectoryMarker(const std::string& key, ByteSource& body,
                                                   const PutOptions& options) {
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(std::string_view(key).substr(0, key.size() - 1), &segs));
  if (body.size() != 0) {
    return InvalidArgument("key " + local::EscapeKey(key) + " is a directory marker with " +
                           std::to_string(body.size()) +
                           " bytes: a local directory cannot hold data");
  }
  if (!options.tags.empty()) {
    return InvalidArgument("directory marker " + local::EscapeKey(key) +
                           " has tags: a local directory cannot keep them");
  }
  // Read the (empty) body to its end, so that a streamed source finishes its download.
  DTH_RETURN_IF_ERROR(body.Rewind());
  char byte = 0;
  DTH_ASSIGN_OR_RETURN(size_t got, body.Read(&byte, 1));
  if (got != 0) {
    return Corruption("directory marker " + local::EscapeKey(key) +
                      " yielded data, expected 0 bytes");
  }
  // Made when missing, fine when it exists; a file in the way is kPreconditionFailed.
  DTH_RETURN_IF_ERROR(local::OpenDir(root_fd_.get(), root_, segs, segs.size(), true, options_.fsync)
                          .status());
  return HexEncode(Md5(""));
}

Result<std::string> LocalStore::Put(const std::string& key, ByteSource& body,
                                    const PutOptions& options) {
  if (key.size() > 1 && key.back() == '/') return PutDirectoryMarker(key, body, options);
  DTH_RETURN_IF_ERROR(CheckPutOptions(key, options));
  MetaRecord base;
  base.storage_class = options.storage_class;
  base.metadata = options.metadata;
  base.tags = options.tags;
  return WriteObject(key, base, [&](TempFile& temp) -> Result<std::string> {
    DTH_ASSIGN_OR_RETURN(std::string md5, local::WriteSource(body, temp, local::EscapeKey(key)));
    // Hashed as written; a body that is not what its source promised is never renamed
    // into place (the temp file goes with the error).
    if (!options.content_md5.empty() && !SameHexDigest(md5, options.content_md5))
      return Corruption("writing " + local::EscapeKey(key) + " in " + root_ + ": the bytes have MD5 " +
                        md5 + ", not the " + options.content_md5 + " their source promised");
    return md5;
  });
}

Status LocalStore::Delete(const std::string& key) {
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(key, &segs));
  size_t n = segs.size();
  auto chain = local::OpenDirChain(root_fd_.get(), root_, segs, n - 1, false, false);
  if (!chain.ok()) {
    return chain.status().code() == Code::kNotFound ? Status::Ok() : chain.status();
  }
  int parent = n == 1 ? root_fd_.get() : chain->back().get();
  std::string path = local::JoinPath(root_, segs, n);
  struct stat st {};
  if (::fstatat(parent, segs.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return ErrnoStatus(errno, "stat", path);
  }
  if (!S_ISREG(st.st_mode)) return Status::Ok();  // not an object: nothing to delete
  if (::unlinkat(parent, segs.back().c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "delete", path);
  }
  if (options_.fsync)
    DTH_RETURN_IF_ERROR(local::FsyncFd(parent, local::JoinPath(root_, segs, n - 1)));
  // Remove parents that became empty, deepest first, never the root.
  std::unique_lock lock(tree_mu_);
  for (size_t d = n - 1; d-- > 0;) {
    int up = d == 0 ? root_fd_.get() : (*chain)[d - 1].get();
    if (::unlinkat(up, segs[d].c_str(), AT_REMOVEDIR) != 0) break;
  }
  return Status::Ok();
}

}  // namespace dth
