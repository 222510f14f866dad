// cli/task_input: the task definition `dth task create` sends, and the change `dth task
// edit` sends — from a JSON or YAML file (or stdin), or from flags (--type, --schedule,
// --description, --param KEY=VALUE).
// YAML becomes the same JSON the API takes (scalars as strings, which the hub reads as
// the original's string parameters; `~`/null stays null).
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dth::cli {

struct TaskFlags {
  std::string type;
  std::string schedule;
  std::optional<std::string> description;  // given, even empty (an edit then clears it)
  std::vector<std::string> params;  // KEY=VALUE
};

// Text of a definition (JSON when it starts with '{' or '[', else YAML) -> a JSON
// object; `name` names the input in errors. kInvalidArgument when it is neither.
Result<nlohmann::json> ParseDefinition(const std::string& text, const std::string& name);

// The file ("-" = stdin), with flags laid over it (flags win; params merge into
// "parameters"). With no file, the flags alone (--type is then required).
Result<nlohmann::json> BuildDefinition(const std::string& file, const TaskFlags& flags);

// What `dth task edit` sends (PATCH /api/v1/tasks/{id}): `current` is the task as the
// API answers it; the file's members (type, description, schedule, parameters — the
// file's parameters replace the task's) and then the flags are laid over it: --schedule
// and --description replace, --param KEY=VALUE sets one parameter, `unset` removes one.
// Only the members that change ({} when none does). kInvalidArgument when no change is
// asked for or the input is malformed.
Result<nlohmann::json> BuildEdit(const nlohmann::json& current, const std::string& file, const TaskFlags& flags,
                                 const std::vector<std::string>& unset);

}  // namespace dth::cli
