// control/store/store_support: what every ControlStore backend shares so they behave
// alike: task ids, the ListTasks cursor, LIKE patterns for the text filters, and the
// argument checks of the queries. Backends only; nothing above the interface uses it.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "control/store/control_store.h"
#include "core/result.h"

namespace dth::control {

inline constexpr int kMaxPageLimit = 1000;   // TaskQuery, LogQuery, ListRuns
inline constexpr size_t kMaxTextFilter = 1024;  // bytes of TaskQuery/LogQuery text

// "t-" + 12 random lower-case hex digits (OpenSSL's random generator).
std::string NewTaskId();
bool IsTaskId(std::string_view id);

// Where a ListTasks page ended, in its order (created_at desc, id desc).
struct TaskCursor {
  int64_t created_at_ms = 0;
  std::string id;
};
// Opaque to callers: base64url (no padding) of "<created_at_ms>.<id>".
std::string EncodeTaskCursor(const TaskCursor& cursor);
// kInvalidArgument unless `cursor` is exactly what EncodeTaskCursor makes of a task id.
Result<TaskCursor> DecodeTaskCursor(const std::string& cursor);

// A LIKE pattern matching `text` anywhere: "%" + text + "%" with '\', '%' and '_'
// escaped by '\' (use it with ESCAPE '\').
std::string LikeSubstring(std::string_view text);

// kInvalidArgument with a one-line reason, else OK.
Status CheckLimit(const char* what, int limit);  // 1..kMaxPageLimit
Status CheckTaskQuery(const TaskQuery& query);
Status CheckMetricQuery(const MetricQuery& query);
Status CheckLogQuery(const LogQuery& query);
Status CheckUsername(const std::string& username);  // [a-z0-9._-]{1,64}
Status CheckSecretName(const std::string& name);    // [A-Za-z0-9._-]{1,128}

}  // namespace dth::control
