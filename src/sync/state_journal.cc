#include "sync/state_journal.h"

namespace dth {

Result<std::optional<JournaledUpload>> StateJournal::Find() {
  auto found = state_.FindUpload(task_id_, key_);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return std::optional<JournaledUpload>();
    return found.status();
  }
  JournaledUpload upload{found->upload_id, found->part_size, found->part_count,
                         found->source_etag, {}};
  for (const PartRecord& p : found->parts) upload.parts.push_back(PartInfo{p.part_number, p.etag, 0});
  return std::optional<JournaledUpload>(std::move(upload));
}

Status StateJournal::Started(const JournaledUpload& upload) {
  return state_.RecordUpload(UploadRecord{task_id_, key_, upload.upload_id, upload.part_size,
                                          upload.part_count, upload.source_etag, {}});
}

Status StateJournal::PartDone(const std::string& upload_id, int part_number,
                              const std::string& etag) {
  return state_.RecordPart(task_id_, key_, upload_id, part_number, etag).status();
}

Status StateJournal::Forget() { return state_.DeleteUpload(task_id_, key_); }

Status StateJournal::Abandoned(const std::string& upload_id) {
  return state_.ForgetUpload(task_id_, upload_id);
}

}  // namespace dth
