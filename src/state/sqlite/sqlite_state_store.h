// state/sqlite/sqlite_state_store: the embedded StateStore on SQLite (WAL), in a file
// shared by any number of processes (it may be the queue's file too), or ":memory:"
// (private to one instance). Decisions that depend on a count run in BEGIN IMMEDIATE
// transactions. Objects: sqlite_state_store.cc; uploads and runs: sqlite_state_runs.cc.
// Thread-safety: safe for concurrent use; calls on one instance are serialised.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "state/sqlite/sqlite_db.h"
#include "state/state_store.h"

namespace dth {

struct StateStoreOptions {
  Clock* clock = nullptr;  // not owned, must outlive the store; nullptr = wall clock
  std::chrono::milliseconds busy_timeout = std::chrono::seconds(30);
};

class SqliteStateStore : public StateStore {
 public:
  static Result<std::unique_ptr<SqliteStateStore>> Open(const std::string& path,
                                                        const StateStoreOptions& options = {});
  // On a connection shared with other users in this process (the queue).
  static Result<std::unique_ptr<SqliteStateStore>> Open(std::shared_ptr<SqliteConnection> conn,
                                                        const StateStoreOptions& options = {});

  Status UpsertObject(const ObjectRecord& record) override;
  Status UpsertObjects(const std::vector<ObjectRecord>& records) override;
  Result<std::vector<std::string>> SplitKeys(const std::string& task_id, int count) override;
  Result<ObjectRecord> GetObject(const std::string& task_id, const std::string& key) override;
  Result<ObjectPage> ListObjects(const ObjectQuery& query) override;
  Result<ObjectCounts> CountObjects(const std::string& task_id) override;

  Status RecordUpload(const UploadRecord& upload) override;
  Result<UploadRecord> FindUpload(const std::string& task_id, const std::string& key) override;
  Result<PartProgress> RecordPart(const std::string& task_id, const std::string& key,
                         const std::string& upload_id, int part_number,
                         const std::string& etag) override;
  Status DeleteUpload(const std::string& task_id, const std::string& key) override;
  Result<std::vector<StaleUpload>> StaleUploads(const std::string& task_id, int limit) override;
  Status ForgetUpload(const std::string& task_id, const std::string& upload_id) override;
  // File locks in "<database>.locks/" (in-process for ":memory:").
  Result<std::unique_ptr<TaskLock>> LockTask(const std::string& task_id,
                                             TaskLockMode mode) override;

  Result<int64_t> StartRun(const std::string& task_id) override;
  Status AddToRun(int64_t run_id, const RunCounters& delta) override;
  Status FinishRun(int64_t run_id) override;
  Result<RunRecord> GetRun(int64_t run_id) override;

 protected:
  // On a database whose schema Open has already ensured.
  SqliteStateStore(std::shared_ptr<SqliteConnection> conn, const StateStoreOptions& options);

 private:
  int64_t NowMs() const { return ToUnixMs(options_.clock->Now()); }

  std::shared_ptr<SqliteConnection> conn_;
  std::mutex& mu_;                  // conn_->mu
  std::unique_ptr<SqliteDb>& db_;   // conn_->db
  StateStoreOptions options_;
};

}  // namespace dth
