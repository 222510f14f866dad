// control/tasks/task_events: the payloads of the hub's live events (EventHub, and the
// API's server-sent event streams), one shape per event type whatever the moment:
//   status   {task_id, status, error, current_run_id, revision, updated_at} — on
//            connecting and on every change alike; status "DELETED" when deleted;
//   progress {task_id, run_id, phase, counts..., bytes_per_second, eta_seconds
//            (null when unknown), started_at} — the REST API's Progress plus task_id;
//   log      the REST API's LogEntry {id, task_id, run_id, time, level, message}.
// Times are RFC 3339 UTC with milliseconds, as in every REST answer (or null).
// openapi.json describes them (StatusEvent, ProgressEvent, LogEntry).
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/store/control_store.h"
#include "control/tasks/task_runner.h"

namespace dth::control {

// "2026-12-02T10:00:00.000Z".
std::string Rfc3339(TimePoint t);
// Rfc3339, or null for the epoch ("unset").
nlohmann::json TimeOrNull(TimePoint t);

nlohmann::json StatusEventJson(const TaskRecord& task);
// What a deleted task's last status event says (revision: its last one).
nlohmann::json DeletedEventJson(const TaskRecord& task, TimePoint now);
// The REST API's Progress (no task_id) ...
nlohmann::json LiveProgressJson(const LiveProgress& progress);
// ... and the event's (with task_id).
nlohmann::json ProgressEventJson(const LiveProgress& progress);
nlohmann::json LogEventJson(const LogEntry& entry);

// An event's data as text (invalid UTF-8 replaced: keys and messages are bytes).
std::string EventText(const nlohmann::json& payload);

}  // namespace dth::control
