// cli/task_input: the task definition `dth task create` sends — from a JSON or YAML file
// (or stdin), or from flags (--type, --schedule, --description, --param KEY=VALUE).
// YAML becomes the same JSON the API takes (scalars as strings, which the hub reads as
// the original's string parameters; `~`/null stays null).
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"

namespace dth::cli {

struct TaskFlags {
  std::string type;
  std::string schedule;
  std::string description;
  std::vector<std::string> params;  // KEY=VALUE
};

// Text of a definition (JSON when it starts with '{' or '[', else YAML) -> a JSON
// object; `name` names the input in errors. kInvalidArgument when it is neither.
Result<nlohmann::json> ParseDefinition(const std::string& text, const std::string& name);

// The file ("-" = stdin), with flags laid over it (flags win; params merge into
// "parameters"). With no file, the flags alone (--type is then required).
Result<nlohmann::json> BuildDefinition(const std::string& file, const TaskFlags& flags);

}  // namespace dth::cli
