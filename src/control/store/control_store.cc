#include "control/store/control_store.h"

namespace dth::control {

const char* TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kStarting: return "STARTING";
    case TaskStatus::kInProgress: return "IN_PROGRESS";
    case TaskStatus::kDone: return "DONE";
    case TaskStatus::kError: return "ERROR";
    case TaskStatus::kStopping: return "STOPPING";
    case TaskStatus::kStopped: return "STOPPED";
  }
  return "UNKNOWN";
}

std::optional<TaskStatus> ParseTaskStatus(const std::string& name) {
  for (TaskStatus s : {TaskStatus::kStarting, TaskStatus::kInProgress, TaskStatus::kDone,
                       TaskStatus::kError, TaskStatus::kStopping, TaskStatus::kStopped}) {
    if (name == TaskStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "RUNNING";
    case RunStatus::kDone: return "DONE";
    case RunStatus::kError: return "ERROR";
    case RunStatus::kStopped: return "STOPPED";
  }
  return "UNKNOWN";
}

std::optional<RunStatus> ParseRunStatus(const std::string& name) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kDone, RunStatus::kError,
                      RunStatus::kStopped}) {
    if (name == RunStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

std::optional<LogLevel> ParseLogLevel(const std::string& name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LogLevelName(l)) return l;
  }
  return std::nullopt;
}

}  // namespace dth::control
