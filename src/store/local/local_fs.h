// store/local/local_fs: POSIX building blocks for LocalStore — an owning fd, errno →
// Status mapping, symlink-free directory walks below the root fd, atomic temp-file
// writes (write, optional fsync, rename(2)), and chunked copies/hashing.
// Every path below the root is resolved one segment at a time with openat(O_NOFOLLOW),
// so no symlink inside the root is ever followed, whatever it points at.
// Thread-safety: free functions are thread-safe; a UniqueFd/TempFile is used by one thread.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/result.h"

namespace dth::local {

inline constexpr size_t kChunk = 1 << 20;  // streaming buffer size

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// ENOENT/ENOTDIR → kNotFound, EACCES/EPERM/ELOOP → kPermissionDenied,
// ENAMETOOLONG → kInvalidArgument, ENOSPC/EDQUOT/EFBIG (no room) → kPermanent,
// anything else → kIo. "<op> <path>: <strerror>".
Status ErrnoStatus(int err, const std::string& op, const std::string& path);
std::string ErrnoText(int err);  // thread-safe strerror

// Random lower-case hex of 2*bytes characters (getrandom).
std::string RandomHex(size_t bytes);

// root + "/" + segs[0..n) joined — for messages.
std::string JoinPath(const std::string& root, const std::vector<std::string>& segs, size_t n);

// Opens the directories segs[0..n) below root_fd, one openat(O_DIRECTORY|O_NOFOLLOW)
// per segment; returns one fd per level (empty for n == 0). With create, missing
// directories are made (and their parent fsynced when sync). Errors: missing →
// kNotFound; a file in the way → kPreconditionFailed; a symlink → kPermissionDenied.
Result<std::vector<UniqueFd>> OpenDirChain(int root_fd, const std::string& root,
                                           const std::vector<std::string>& segs, size_t n,
                                           bool create, bool sync);
// The last directory of the chain (a dup of root_fd for n == 0).
Result<UniqueFd> OpenDir(int root_fd, const std::string& root, const std::vector<std::string>& segs,
                         size_t n, bool create, bool sync);

// Opens the regular file segs below root_fd for reading and fstats it. A missing
// entry, a directory, a symlink or any other non-regular file → kNotFound.
Result<UniqueFd> OpenFile(int root_fd, const std::string& root,
                          const std::vector<std::string>& segs, struct stat* st);

int64_t MtimeNs(const struct stat& st);

Status FsyncFd(int fd, const std::string& path);

// A ".dth-tmp-<random>" file in a directory, unlinked on destruction unless committed.
// Its writer holds an exclusive flock(2) on it from creation until destruction, so that
// RemoveOrphanedTemp never takes the file of a live writer (in any process).
class TempFile {
 public:
  // dir_path is for messages. Keeps its own dup of dir_fd.
  static Result<TempFile> Create(int dir_fd, const std::string& dir_path);
  TempFile(TempFile&&) = default;
  TempFile& operator=(TempFile&&) = default;
  ~TempFile();

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }
  Status Write(std::string_view data);
  // Optionally fsyncs the file, renames it to `name` in the same directory (replacing a
  // file there), then optionally fsyncs the directory.
  Status Commit(const std::string& name, bool sync);

 private:
  TempFile() = default;
  UniqueFd dir_;
  UniqueFd fd_;
  std::string name_;
  std::string path_;
  bool committed_ = false;
};

// Removes the temp file `name` of dir_fd when it is orphaned: a regular file whose mtime
// is before older_than_ns (ns since the epoch) and whose lock no writer holds (a crashed
// or killed writer's lock went with its process). Takes the lock itself and checks that
// the name still links to the file it locked before unlinking, so a writer creating or
// holding a temp file at that moment is never disturbed. On a filesystem without flock
// nothing is removed. Returns whether it removed the file; errors are not reported
// (the next run tries again).
bool RemoveOrphanedTemp(int dir_fd, const std::string& name, int64_t older_than_ns);

// Copies length bytes of in_fd from offset to the current position of out, feeding md5
// when non-null (then with pread/write; otherwise copy_file_range with a fallback).
// in_path is for messages. A short source is kIo.
Status CopyRange(int in_fd, const std::string& in_path, uint64_t offset, uint64_t length,
                 TempFile& out, Hasher* md5);

// Streams body (from its start) into out; returns the hex MD5. A body yielding a
// different number of bytes than body.size() is kCorruption. what names it in messages.
Result<std::string> WriteSource(ByteSource& body, TempFile& out, const std::string& what);

// --- local_dir.cc ---
struct DirEntry {
  std::string name;
  unsigned char type;  // DT_REG, DT_DIR, ..., DT_UNKNOWN
};
// All entries of the directory fd except "." and "..", unsorted.
Result<std::vector<DirEntry>> ReadDir(int dir_fd, const std::string& path);
// The content of a small regular file (at most limit bytes, else kCorruption).
Result<std::string> ReadSmallFile(int dir_fd, const std::string& name, const std::string& path,
                                  size_t limit);
// Removes directory `name` of dir_fd and the files directly in it (no subdirectories).
Status RemoveFlatDir(int dir_fd, const std::string& name, const std::string& path);

}  // namespace dth::local
