// cli/task_format: how `dth task` shows the hub's answers to a person — aligned tables
// for lists, "name: value" lines for one task, one line per log entry. (--json prints
// the API's JSON instead, for scripts.)
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/human_bytes.h"  // HumanBytes, used by the formatters and their tests

namespace dth::cli {

// Columns padded to their widest cell; the last column is not padded.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);
// A JSON value as a cell: strings bare, null as "-", others dumped.
std::string Cell(const nlohmann::json& value);

// PROGRESS: a running task's live progress, else its last run's totals.
std::string FormatTaskList(const nlohmann::json& tasks);
// `last_run`: the task's latest run (GET .../runs?limit=1), or null.
std::string FormatTask(const nlohmann::json& task, const nlohmann::json& last_run);
std::string FormatObjects(const nlohmann::json& objects);
std::string FormatImages(const nlohmann::json& images);
std::string FormatLogLine(const nlohmann::json& entry);

}  // namespace dth::cli
