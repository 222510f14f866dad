// state/task_lock: who may run a task now. `dth sync` holds its task exclusively (one run
// at a time: a second gets "task X is already running (pid N)"); `dth finder` and
// `dth worker` hold it shared, so several may work on one task together but never beside
// a `dth sync` of it. A lock is released when its handle is destroyed or its process
// dies (kill -9 included). File locks (flock) on one file per task in a directory work
// across the processes of one host; the in-process variant serves stores private to one
// process.
// Thread-safety: the functions are thread-safe; a TaskLock handle is owned by one thread.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace dth {

enum class TaskLockMode { kShared, kExclusive };

class TaskLock {
 public:
  virtual ~TaskLock() = default;
};

// "<dir>/<task_id>.lock" (dir is created 0700 when missing); task_id must be a file-name-
// safe id ([A-Za-z0-9._-]). kPreconditionFailed, with who holds it, when taken.
Result<std::unique_ptr<TaskLock>> LockTaskWithFile(const std::string& dir,
                                                   const std::string& task_id,
                                                   TaskLockMode mode);

// The same semantics within this process only; scope separates independent stores.
Result<std::unique_ptr<TaskLock>> LockTaskInProcess(const void* scope, const std::string& task_id,
                                                    TaskLockMode mode);

}  // namespace dth
