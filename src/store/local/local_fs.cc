#include "store/local/local_fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

#include "store/local/key_path.h"

namespace dth::local {

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string ErrnoText(int err) { return std::generic_category().message(err); }

Status ErrnoStatus(int err, const std::string& op, const std::string& path) {
  std::string msg = op + " " + path + ": " + ErrnoText(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return NotFound(std::move(msg));
    case EACCES:
    case EPERM:
    case ELOOP: return PermissionDenied(std::move(msg));
    case ENAMETOOLONG: return InvalidArgument(std::move(msg));
    // No room (a full disk, a quota, a file-size limit): retrying in the same run does not
    // make any, and each retry would write the object again before failing.
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return Status(Code::kPermanent, std::move(msg));
    default: return IoError(std::move(msg));
  }
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t done = 0;
  while (done < bytes) {
    ssize_t got = ::getrandom(raw.data() + done, bytes - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // getrandom on Linux >= 3.17 does not fail otherwise
    }
    done += static_cast<size_t>(got);
  }
  return HexEncode(raw);
}

std::string JoinPath(const std::string& root, const std::vector<std::string>& segs, size_t n) {
  std::string out = root;
  for (size_t i = 0; i < n && i < segs.size(); ++i) {
    if (out.empty() || out.back() != '/') out.push_back('/');
    out += segs[i];
  }
  return out;
}

Result<std::vector<UniqueFd>> OpenDirChain(int root_fd, const std::string& root,
                                           const std::vector<std::string>& segs, size_t n,
                                           bool create, bool sync) {
  std::vector<UniqueFd> chain;
  chain.reserve(n);
  int restarts = 0;
  size_t steps = 0;
  for (size_t i = 0; i < n; ++i) {
    if (++steps > 4 * n + 64) return IoError("directories keep vanishing under " + root);
    int parent = i == 0 ? root_fd : chain.back().get();
    const char* name = segs[i].c_str();
    std::string path = JoinPath(root, segs, i + 1);
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      chain.emplace_back(fd);
      continue;
    }
    int err = errno;
    if (err == ENOENT && create) {
      if (::mkdirat(parent, name, 0777) == 0) {
        if (sync) DTH_RETURN_IF_ERROR(FsyncFd(parent, JoinPath(root, segs, i)));
      } else if (errno == ENOENT && ++restarts < 16) {
        // A concurrent Delete removed an (empty) ancestor we had opened: start over.
        chain.clear();
        i = static_cast<size_t>(-1);
        continue;
      } else if (errno != EEXIST) {
        return ErrnoStatus(errno, "mkdir", path);
      }
      --i;  // open what now exists (made by us or by someone else meanwhile)
      continue;
    }
    if (err == ENOTDIR || err == ELOOP) {
      if (!create) return NotFound("not a directory: " + path);
      struct stat st {};
      if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        return PermissionDenied("refusing to follow symlink " + path);
      }
      return Status(Code::kPreconditionFailed,
                    "key conflicts with an existing non-directory " + path);
    }
    if (err == EINTR) {
      --i;
      continue;
    }
    return ErrnoStatus(err, "open directory", path);
  }
  return chain;
}

Result<UniqueFd> OpenDir(int root_fd, const std::string& root, const std::vector<std::string>& segs,
                         size_t n, bool create, bool sync) {
  if (n == 0) {
    int fd = ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return ErrnoStatus(errno, "dup", root);
    return UniqueFd(fd);
  }
  DTH_ASSIGN_OR_RETURN(auto chain, OpenDirChain(root_fd, root, segs, n, create, sync));
  return std::move(chain.back());
}

Result<UniqueFd> OpenFile(int root_fd, const std::string& root,
                          const std::vector<std::string>& segs, struct stat* st) {
  DTH_ASSIGN_OR_RETURN(UniqueFd dir, OpenDir(root_fd, root, segs, segs.size() - 1, false, false));
  std::string path = JoinPath(root, segs, segs.size());
  const char* name = segs.back().c_str();
  // lstat first so that no device or FIFO is ever opened; O_NOFOLLOW closes the race.
  if (::fstatat(dir.get(), name, st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno, "stat", path);
  }
  if (!S_ISREG(st->st_mode)) return NotFound("not a regular file: " + path);
  int fd = ::openat(dir.get(), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) return NotFound("not a regular file: " + path);
    return ErrnoStatus(err, "open", path);
  }
  UniqueFd file(fd);
  if (::fstat(fd, st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st->st_mode)) return NotFound("not a regular file: " + path);
  return file;
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

Status FsyncFd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "fsync", path);
  return Status::Ok();
}

Result<TempFile> TempFile::Create(int dir_fd, const std::string& dir_path) {
  TempFile t;
  int dup = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return ErrnoStatus(errno, "dup", dir_path);
  t.dir_ = UniqueFd(dup);
  for (int attempt = 0; attempt < 8; ++attempt) {
    t.name_ = std::string(kTempPrefix) + RandomHex(8);
    t.path_ = dir_path + "/" + t.name_;
    int fd = ::openat(dir_fd, t.name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0666);
    if (fd < 0) {
      if (errno != EEXIST && errno != EINTR) return ErrnoStatus(errno, "create", t.path_);
      continue;
    }
    UniqueFd file(fd);
    // Lock it, then check that it is still ours: a cleaner (RemoveOrphanedTemp) may have
    // locked it (it then removes it) or removed it in between. Without flock support
    // (ENOLCK, EINVAL on some filesystems) go on unlocked: no cleaner can lock it either.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && (errno == EWOULDBLOCK || errno == EINTR)) continue;
    struct stat mine {}, named {};
    if (::fstat(fd, &mine) != 0) return ErrnoStatus(errno, "stat", t.path_);
    if (::fstatat(dir_fd, t.name_.c_str(), &named, AT_SYMLINK_NOFOLLOW) != 0 ||
        named.st_ino != mine.st_ino || named.st_dev != mine.st_dev) {
      continue;  // removed meanwhile
    }
    t.fd_ = std::move(file);
    return t;
  }
  return IoError("cannot create a temporary file in " + dir_path);
}

TempFile::~TempFile() {
  if (fd_.valid() && !committed_) ::unlinkat(dir_.get(), name_.c_str(), 0);
}

Status TempFile::Write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status TempFile::Commit(const std::string& name, bool sync) {
  if (sync) DTH_RETURN_IF_ERROR(FsyncFd(fd_.get(), path_));
  if (::renameat(dir_.get(), name_.c_str(), dir_.get(), name.c_str()) != 0) {
    int err = errno;
    std::string target = path_.substr(0, path_.size() - name_.size()) + name;
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return Status(Code::kPreconditionFailed,
                    "key conflicts with an existing directory " + target);
    }
    return ErrnoStatus(err, "rename to", target);
  }
  committed_ = true;
  if (sync) DTH_RETURN_IF_ERROR(FsyncFd(dir_.get(), path_.substr(0, path_.rfind('/'))));
  return Status::Ok();
}

bool RemoveOrphanedTemp(int dir_fd, const std::string& name, int64_t older_than_ns) {
  struct stat before {};
  if (::fstatat(dir_fd, name.c_str(), &before, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(before.st_mode) || MtimeNs(before) >= older_than_ns) {
    return false;
  }
  // Write access: where flock is emulated with POSIX locks (NFS), an exclusive lock needs it.
  int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  UniqueFd file(fd);
  struct stat locked {}, now {};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(fd, &locked) != 0 ||
      locked.st_ino != before.st_ino || locked.st_dev != before.st_dev ||
      MtimeNs(locked) >= older_than_ns) {
    return false;
  }
  // Still the file we locked under that name (not removed and re-created meanwhile)?
  if (::fstatat(dir_fd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 ||
      now.st_ino != locked.st_ino || now.st_dev != locked.st_dev) {
    return false;
  }
  return ::unlinkat(dir_fd, name.c_str(), 0) == 0;
}

Status CopyRange(int in_fd, const std::string& in_path, uint64_t offset, uint64_t length,
                 TempFile& out, Hasher* md5) {
  uint64_t done = 0;
  if (md5 == nullptr) {
    while (done < length) {
      loff_t off = static_cast<loff_t>(offset + done);
      size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, 1u << 30));
      ssize_t n = ::copy_file_range(in_fd, &off, out.fd(), nullptr, want, 0);
      if (n > 0) {
        done += static_cast<uint64_t>(n);
        continue;
      }
      if (n == 0) return IoError("file shrank while copying: " + in_path);
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) break;
      return ErrnoStatus(errno, "copy_file_range from", in_path);
    }
  }
  std::unique_ptr<char[]> buf(new char[kChunk]);
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, kChunk));
    ssize_t n = ::pread(in_fd, buf.get(), want, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", in_path);
    }
    if (n == 0) return IoError("file shrank while copying: " + in_path);
    std::string_view chunk(buf.get(), static_cast<size_t>(n));
    if (md5 != nullptr) md5->Update(chunk);
    DTH_RETURN_IF_ERROR(out.Write(chunk));
    done += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace dth::local

namespace dth::local {

Result<std::string> WriteSource(ByteSource& body, TempFile& out, const std::string& what) {
  DTH_RETURN_IF_ERROR(body.Rewind());
  Hasher md5(Hasher::Algorithm::kMd5);
  std::unique_ptr<char[]> buf(new char[kChunk]);
  uint64_t total = 0;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(size_t got, body.Read(buf.get(), kChunk));
    if (got == 0) break;
    std::string_view chunk(buf.get(), got);
    md5.Update(chunk);
    DTH_RETURN_IF_ERROR(out.Write(chunk));
    total += got;
  }
  if (total != body.size()) {
    return Corruption("body of " + what + " yielded " + std::to_string(total) +
                      " bytes, expected " + std::to_string(body.size()));
  }
  return HexEncode(md5.Final());
}

}  // namespace dth::local
