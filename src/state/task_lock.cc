#include "state/task_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace dth {
namespace {

bool SafeTaskId(const std::string& id) {
  if (id.empty() || id.size() > 200 || id == "." || id == "..") return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

Status Taken(const std::string& task_id, TaskLockMode wanted, const std::string& holder_pid) {
  if (!holder_pid.empty()) {
    return Status(Code::kPreconditionFailed,
                  "task " + task_id + " is already running (pid " + holder_pid +
                      "); wait for it to finish" +
                      (wanted == TaskLockMode::kExclusive
                           ? ", or share its work with `dth worker`"
                           : ""));
  }
  if (wanted == TaskLockMode::kExclusive) {
    return Status(Code::kPreconditionFailed,
                  "task " + task_id +
                      " is being worked on by `dth finder` or `dth worker` processes; wait for "
                      "them to finish");
  }
  return Status(Code::kPreconditionFailed, "task " + task_id + " is already running");
}

class FileTaskLock : public TaskLock {
 public:
  explicit FileTaskLock(int fd) : fd_(fd) {}
  ~FileTaskLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

struct InProcessState {
  int shared = 0;
  bool exclusive = false;
};

std::mutex g_mu;
std::map<std::pair<const void*, std::string>, InProcessState> g_locks;  // guarded by g_mu

class InProcessTaskLock : public TaskLock {
 public:
  InProcessTaskLock(std::pair<const void*, std::string> key, TaskLockMode mode)
      : key_(std::move(key)), mode_(mode) {}
  ~InProcessTaskLock() override {
    std::lock_guard lock(g_mu);
    InProcessState& s = g_locks[key_];
    if (mode_ == TaskLockMode::kExclusive) {
      s.exclusive = false;
    } else {
      --s.shared;
    }
    if (!s.exclusive && s.shared == 0) g_locks.erase(key_);
  }

 private:
  std::pair<const void*, std::string> key_;
  TaskLockMode mode_;
};

}  // namespace

Result<std::unique_ptr<TaskLock>> LockTaskWithFile(const std::string& dir,
                                                   const std::string& task_id,
                                                   TaskLockMode mode) {
  if (!SafeTaskId(task_id)) return InvalidArgument("task id '" + task_id + "' cannot name a lock");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("cannot create the lock directory " + dir + ": " + std::strerror(errno));
  }
  const std::string path = dir + "/" + task_id + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("cannot open the task lock " + path + ": " + std::strerror(errno));
  const int op = (mode == TaskLockMode::kExclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    std::string pid;
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      if (n > 0) pid.assign(buf, static_cast<size_t>(n));
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    }
    ::close(fd);
    if (err != EWOULDBLOCK) return IoError("cannot lock " + path + ": " + std::strerror(err));
    return Taken(task_id, mode, pid);
  }
  // The exclusive holder says who it is; shared holders leave the file empty.
  if (::ftruncate(fd, 0) == 0 && mode == TaskLockMode::kExclusive) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return std::unique_ptr<TaskLock>(new FileTaskLock(fd));
}

Result<std::unique_ptr<TaskLock>> LockTaskInProcess(const void* scope, const std::string& task_id,
                                                    TaskLockMode mode) {
  std::lock_guard lock(g_mu);
  auto key = std::make_pair(scope, task_id);
  InProcessState& s = g_locks[key];
  const bool free = mode == TaskLockMode::kExclusive ? !s.exclusive && s.shared == 0 : !s.exclusive;
  if (!free) {
    const bool erase = !s.exclusive && s.shared == 0;
    Status taken = Taken(task_id, mode, s.exclusive ? std::to_string(::getpid()) : "");
    if (erase) g_locks.erase(key);
    return taken;
  }
  if (mode == TaskLockMode::kExclusive) {
    s.exclusive = true;
  } else {
    ++s.shared;
  }
  return std::unique_ptr<TaskLock>(new InProcessTaskLock(std::move(key), mode));
}

}  // namespace dth
