// control/tasks/task_definition: what a client sends to create or edit a task, checked
// field by field before anything is stored — the hub's own form
//   {"type": "s3"|"image", "description", "schedule": "once"|"rate(...)"|"cron(...)",
//    "parameters": {...}}
// and the original Data Transfer Hub's createTask input, so existing definitions import
//   {"type": "S3EC2"|"ECR", "description", "scheduleType": "ONE_TIME"|"FIXED_RATE",
//    "parameters": [{"ParameterKey": ..., "ParameterValue": ...}, ...]}.
// Parameters keep the original's names (srcBucket, destPrefix, workerNumber, ...) and
// dth's own task-file names (source, destination, ...). Every error is kInvalidArgument
// with Status::field() naming the member ("schedule", "parameters.srcBucket").
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "sync/sync_task.h"

namespace dth::control {

struct TaskDefinition {
  std::string type;         // "s3" | "image"
  std::string description;
  std::string schedule;     // normalised ("rate(5 minutes)")
  nlohmann::json parameters = nlohmann::json::object();  // validated, as given
  std::vector<std::string> warnings;  // the original's settings accepted and ignored
};

// A whole definition (create, import, or a full replace).
Result<TaskDefinition> ParseTaskDefinition(const std::string& body);

// An edit: the members present replace the task's (type cannot change; parameters, when
// present, replace all parameters). The result is checked as a whole.
Result<TaskDefinition> MergeTaskDefinition(const TaskDefinition& current, const std::string& body);

// Checks a definition (the schedule, and the parameters for its type) and normalises
// the schedule. The ParseTaskDefinition and MergeTaskDefinition results are checked.
Status CheckTaskDefinition(TaskDefinition& definition);

// An s3 task's parameters as the engine's spec (parameters already checked). The
// original's srcCredentials/destCredentials name hub credentials here: they land in
// the connections' `profile` field, which the hub resolves against its secrets.
Result<SyncTaskSpec> S3Spec(const nlohmann::json& parameters);

// An image task's parameters.
struct ImageTaskSpec {
  std::string source_registry;       // host[:port] or URL; ECR: from account + region
  std::string destination_registry;
  std::string source_credential;     // a hub credential name ("" = anonymous)
  std::string destination_credential;
  bool all = false;                  // srcList ALL
  std::vector<std::string> images;   // srcList SELECTED: "repo:tag", "repo:ALL_TAGS", ...
  std::string include_tags, exclude_tags;
  std::string destination_prefix;
  std::vector<std::string> platforms;
  int concurrency = 10;
  bool include_untagged = false;
};
Result<ImageTaskSpec> ImageSpec(const nlohmann::json& parameters);

}  // namespace dth::control
