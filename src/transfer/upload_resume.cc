#include "transfer/upload_resume.h"

#include <algorithm>

namespace dth {

Result<ResumedUpload> ResumeOrStartUpload(ObjectStore& destination, const std::string& key,
                                          const std::string& pin, uint64_t size,
                                          const PartPlan& plan, const PutOptions& put,
                                          UploadJournal& journal) {
  ResumedUpload state;
  state.parts.resize(static_cast<size_t>(plan.part_count));
  auto expected_size = [&](int n) {
    const uint64_t offset = static_cast<uint64_t>(n - 1) * plan.part_size;
    return std::min(plan.part_size, size - offset);
  };
  DTH_ASSIGN_OR_RETURN(std::optional<JournaledUpload> found, journal.Find());
  // An empty pin cannot tell two versions apart: never resume on it.
  if (found && !pin.empty() && found->source_etag == pin && found->part_size == plan.part_size &&
      found->part_count == plan.part_count && !found->upload_id.empty()) {
    std::vector<PartInfo> present = found->parts;
    bool alive = true;
    if (destination.Features().list_multipart_uploads) {
      // The destination knows best (a crash may come between UploadPart and recording
      // it); a server without ListParts leaves the journal's parts standing.
      auto listed = destination.ListParts(key, found->upload_id);
      if (listed.ok()) {
        present = *listed;
      } else if (listed.status().code() == Code::kNotFound) {
        alive = false;  // completed or aborted meanwhile
      } else if (listed.status().retryable()) {
        return listed.status();
      }
    }
    if (alive) {
      state.upload_id = found->upload_id;
      for (const PartInfo& p : present) {
        if (p.part_number < 1 || p.part_number > plan.part_count || p.etag.empty()) continue;
        if (p.size != 0 && p.size != expected_size(p.part_number)) continue;
        PartInfo& slot = state.parts[static_cast<size_t>(p.part_number - 1)];
        if (slot.etag.empty()) ++state.resumed;
        slot = PartInfo{p.part_number, p.etag, expected_size(p.part_number)};
      }
      return state;
    }
  } else if (found && !found->upload_id.empty()) {
    // Another version's (or another plan's) upload: it can never be completed. If the
    // abort fails, the task's next run aborts it (it stays a StaleUpload).
    Status aborted = destination.AbortMultipartUpload(key, found->upload_id);
    if (aborted.ok() || aborted.code() == Code::kNotFound) {
      DTH_RETURN_IF_ERROR(journal.Abandoned(found->upload_id));
    }
  }
  DTH_ASSIGN_OR_RETURN(state.upload_id, destination.CreateMultipartUpload(key, put));
  state.created = true;
  DTH_RETURN_IF_ERROR(journal.Started(
      JournaledUpload{state.upload_id, plan.part_size, plan.part_count, pin, {}}));
  return state;
}

}  // namespace dth
