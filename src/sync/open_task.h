// sync/open_task: opens everything one sync task runs on — both stores, the job queue
// and state store on one SQLite file, and the engine options — from a task spec and the
// connections its caller resolved. `dth sync`/`finder`/`worker` (flags, profiles) and
// the hub (named credentials, allowed local roots, a state file per task) share it.
// Thread-safety: OpenSyncTask is reentrant; the OpenedTask is owned by one caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/http_client.h"
#include "queue/job_queue.h"
#include "state/state_store.h"
#include "store/location.h"
#include "store/open_store.h"
#include "sync/sync_options.h"
#include "sync/sync_task.h"

namespace dth {

struct OpenTaskInput {
  SyncTaskSpec spec;
  // How each side connects (provider, endpoint, region, credentials), already merged by
  // the caller; a local location ignores its connection.
  ConnectionOptions source_connection, destination_connection;
  std::shared_ptr<HttpClient> http;
  // The SQLite file of the task's queue and records; "" = <state_dir>/<task id>.db.
  std::string state_path;
  std::string state_dir;
  // Local directories may be sources or destinations only under these roots (the hub:
  // --allow-local-root); empty = anywhere (the CLI, run by the user themself).
  bool restrict_local = false;
  std::vector<std::string> allowed_local_roots;
};

struct OpenedTask {
  SyncTaskSpec spec;  // task_id filled in
  std::unique_ptr<ObjectStore> source;
  std::unique_ptr<ObjectStore> destination;
  std::unique_ptr<JobQueue> queue;
  std::unique_ptr<StateStore> state;
  std::string state_path;
  SyncOptions options;
};

// Parses and checks the locations (a prefix names a folder; a local source must be a
// directory), derives the default task id (the locations and where they are), opens
// both stores, the queue and the state store. Bad input is kInvalidArgument naming it.
Result<OpenedTask> OpenSyncTask(const OpenTaskInput& input);

// One side of a task opened as OpenSyncTask opens it (the same location checks and the
// --allow-local-root restriction), for the hub's connection test: nothing is created or
// written. A local destination that does not exist yet gives a null store (the task
// would create it). prefix: the side's key prefix (a folder), "" for local.
struct OpenedSide {
  std::unique_ptr<ObjectStore> store;
  std::string prefix;
};
Result<OpenedSide> OpenTaskSide(const OpenTaskInput& input, bool source);

// Whether path (absolute) is one of roots or below one, after resolving "." and ".."
// and symlinks of the existing part of the path.
bool IsUnderRoots(const std::string& path, const std::vector<std::string>& roots);

}  // namespace dth
