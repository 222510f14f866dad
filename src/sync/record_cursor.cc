#include "sync/record_cursor.h"

namespace dth {

Result<std::optional<ObjectRecord>> RecordCursor::FindAlone(const std::string& key) {
  ++queries_;
  started_ = true;
  last_ = key;
  after_ = key;
  loaded_ = false;
  auto record = state_.GetObject(task_id_, key);
  if (record.ok()) return std::optional<ObjectRecord>(std::move(record).value());
  if (record.status().code() == Code::kNotFound) return std::optional<ObjectRecord>();
  return record.status();
}

Status RecordCursor::Load(std::string start_after) {
  ++queries_;
  DTH_ASSIGN_OR_RETURN(ObjectPage page,
                       state_.ListObjects(ObjectQuery{task_id_, std::nullopt, start_after, page_size_, ""}));
  page_ = std::move(page.records);
  final_ = page.next_start_after.empty();
  after_ = std::move(start_after);
  pos_ = 0;
  loaded_ = true;
  return Status::Ok();
}

Result<std::optional<ObjectRecord>> RecordCursor::Find(const std::string& key) {
  if (!started_ || key <= last_) return FindAlone(key);
  last_ = key;
  if (!loaded_) DTH_RETURN_IF_ERROR(Load(after_));
  if (!final_ && (page_.empty() || key > page_.back().key)) {
    // Past the page in hand: the next one, unless the key is further still (a jump to
    // another key range), which is looked up alone.
    DTH_RETURN_IF_ERROR(Load(page_.empty() ? after_ : page_.back().key));
    if (!final_ && (page_.empty() || key > page_.back().key)) return FindAlone(key);
  }
  while (pos_ < page_.size() && page_[pos_].key < key) ++pos_;
  if (pos_ < page_.size() && page_[pos_].key == key) return std::optional<ObjectRecord>(page_[pos_]);
  return std::optional<ObjectRecord>();
}

}  // namespace dth
