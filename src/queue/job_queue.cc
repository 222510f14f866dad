#include "queue/job_queue.h"

namespace dth {

Status JobQueue::DeleteBatch(const std::vector<Lease>& leases) {
  for (const Lease& lease : leases) {
    Status st = Delete(lease);
    if (!st.ok() && st.code() != Code::kPreconditionFailed) return st;
  }
  return Status::Ok();
}

}  // namespace dth
