// transfer/upload_journal: where a multipart copy records its upload id and finished
// parts so that a later attempt — after a crash or a failed try — resumes the same
// upload instead of sending every part again. The sync engine backs it with the state
// store; a copy without a journal aborts its upload on failure.
// Thread-safety: implementations must allow PartDone from several threads at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/object_store.h"

namespace dth {

struct JournaledUpload {
  std::string upload_id;
  uint64_t part_size = 0;
  int part_count = 0;
  std::string source_etag;        // the source version being copied
  std::vector<PartInfo> parts;    // parts recorded done (size may be 0 = unknown)
};

class UploadJournal {
 public:
  virtual ~UploadJournal() = default;
  // The upload recorded for this object, if any.
  virtual Result<std::optional<JournaledUpload>> Find() = 0;
  // A new upload was created (replaces any earlier record and its parts).
  virtual Status Started(const JournaledUpload& upload) = 0;
  virtual Status PartDone(const std::string& upload_id, int part_number,
                          const std::string& etag) = 0;
  // The upload was completed or aborted: forget it.
  virtual Status Forget() = 0;
  // An earlier upload (not the one Started last) was aborted: it needs no more cleanup.
  virtual Status Abandoned(const std::string& upload_id) {
    (void)upload_id;
    return Status::Ok();
  }
};

}  // namespace dth
