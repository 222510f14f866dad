// cli/sync_setup: the flags shared by `dth sync`, `dth finder` and `dth worker`, the
// merge of a task file with the flags given (flags win), and the opening of what a sync
// task runs on: both stores, the SQLite queue and state store, and the engine options.
// Thread-safety: used from the main thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "queue/job_queue.h"
#include "state/state_store.h"
#include "sync/open_task.h"
#include "sync/sync_task.h"

namespace dth::cli {

struct SyncArgs {
  SyncTaskSpec flags;     // values given on the command line
  std::string task_file;  // --task-file
  bool dry_run = false;
  bool json = false;
  bool wait = false;      // worker: keep waiting for jobs
  // sync: dead-letter housekeeping instead of a run.
  bool list_dead = false, requeue_dead = false, purge_dead = false;
  // Copies each flag that was given from `flags` onto a spec read from a task file.
  std::vector<std::function<void(SyncTaskSpec&)>> apply_given;
};

void AddSyncFlags(CLI::App* cmd, SyncArgs& args, bool with_locations);

// Opens the task the flags (and task file) describe (sync/open_task.h).
Result<OpenedTask> OpenTask(const SyncArgs& args, const GlobalOptions& g);

// --dead-letters, --requeue-dead-letters, --purge-dead-letters (cli/sync_dead_letters.cc).
void AddDeadLetterFlags(CLI::App* cmd, SyncArgs& args);
// Runs the dead-letter action asked for and returns the exit code; -1 when none was asked.
int DeadLetterCommand(OpenedTask& task, const SyncArgs& args);

// $DTH_STATE_DIR, else $XDG_STATE_HOME/dth, else ~/.local/state/dth.
std::string DefaultStateDir();

}  // namespace dth::cli
