// cli/task_commands: what the `dth task` subcommands share (internal to cli/task*.cc):
// the options every one takes and the runners of the less simple ones.
// Thread-safety: main thread only.
#pragma once

#include <string>
#include <vector>

#include "cli/task_api.h"

namespace dth::cli {

struct TaskCommon {
  std::string server;  // --server ("" = $DTH_SERVER or http://127.0.0.1:8080)
  bool json = false;   // --json: the API's JSON on stdout
  bool no_verify_tls = false;
};

// Prints the answer as indented JSON on stdout.
void PrintJson(const json& value);

// `dth task logs ID [--run N] [--level L] [--follow]`.
int RunTaskLogs(const TaskApi& api, const TaskCommon& common, const std::string& id, int64_t run,
                const std::string& level, bool follow);
// `dth task objects ID [--status S] [--prefix P] [--limit N] [--all]` (an image task is
// refused with a pointer to `images`).
int RunTaskObjects(const TaskApi& api, const TaskCommon& common, const std::string& id,
                   const std::string& status, const std::string& prefix, int limit, bool all);
// `dth task images ID`: an image task's per-image records (source and destination
// digests, status, error); an s3 task is refused with a pointer to `objects`.
int RunTaskImages(const TaskApi& api, const TaskCommon& common, const std::string& id);
// `dth task login --username U`: the password from $DTH_PASSWORD or stdin; the token on stdout.
int RunTaskLogin(const TaskApi& api, const std::string& username);
// Polls the task until it is DONE, ERROR or STOPPED; 0 for DONE, else 1.
int WaitForTask(const TaskApi& api, const TaskCommon& common, const std::string& id);

}  // namespace dth::cli
