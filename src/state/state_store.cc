#include "state/state_store.h"

namespace dth {

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
