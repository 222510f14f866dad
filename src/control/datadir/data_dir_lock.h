// control/datadir/data_dir_lock: one hub per data directory. Two `dth serve` processes on
// one directory would each schedule the same tasks and each resume the other's running
// runs as if a restart had interrupted them: two runners copying, recording and deleting
// for one task at once. The first hub holds an exclusive flock(2) on DIR/hub.lock (with its
// pid written in it, for the message) for as long as it runs; a second one is refused at
// start. The kernel drops the lock when the process ends, however it ends (kill -9 too),
// so no stale lock is left to clean up.
// Thread-safety: a DataDirLock is owned by one thread; Acquire may be called from any.
#pragma once

#include <string>

#include "core/result.h"

namespace dth::control {

class DataDirLock {
 public:
  // kPreconditionFailed when another process (or another DataDirLock) holds the directory:
  // "the data directory DIR is in use by another dth serve (pid N)".
  static Result<DataDirLock> Acquire(const std::string& data_dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases it

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace dth::control
