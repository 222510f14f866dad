// sync/record_cursor: answers "what was recorded for this key?" for keys asked in
// ascending order by reading the task's object records a page at a time, in key order,
// instead of one query per key. A finder thread walks its key range in order, so a
// no-op re-run over N keys costs about N/1000 state queries rather than N (on SQLite,
// each query also takes and drops the database's shared lock: two fcntl calls).
// A key at or below the last one asked, or far past the page in hand, is looked up on
// its own, and the pages continue from there.
// Thread-safety: one thread at a time; give each thread its own cursor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "state/state_store.h"

namespace dth {

class RecordCursor {
 public:
  RecordCursor(StateStore& state, std::string task_id, int page_size = 1000)
      : state_(state), task_id_(std::move(task_id)), page_size_(page_size) {}

  // The record of key, nullopt when there is none.
  Result<std::optional<ObjectRecord>> Find(const std::string& key);

  int queries() const { return queries_; }  // state queries made so far (for tests)

 private:
  Result<std::optional<ObjectRecord>> FindAlone(const std::string& key);
  Status Load(std::string start_after);  // by value: it may be a key of the page it replaces

  StateStore& state_;
  std::string task_id_;
  int page_size_;
  bool started_ = false;
  std::string last_;   // the last key asked
  std::string after_;  // the page (loaded or to load) holds the records after this key
  bool loaded_ = false;
  std::vector<ObjectRecord> page_;  // the records after after_, up to page_end_
  size_t pos_ = 0;                  // page_[..pos_) are below every key still to come
  bool final_ = false;              // the page reaches the task's last record
  int queries_ = 0;
};

}  // namespace dth
