// sync/state_journal: the UploadJournal of one object kept in the StateStore's upload
// and part records, so that a multipart copy interrupted by a crash resumes its upload.
// Thread-safety: as thread-safe as the StateStore (which is).
#pragma once

#include <string>

#include "state/state_store.h"
#include "transfer/upload_journal.h"

namespace dth {

class StateJournal : public UploadJournal {
 public:
  StateJournal(StateStore& state, std::string task_id, std::string key)
      : state_(state), task_id_(std::move(task_id)), key_(std::move(key)) {}

  Result<std::optional<JournaledUpload>> Find() override;
  Status Started(const JournaledUpload& upload) override;
  Status PartDone(const std::string& upload_id, int part_number, const std::string& etag) override;
  Status Forget() override;
  Status Abandoned(const std::string& upload_id) override;

 private:
  StateStore& state_;
  const std::string task_id_;
  const std::string key_;
};

}  // namespace dth
