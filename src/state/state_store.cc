#include "state/state_store.h"

namespace dth {

Result<std::vector<std::string>> StateStore::SplitKeys(const std::string& task_id, int count) {
  DTH_ASSIGN_OR_RETURN(ObjectCounts counts, CountObjects(task_id));
  std::vector<std::string> keys;
  const int64_t total = counts.total();
  if (count < 2 || total < count) return keys;
  ObjectQuery query;
  query.task_id = task_id;
  int64_t seen = 0;
  int64_t next = total / count;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(ObjectPage page, ListObjects(query));
    for (const ObjectRecord& r : page.records) {
      if (++seen == next && static_cast<int>(keys.size()) < count - 1) {
        keys.push_back(r.key);
        next = total * static_cast<int64_t>(keys.size() + 1) / count;
      }
    }
    if (page.next_start_after.empty()) return keys;
    query.start_after = page.next_start_after;
  }
}

Status StateStore::UpsertObjects(const std::vector<ObjectRecord>& records) {
  for (const ObjectRecord& r : records) DTH_RETURN_IF_ERROR(UpsertObject(r));
  return Status::Ok();
}

const char* ObjectStatusName(ObjectStatus status) {
  switch (status) {
    case ObjectStatus::kPending: return "pending";
    case ObjectStatus::kCopying: return "copying";
    case ObjectStatus::kDone: return "done";
    case ObjectStatus::kFailed: return "failed";
    case ObjectStatus::kSkipped: return "skipped";
  }
  return "unknown";
}

std::optional<ObjectStatus> ParseObjectStatus(const std::string& name) {
  for (ObjectStatus s : {ObjectStatus::kPending, ObjectStatus::kCopying, ObjectStatus::kDone,
                         ObjectStatus::kFailed, ObjectStatus::kSkipped}) {
    if (name == ObjectStatusName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace dth
