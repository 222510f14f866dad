// control/tasks/task_service: the hub's tasks — create (or import), edit when not
// running, start (run now, or resume a stopped schedule), stop (keeps its state; a
// later start resumes), clone, delete (the task and its state, never the data it
// copied) — with the lifecycle the original showed:
//   STARTING -> IN_PROGRESS -> DONE | ERROR,   STOPPING -> STOPPED.
// A one-time task is DONE when its run ended with every object copied and none failed,
// ERROR (with the reason, the failed keys in its objects) when any failed for good.
// A scheduled task runs at creation and then on its schedule; a firing while its
// previous run still runs is skipped (and logged); after downtime, missed firings give
// one run at start-up, then the schedule. Per-object status comes from the task's
// own state file; failed objects can be retried (all, or chosen keys).
// Thread-safety: thread-safe (task record changes are serialised).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "control/events/event_hub.h"
#include "control/store/control_store.h"
#include "control/tasks/task_definition.h"
#include "control/tasks/task_runner.h"
#include "state/state_store.h"

namespace dth::control {

// Called when a run ends (notifications).
using RunEndedHook = std::function<void(const TaskRecord& task, const RunOutcome& outcome)>;

class TaskService {
 public:
  TaskService(ControlStore& store, TaskRunner& runner, EventHub& events, Clock* clock = nullptr);

  // body: the hub's form or the original's (task_definition.h). start=false creates it
  // STOPPED. warnings: what was accepted and ignored.
  Result<TaskRecord> Create(const std::string& body, bool start, std::vector<std::string>* warnings);
  Result<TaskRecord> Get(const std::string& id);
  Result<TaskPage> List(const TaskQuery& query);
  // Only while not running (kPreconditionFailed otherwise); if_revision > 0 must match.
  Result<TaskRecord> Edit(const std::string& id, const std::string& body, int64_t if_revision);
  // Stops a running task first (waits for its resumable point).
  Status Delete(const std::string& id);
  Result<TaskRecord> Start(const std::string& id);
  Result<TaskRecord> Stop(const std::string& id);
  Result<TaskRecord> Clone(const std::string& id);
  // A new run for failed objects: keys empty = every failed object of the task.
  Result<TaskRecord> Retry(const std::string& id, const std::vector<std::string>& keys);

  // The task's object records (status and prefix filters, paging by start_after).
  Result<ObjectPage> Objects(const std::string& id, ObjectQuery query);
  Result<ObjectCounts> ObjectTotals(const std::string& id);

  // The scheduler's step: starts the tasks due at `now`.
  void Tick(TimePoint now);
  // At start-up: resumes runs a restart interrupted; STOPPING tasks become STOPPED.
  Status Recover();

  // Set before the first run starts (it is read without a lock).
  void SetRunEndedHook(RunEndedHook hook) { run_ended_ = std::move(hook); }

  // Appends a line to a task's log (and publishes it live). Never fails the caller.
  void Log(const std::string& task_id, int64_t run_id, LogLevel level, const std::string& message);

 private:
  Result<TaskRecord> StartRun(TaskRecord task, const std::string& trigger,
                              std::vector<std::string> only_keys);
  void RunStarted(const std::string& task_id, int64_t run_id);
  void RunEnded(const RunOutcome& outcome);
  // Applies change to the stored task (read, change, write) under mu_.
  Result<TaskRecord> Change(const std::string& id, const std::function<Status(TaskRecord&)>& change);
  void Announce(const TaskRecord& task);
  Result<TaskDefinition> Definition(const TaskRecord& task) const;
  Result<std::unique_ptr<StateStore>> OpenState(const std::string& id);
  TimePoint Now() const { return clock_->Now(); }

  ControlStore& store_;
  TaskRunner& runner_;
  EventHub& events_;
  Clock* clock_;
  RunEndedHook run_ended_;
  std::recursive_mutex mu_;  // serialises read-change-write of task records
};

}  // namespace dth::control
