// control/store/sqlite/sqlite_control_store: the embedded ControlStore on SQLite (WAL):
// one file (control.db in the data directory) that any number of handles and processes
// may share, or ":memory:" (private to one instance). Schema component "control".
// Tasks: sqlite_control_store.cc; runs: sqlite_control_runs.cc; users, tokens and
// secrets: sqlite_control_auth.cc; metric samples and logs: sqlite_control_metrics.cc.
// Thread-safety: safe for concurrent use; calls on one instance are serialised.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/store/control_store.h"
#include "state/sqlite/sqlite_db.h"

namespace dth::control {

class SqliteControlStore : public ControlStore {
 public:
  static Result<std::unique_ptr<SqliteControlStore>> Open(const std::string& path,
                                                          const ControlStoreOptions& options = {});

  Result<TaskRecord> CreateTask(const TaskRecord& task) override;
  Result<TaskRecord> GetTask(const std::string& id) override;
  Result<TaskRecord> UpdateTask(const TaskRecord& task, int64_t expected_revision) override;
  Status DeleteTask(const std::string& id) override;
  Result<TaskPage> ListTasks(const TaskQuery& query) override;
  Result<std::vector<TaskRecord>> DueTasks(TimePoint now, int limit) override;
  Result<std::vector<TaskRecord>> TasksInStatus(const std::vector<TaskStatus>& statuses) override;

  Result<RunRecord> StartRun(const std::string& task_id, const std::string& trigger) override;
  Status UpdateRun(const RunRecord& run) override;
  Result<RunRecord> GetRun(int64_t id) override;
  Result<std::vector<RunRecord>> ListRuns(const std::string& task_id, int64_t before_id,
                                          int limit) override;

  Status CreateUser(const UserRecord& user) override;
  Result<UserRecord> GetUser(const std::string& username) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Status UpdateUser(const UserRecord& user) override;
  Status DeleteUser(const std::string& username) override;
  Result<int64_t> CountUsers() override;

  Status CreateToken(const TokenRecord& token) override;
  Result<TokenRecord> FindToken(const std::string& token_hash, TimePoint now) override;
  Result<std::vector<TokenRecord>> ListTokens(const std::string& username) override;
  Status TouchToken(const std::string& id, TimePoint used_at) override;
  Status DeleteToken(const std::string& id) override;
  Result<int64_t> DeleteExpiredTokens(TimePoint now) override;

  Status CreateSecret(const SecretRecord& secret) override;
  Result<SecretRecord> GetSecret(const std::string& name) override;
  Result<std::vector<SecretRecord>> ListSecrets() override;
  Status UpdateSecret(const SecretRecord& secret) override;
  Status DeleteSecret(const std::string& name) override;

  Status AddSamples(const std::vector<MetricSample>& samples) override;
  Result<std::vector<MetricSample>> ListSamples(const MetricQuery& query) override;
  Result<int64_t> DeleteSamplesBefore(TimePoint before) override;

  Result<int64_t> AppendLog(const LogEntry& entry) override;
  Result<std::vector<LogEntry>> ListLogs(const LogQuery& query) override;
  Result<int64_t> DeleteLogsBefore(TimePoint before) override;

  Result<int64_t> AddNotification(const NotificationRecord& notification) override;
  Result<std::vector<NotificationRecord>> ListNotifications(int limit) override;
  Status DeleteNotification(int64_t id) override;

 protected:
  // On a database whose schema Open has already ensured.
  SqliteControlStore(std::shared_ptr<SqliteConnection> conn, const ControlStoreOptions& options);
  // A candidate id for CreateTask ("t-" + 12 random hex); tests force collisions.
  virtual std::string NewTaskId();

 private:
  int64_t NowMs() const { return ToUnixMs(options_.clock->Now()); }
  Result<std::vector<TaskRecord>> SelectTasks(SqliteStatement& select);

  std::shared_ptr<SqliteConnection> conn_;
  std::mutex& mu_;                 // conn_->mu
  std::unique_ptr<SqliteDb>& db_;  // conn_->db
  ControlStoreOptions options_;
};

}  // namespace dth::control
