#include "control/tasks/task_events.h"

#include <cstdio>
#include <ctime>

namespace dth::control {

using json = nlohmann::json;

std::string Rfc3339(TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

json TimeOrNull(TimePoint t) {
  if (t == TimePoint{}) return nullptr;
  return Rfc3339(t);
}

json StatusEventJson(const TaskRecord& t) {
  return {{"task_id", t.id},
          {"status", TaskStatusName(t.status)},
          {"error", t.error.empty() ? json(nullptr) : json(t.error)},
          {"current_run_id", t.current_run_id == 0 ? json(nullptr) : json(t.current_run_id)},
          {"revision", t.revision},
          {"updated_at", TimeOrNull(t.updated_at)}};
}

json DeletedEventJson(const TaskRecord& t, TimePoint now) {
  json j = StatusEventJson(t);
  j["status"] = "DELETED";
  j["error"] = nullptr;
  j["current_run_id"] = nullptr;
  j["updated_at"] = Rfc3339(now);
  return j;
}

json LiveProgressJson(const LiveProgress& p) {
  return {{"run_id", p.run_id},
          {"phase", p.phase},
          {"objects_planned", p.objects_planned},
          {"bytes_planned", p.bytes_planned},
          {"objects_done", p.objects_done},
          {"bytes_done", p.bytes_done},
          {"objects_failed", p.objects_failed},
          {"objects_deleted", p.objects_deleted},
          {"retried_jobs", p.retried_jobs},
          {"planning_done", p.planning_done},
          {"bytes_per_second", p.bytes_per_second},
          {"eta_seconds", p.eta_seconds < 0 ? json(nullptr) : json(p.eta_seconds)},
          {"started_at", TimeOrNull(p.started_at)}};
}

json ProgressEventJson(const LiveProgress& p) {
  json j = LiveProgressJson(p);
  j["task_id"] = p.task_id;
  return j;
}

json LogEventJson(const LogEntry& e) {
  return {{"id", e.id},
          {"task_id", e.task_id},
          {"run_id", e.run_id == 0 ? json(nullptr) : json(e.run_id)},
          {"time", TimeOrNull(e.time)},
          {"level", LogLevelName(e.level)},
          {"message", e.message}};
}

std::string EventText(const json& payload) {
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace dth::control
