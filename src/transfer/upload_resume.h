// transfer/upload_resume: the one place that decides whether a multipart upload is
// resumed or started: the journal's upload is resumed only when it copies the same
// source version (PinVersion: the ETag, or a local file's version token) with the same
// part plan and the destination still has it; its parts are the destination's list
// (ListParts) where the server has one, else the journal's. Any other recorded upload
// is aborted (best effort) and a new one is created and recorded. Used by a multipart
// copy (transfer/object_copy) and by the sync engine's giant objects (part jobs).
// Thread-safety: reentrant; the store and journal must be thread-safe.
#pragma once

#include <string>
#include <vector>

#include "store/object_store.h"
#include "transfer/part_size.h"
#include "transfer/upload_journal.h"

namespace dth {

struct ResumedUpload {
  std::string upload_id;
  // Index n-1 for part n: the parts already uploaded (etag set, size checked against the
  // plan); the others have an empty etag.
  std::vector<PartInfo> parts;
  int resumed = 0;     // parts found already uploaded
  bool created = false;
};

// pin: the source version being copied (PinVersion of its head); size: its size.
Result<ResumedUpload> ResumeOrStartUpload(ObjectStore& destination, const std::string& key,
                                          const std::string& pin, uint64_t size,
                                          const PartPlan& plan, const PutOptions& put,
                                          UploadJournal& journal);

}  // namespace dth
