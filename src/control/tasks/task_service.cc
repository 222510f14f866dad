#include "control/tasks/task_service.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "control/schedule/schedule.h"
#include "control/tasks/task_events.h"
#include "state/sqlite/sqlite_state_store.h"

namespace dth::control {
namespace {

bool Active(TaskStatus s) {
  return s == TaskStatus::kStarting || s == TaskStatus::kInProgress || s == TaskStatus::kStopping;
}

Status Busy(const std::string& id, const std::string& what) {
  return Status(Code::kPreconditionFailed, "task " + id + " is running: stop it before you " + what);
}

std::optional<TimePoint> NextFiring(const std::string& schedule_text, TimePoint after,
                                    TimePoint anchor) {
  auto schedule = ParseSchedule(schedule_text);
  if (!schedule.ok()) return std::nullopt;
  return schedule->Next(after, anchor);
}

}  // namespace

TaskService::TaskService(ControlStore& store, TaskRunner& runner, EventHub& events, Clock* clock)
    : store_(store), runner_(runner), events_(events), clock_(clock ? clock : SystemClock()) {}

Result<TaskDefinition> TaskService::Definition(const TaskRecord& task) const {
  TaskDefinition d;
  d.type = task.type;
  d.description = task.description;
  d.schedule = task.schedule;
  d.parameters = nlohmann::json::parse(task.parameters, nullptr, false);
  if (!d.parameters.is_object()) return Corruption("task " + task.id + ": its parameters are damaged");
  return d;
}

void TaskService::Announce(const TaskRecord& task) {
  events_.Publish(HubEvent{"status", task.id, EventText(StatusEventJson(task))});
}

void TaskService::Log(const std::string& task_id, int64_t run_id, LogLevel level,
                      const std::string& message) {
  LogEntry entry{0, task_id, run_id, Now(), level, message};
  auto id = store_.AppendLog(entry);
  if (!id.ok()) return;
  entry.id = *id;
  events_.Publish(HubEvent{"log", task_id, EventText(LogEventJson(entry))});
}

Result<TaskRecord> TaskService::Change(const std::string& id,
                                       const std::function<Status(TaskRecord&)>& change) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  DTH_RETURN_IF_ERROR(change(task));
  DTH_ASSIGN_OR_RETURN(TaskRecord updated, store_.UpdateTask(task, task.revision));
  Announce(updated);
  return updated;
}

Result<TaskRecord> TaskService::Create(const std::string& body, bool start,
                                       std::vector<std::string>* warnings) {
  DTH_ASSIGN_OR_RETURN(TaskDefinition d, ParseTaskDefinition(body));
  DTH_RETURN_IF_ERROR(runner_.CheckCredentials(d.type, d.parameters));
  if (warnings != nullptr) *warnings = d.warnings;
  TaskRecord task;
  task.type = d.type;
  task.description = d.description;
  task.schedule = d.schedule;
  task.parameters = d.parameters.dump();
  task.status = TaskStatus::kStopped;
  TaskRecord created;
  {
    std::lock_guard lock(mu_);
    DTH_ASSIGN_OR_RETURN(created, store_.CreateTask(task));
  }
  Log(created.id, 0, LogLevel::kInfo, "task created (" + created.type + ", " + created.schedule + ")");
  for (const std::string& w : d.warnings) Log(created.id, 0, LogLevel::kWarn, w);
  if (!start) return created;
  return StartRun(created, "manual", {});
}

Result<TaskRecord> TaskService::Get(const std::string& id) { return store_.GetTask(id); }

Result<TaskPage> TaskService::List(const TaskQuery& query) { return store_.ListTasks(query); }

Result<TaskRecord> TaskService::Edit(const std::string& id, const std::string& body,
                                     int64_t if_revision) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  if (Active(task.status) || runner_.Running(id)) return Busy(id, "edit it");
  if (if_revision > 0 && if_revision != task.revision) {
    return Status(Code::kPreconditionFailed, "task " + id + " changed since revision " +
                                                 std::to_string(if_revision) + " (it is at " +
                                                 std::to_string(task.revision) + ")");
  }
  DTH_ASSIGN_OR_RETURN(TaskDefinition current, Definition(task));
  DTH_ASSIGN_OR_RETURN(TaskDefinition edited, MergeTaskDefinition(current, body));
  DTH_RETURN_IF_ERROR(runner_.CheckCredentials(edited.type, edited.parameters));
  const bool schedule_changed = edited.schedule != task.schedule;
  task.description = edited.description;
  task.schedule = edited.schedule;
  task.parameters = edited.parameters.dump();
  // A waiting schedule follows the new one from now; a stopped task stays stopped.
  if (schedule_changed && task.next_run_at != TimePoint{}) {
    task.next_run_at = NextFiring(task.schedule, Now(), Now()).value_or(TimePoint{});
  }
  DTH_ASSIGN_OR_RETURN(TaskRecord updated, store_.UpdateTask(task, task.revision));
  Log(id, 0, LogLevel::kInfo, "task edited (revision " + std::to_string(updated.revision) + ")");
  Announce(updated);
  return updated;
}

Status TaskService::Delete(const std::string& id) {
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  if (runner_.Running(id)) {
    runner_.Stop(id);
    if (!runner_.Wait(id, std::chrono::minutes(2))) {
      return Status(Code::kPreconditionFailed,
                    "task " + id + " did not stop within 2 minutes; try again");
    }
  }
  std::lock_guard lock(mu_);
  if (auto latest = store_.GetTask(id); latest.ok()) task = *latest;  // its last revision
  // Its state (queue, records, uploads journal) goes; the data it copied stays.
  std::error_code ec;
  std::filesystem::remove_all(runner_.TaskDir(id), ec);
  if (ec) return IoError("cannot remove " + runner_.TaskDir(id) + ": " + ec.message());
  DTH_RETURN_IF_ERROR(store_.DeleteTask(id));
  events_.Publish(HubEvent{"status", id, EventText(DeletedEventJson(task, Now()))});
  return Status::Ok();
}

Result<TaskRecord> TaskService::StartRun(TaskRecord task, const std::string& trigger,
                                         std::vector<std::string> only_keys) {
  std::lock_guard lock(mu_);
  if (runner_.Running(task.id)) {
    return Status(Code::kPreconditionFailed, "task " + task.id + " is already running");
  }
  DTH_ASSIGN_OR_RETURN(RunRecord run, store_.StartRun(task.id, trigger));
  DTH_ASSIGN_OR_RETURN(TaskRecord updated, Change(task.id, [&](TaskRecord& t) {
    t.status = TaskStatus::kStarting;
    t.error.clear();
    t.current_run_id = run.id;
    // The schedule's next firing: a firing moves along the grid it is on; a manual run
    // leaves a waiting schedule as it is; a schedule paused by a stop starts again from now.
    if (trigger == "schedule" || t.next_run_at == TimePoint{}) {
      const TimePoint anchor = t.next_run_at == TimePoint{} ? Now() : t.next_run_at;
      t.next_run_at = NextFiring(t.schedule, Now(), anchor).value_or(TimePoint{});
    }
    return Status::Ok();
  }));
  Log(task.id, run.id, LogLevel::kInfo,
      "run " + std::to_string(run.id) + " started (" + trigger + ")" +
          (only_keys.empty() ? "" : " for " + std::to_string(only_keys.size()) + " objects"));
  TaskRunner::Callbacks callbacks;
  const std::string id = task.id;
  const int64_t run_id = run.id;
  callbacks.started = [this, id, run_id] { RunStarted(id, run_id); };
  callbacks.done = [this](const RunOutcome& outcome) { RunEnded(outcome); };
  Status started = runner_.Start(updated, run.id, std::move(only_keys), std::move(callbacks));
  if (!started.ok()) {
    run.status = RunStatus::kError;
    run.error = started.ToString();
    run.finished_at = Now();
    (void)store_.UpdateRun(run);
    return Change(id, [&](TaskRecord& t) {
      t.status = TaskStatus::kError;
      t.error = started.ToString();
      t.current_run_id = 0;
      return Status::Ok();
    });
  }
  return updated;
}

void TaskService::RunStarted(const std::string& task_id, int64_t run_id) {
  (void)Change(task_id, [&](TaskRecord& t) {
    if (t.current_run_id == run_id && t.status == TaskStatus::kStarting) t.status = TaskStatus::kInProgress;
    return Status::Ok();
  });
}

void TaskService::RunEnded(const RunOutcome& outcome) {
  if (outcome.status == RunStatus::kRunning) return;  // the hub stops: it resumes next start
  auto updated = Change(outcome.task_id, [&](TaskRecord& t) {
    if (t.current_run_id == outcome.run_id) t.current_run_id = 0;
    switch (outcome.status) {
      case RunStatus::kDone:
        t.status = TaskStatus::kDone;
        t.error.clear();
        break;
      case RunStatus::kError:
        t.status = TaskStatus::kError;
        t.error = outcome.error;
        break;
      case RunStatus::kStopped:
      case RunStatus::kRunning:
        // Stopped by the user: the schedule waits until a start.
        t.status = TaskStatus::kStopped;
        t.error.clear();
        t.next_run_at = TimePoint{};
        break;
    }
    return Status::Ok();
  });
  if (updated.ok() && run_ended_) run_ended_(*updated, outcome);
}

Result<TaskRecord> TaskService::Start(const std::string& id) {
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  if (Active(task.status) || runner_.Running(id)) {
    return Status(Code::kPreconditionFailed, "task " + id + " is already running");
  }
  return StartRun(task, "manual", {});
}

Result<TaskRecord> TaskService::Stop(const std::string& id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  if (runner_.Running(id)) {
    DTH_ASSIGN_OR_RETURN(TaskRecord stopping, Change(id, [](TaskRecord& t) {
      t.status = TaskStatus::kStopping;
      t.next_run_at = TimePoint{};
      return Status::Ok();
    }));
    Log(id, task.current_run_id, LogLevel::kInfo, "stopping at a resumable point");
    runner_.Stop(id);
    return stopping;
  }
  // Not running: a waiting schedule is paused; a finished task stays as it is.
  return Change(id, [](TaskRecord& t) {
    if (t.next_run_at != TimePoint{} || Active(t.status)) t.status = TaskStatus::kStopped;
    t.next_run_at = TimePoint{};
    t.current_run_id = 0;
    return Status::Ok();
  });
}

Result<TaskRecord> TaskService::Clone(const std::string& id) {
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  TaskRecord copy;
  copy.type = task.type;
  copy.description = task.description.empty() ? "copy of " + task.id : "copy of " + task.description;
  if (copy.description.size() > 1024) copy.description.resize(1024);
  copy.schedule = task.schedule;
  copy.parameters = task.parameters;
  copy.status = TaskStatus::kStopped;
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(TaskRecord created, store_.CreateTask(copy));
  Log(created.id, 0, LogLevel::kInfo, "task created as a copy of " + id);
  return created;
}

Result<std::unique_ptr<StateStore>> TaskService::OpenState(const std::string& id) {
  DTH_RETURN_IF_ERROR(store_.GetTask(id).status());
  const std::string path = runner_.StatePath(id);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::unique_ptr<StateStore>();  // never ran
  DTH_ASSIGN_OR_RETURN(auto state, SqliteStateStore::Open(path));
  return std::unique_ptr<StateStore>(std::move(state));
}

Result<ObjectPage> TaskService::Objects(const std::string& id, ObjectQuery query) {
  DTH_ASSIGN_OR_RETURN(auto state, OpenState(id));
  if (!state) return ObjectPage{};
  query.task_id = id;
  return state->ListObjects(query);
}

Result<ObjectCounts> TaskService::ObjectTotals(const std::string& id) {
  DTH_ASSIGN_OR_RETURN(auto state, OpenState(id));
  if (!state) return ObjectCounts{};
  return state->CountObjects(id);
}

Result<TaskRecord> TaskService::Retry(const std::string& id, const std::vector<std::string>& keys) {
  DTH_ASSIGN_OR_RETURN(TaskRecord task, store_.GetTask(id));
  if (Active(task.status) || runner_.Running(id)) return Busy(id, "retry objects");
  if (task.type != "s3") {
    return StartRun(task, "retry", {});  // an image run retries every failed image
  }
  std::vector<std::string> only = keys;
  if (only.empty()) {
    // Every failed object: a normal run copies them (a failed record is unfinished) and
    // skips what is done, so it is the run that retries them.
    return StartRun(task, "retry", {});
  }
  DTH_ASSIGN_OR_RETURN(auto state, OpenState(id));
  for (const std::string& key : only) {
    if (!state) return InvalidArgument("task " + id + " has no objects yet").WithField("keys");
    auto record = state->GetObject(id, key);
    if (!record.ok()) {
      if (record.status().code() == Code::kNotFound)
        return InvalidArgument("task " + id + " has no object '" + key + "'").WithField("keys");
      return record.status();
    }
  }
  return StartRun(task, "retry", std::move(only));
}

void TaskService::Tick(TimePoint now) {
  auto due = store_.DueTasks(now, 100);
  if (!due.ok()) {
    spdlog::warn("scheduler: {}", due.status().ToString());
    return;
  }
  for (const TaskRecord& task : *due) {
    if (runner_.Running(task.id) || Active(task.status)) {
      // The original's finder refused to start with a non-empty queue: skip, and say so.
      auto skipped = Change(task.id, [&](TaskRecord& t) {
        t.next_run_at = NextFiring(t.schedule, now, t.next_run_at).value_or(TimePoint{});
        return Status::Ok();
      });
      Log(task.id, task.current_run_id, LogLevel::kWarn,
          "a scheduled run was skipped: the previous run is still running");
      continue;
    }
    auto started = StartRun(task, "schedule", {});
    if (!started.ok()) spdlog::warn("scheduler: task {}: {}", task.id, started.status().ToString());
  }
}

Status TaskService::Recover() {
  DTH_ASSIGN_OR_RETURN(std::vector<TaskRecord> interrupted,
                       store_.TasksInStatus({TaskStatus::kStarting, TaskStatus::kInProgress,
                                             TaskStatus::kStopping}));
  for (const TaskRecord& task : interrupted) {
    if (task.status == TaskStatus::kStopping || task.current_run_id == 0) {
      if (task.current_run_id != 0) {
        if (auto run = store_.GetRun(task.current_run_id); run.ok() && run->status == RunStatus::kRunning) {
          run->status = RunStatus::kStopped;
          run->finished_at = Now();
          (void)store_.UpdateRun(*run);
        }
      }
      (void)Change(task.id, [](TaskRecord& t) {
        t.status = TaskStatus::kStopped;
        t.current_run_id = 0;
        t.next_run_at = TimePoint{};
        return Status::Ok();
      });
      continue;
    }
    // The run goes on where it stopped: its engine state is in the task's state file.
    Log(task.id, task.current_run_id, LogLevel::kInfo,
        "resuming run " + std::to_string(task.current_run_id) + " after a restart");
    TaskRunner::Callbacks callbacks;
    const std::string id = task.id;
    const int64_t run_id = task.current_run_id;
    callbacks.started = [this, id, run_id] { RunStarted(id, run_id); };
    callbacks.done = [this](const RunOutcome& outcome) { RunEnded(outcome); };
    (void)Change(id, [](TaskRecord& t) {
      t.status = TaskStatus::kStarting;
      return Status::Ok();
    });
    Status st = runner_.Start(task, run_id, {}, std::move(callbacks));
    if (!st.ok()) spdlog::warn("task {}: could not resume: {}", id, st.ToString());
  }
  return Status::Ok();
}

}  // namespace dth::control
