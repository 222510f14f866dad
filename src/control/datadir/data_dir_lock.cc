#include "control/datadir/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dth::control {
namespace {

// The pid the holder wrote, as text ("" when unreadable or not a number).
std::string HolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return "";
  return text;
}

}  // namespace

Result<DataDirLock> DataDirLock::Acquire(const std::string& data_dir) {
  const std::string path = data_dir + "/hub.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("cannot open " + path + ": " + std::strerror(errno));
  DataDirLock lock(fd);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      const std::string pid = HolderPid(fd);
      return Status(Code::kPreconditionFailed,
                    "the data directory " + data_dir + " is in use by another dth serve" +
                        (pid.empty() ? "" : " (pid " + pid + ")") +
                        ": one hub per data directory (stop it, or give this one its own --data-dir)");
    }
    return IoError("cannot lock " + path + ": " + std::strerror(errno));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  // Only for the message of a hub refused later: a failure here is no reason not to start.
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return lock;
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the open file drops the flock
}

}  // namespace dth::control
