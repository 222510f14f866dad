#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "store/local/local_fs.h"

namespace dth::local {

Result<std::vector<DirEntry>> ReadDir(int dir_fd, const std::string& path) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", path);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus(err, "open directory", path);
  }
  std::vector<DirEntry> out;
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(dir);
    if (e == nullptr) break;
    std::string_view name(e->d_name);
    if (name == "." || name == "..") continue;
    out.push_back({std::string(name), e->d_type});
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoStatus(err, "read directory", path);
  return out;
}

Result<std::string> ReadSmallFile(int dir_fd, const std::string& name, const std::string& path,
                                  size_t limit) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  UniqueFd file(fd);
  std::string out(limit + 1, '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done > limit) return Corruption("unexpectedly large file: " + path);
  out.resize(done);
  return out;
}

Status RemoveFlatDir(int dir_fd, const std::string& name, const std::string& path) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", path);
  UniqueFd dir(fd);
  DTH_ASSIGN_OR_RETURN(auto entries, ReadDir(fd, path));
  for (const auto& e : entries) {
    if (::unlinkat(fd, e.name.c_str(), 0) != 0 && errno != ENOENT) {
      return ErrnoStatus(errno, "delete", path + "/" + e.name);
    }
  }
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove directory", path);
  }
  return Status::Ok();
}

}  // namespace dth::local
