// control/api/api_json: the JSON the hub's REST API answers with — tasks, runs, object
// records, image records, logs, metric points, credentials (never their values), users
// (never their hashes), tokens — and the problem details of a failed call. Times are
// RFC 3339 UTC strings with milliseconds ("2026-12-02T10:00:00.000Z"), or null.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "control/store/control_store.h"
#include "control/tasks/task_runner.h"
#include "imagesync/image_records.h"
#include "server/http_message.h"
#include "state/state_store.h"

namespace dth::control::api {

using json = nlohmann::json;

std::string Rfc3339(TimePoint t);
json Time(TimePoint t);  // null for the epoch
// "2026-12-02T10:00:00Z" (also with millis, or +hh:mm) -> time; nullopt when malformed.
std::optional<TimePoint> ParseRfc3339(const std::string& text);

json TaskJson(const TaskRecord& task, const std::optional<LiveProgress>& progress);
json ProgressJson(const LiveProgress& progress);
json RunJson(const RunRecord& run);
json ObjectJson(const ObjectRecord& record);
json ImageJson(const imagesync::ImageRecord& record);
json LogJson(const LogEntry& entry);
json SampleJson(const MetricSample& sample);
json SecretJson(const SecretRecord& secret);
json UserJson(const UserRecord& user);
json TokenJson(const TokenRecord& token);

// A failed call as RFC 9457 problem details: the status code follows the error's code
// (400 invalid input, 401 not signed in, 403, 404, 409 a conflict with the task's state,
// 415 an invalid input whose field is "Content-Type", 501, 503, 500), `code` is a stable
// string (the OpenAPI document lists them all), `field` names the input at fault.
server::Response Problem(const Status& status);
// JSON with invalid UTF-8 replaced (keys are bytes; a JSON answer must stay UTF-8).
server::Response JsonAnswer(int status, const json& body);

}  // namespace dth::control::api
