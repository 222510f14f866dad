// tests/integration/run_process: runs a program with arguments and extra environment,
// capturing stdout, stderr and the exit status (bounded by a timeout).
// Thread-safety: reentrant.
#pragma once

#include <functional>
#include <map>
#include <sys/types.h>
#include <string>
#include <vector>

namespace dth::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
};

// env: variables to set ("" value = unset). clear_aws: drop AWS_* from the environment.
// on_start, when given, receives the child's pid as soon as it runs (to signal it).
ProcessResult RunProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {}, int timeout_seconds = 120,
                         const std::function<void(pid_t)>& on_start = nullptr);

}  // namespace dth::testing
