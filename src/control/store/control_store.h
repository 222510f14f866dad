// control/store/control_store: the ControlStore interface — everything the hub (dth
// serve) keeps besides the engines' per-task queues and object records: tasks, runs,
// users, API tokens and sessions, named credentials, per-minute metric samples and run
// logs — and its value types. Implemented on SQLite now (control/store/sqlite), on
// PostgreSQL later; one conformance suite (control/store/conformance) holds every
// backend to the same behaviour. Nothing above this interface knows the backend.
// Times are the store clock's (ControlStoreOptions), milliseconds since the Unix epoch.
// Lists page with an opaque cursor: a page's next_cursor ("" on the last page) is passed
// back as the next query's cursor; a cursor stays valid while rows are added (a malformed
// one is kInvalidArgument). Text filters fold ASCII letters only (other bytes match as
// they are) and take '%', '_' and '\' literally. Limits outside 1..1000 are
// kInvalidArgument. Ids of runs and logs are never reused, even after deletes.
// Thread-safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace dth::control {

// What every backend's Open takes besides where the database is.
struct ControlStoreOptions {
  Clock* clock = nullptr;  // not owned, must outlive the store; nullptr = the system clock
  // How long a call waits for a lock another writer holds before failing kTransient.
  std::chrono::milliseconds busy_timeout = std::chrono::seconds(30);
};

// The lifecycle the original Data Transfer Hub showed, kept as is.
enum class TaskStatus { kStarting, kInProgress, kDone, kError, kStopping, kStopped };
const char* TaskStatusName(TaskStatus status);  // "STARTING", "IN_PROGRESS", ...
std::optional<TaskStatus> ParseTaskStatus(const std::string& name);

struct TaskRecord {
  std::string id;           // "t-" + 12 lower-case hex digits, made by CreateTask
  std::string type;         // "s3" | "image"
  std::string description;
  std::string schedule;     // "once", "rate(5 minutes)", "cron(0 12 * * ? *)"
  std::string parameters;   // JSON object text, as validated by the task layer
  TaskStatus status = TaskStatus::kStopped;
  std::string error;        // why the task is in ERROR (or its last run failed)
  int64_t current_run_id = 0;  // the run going on (0 = none)
  TimePoint next_run_at{};     // the scheduler's next firing (epoch = none)
  TimePoint created_at{};
  TimePoint updated_at{};
  int64_t revision = 0;     // +1 on every update; UpdateTask can require the one it read
  bool operator==(const TaskRecord&) const = default;
};

struct TaskQuery {
  std::optional<TaskStatus> status;
  std::string type;      // "" = any
  std::string text;      // "" = any; else a case-insensitive substring of id or description
                         // (at most 1024 bytes)
  std::string cursor;    // "" = from the start (newest first: created_at desc, id desc)
  int limit = 20;        // 1..1000
};

struct TaskPage {
  std::vector<TaskRecord> tasks;
  std::string next_cursor;
};

enum class RunStatus { kRunning, kDone, kError, kStopped };
const char* RunStatusName(RunStatus status);  // "RUNNING", "DONE", "ERROR", "STOPPED"
std::optional<RunStatus> ParseRunStatus(const std::string& name);

// What a run did, as counters the runner adds to.
struct RunTotals {
  int64_t objects_planned = 0, bytes_planned = 0;
  int64_t objects_done = 0, bytes_done = 0;
  int64_t objects_skipped = 0, objects_failed = 0, objects_deleted = 0;
  bool operator==(const RunTotals&) const = default;
};

struct RunRecord {
  int64_t id = 0;            // increasing across the store
  std::string task_id;
  std::string trigger;       // "manual", "schedule", "resume" (after a restart), "retry"
  RunStatus status = RunStatus::kRunning;
  std::string error;
  RunTotals totals;
  TimePoint started_at{};
  TimePoint finished_at{};   // epoch while running
  bool operator==(const RunRecord&) const = default;
};

struct UserRecord {
  std::string username;       // [a-z0-9._-]{1,64}
  std::string password_hash;  // an Argon2id string (libsodium's crypto_pwhash_str)
  std::string role;           // "admin" for now
  TimePoint created_at{};
  bool operator==(const UserRecord&) const = default;
};

// A bearer token (a session from POST /auth/token, or a named API token). Only its hash
// is stored; the token itself is shown once.
struct TokenRecord {
  std::string id;          // public id ("tok-" + hex), for listing and revoking
  std::string username;
  std::string token_hash;  // hex SHA-256 of the token
  std::string name;        // "session" for sessions, else the user's label
  TimePoint created_at{};
  TimePoint expires_at{};  // epoch = never
  TimePoint last_used_at{};
  bool operator==(const TokenRecord&) const = default;
};

// A named credential (the original's Secrets Manager entries). value is what the task
// layer stores (JSON text); write-only through the API. Stored as given here: the
// data-directory layout leaves room for encrypting it at rest later.
struct SecretRecord {
  std::string name;         // [A-Za-z0-9._-]{1,128}
  std::string kind;         // "s3" | "registry"
  std::string description;
  std::string value;
  TimePoint created_at{};
  TimePoint updated_at{};
  bool operator==(const SecretRecord&) const = default;
};

// One task's activity during one minute (minute = the minute's start). Counters add up
// over the minute; gauges (jobs_waiting, jobs_running, workers_busy) keep the last value.
struct MetricSample {
  std::string task_id;
  TimePoint minute{};
  int64_t bytes = 0, objects_done = 0, objects_failed = 0;
  int64_t retries_throttled = 0, retries_server = 0, retries_network = 0;
  int64_t jobs_waiting = 0, jobs_running = 0, workers_busy = 0;
  bool operator==(const MetricSample&) const = default;
};

struct MetricQuery {
  std::string task_id;
  TimePoint from{}, to{};  // [from, to)
  // Seconds per point, a multiple of 60: samples in one step are summed (counters) or
  // take the last (gauges). 60 = the stored resolution.
  int step_seconds = 60;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };
const char* LogLevelName(LogLevel level);  // "debug", "info", "warn", "error"
std::optional<LogLevel> ParseLogLevel(const std::string& name);

struct LogEntry {
  int64_t id = 0;        // increasing across the store; AppendLog assigns it
  std::string task_id;
  int64_t run_id = 0;    // 0 = about the task, not a run
  TimePoint time{};
  LogLevel level = LogLevel::kInfo;
  std::string message;
  bool operator==(const LogEntry&) const = default;
};

struct LogQuery {
  std::string task_id;
  int64_t run_id = 0;         // 0 = every run
  int64_t after_id = 0;       // entries with id > after_id, oldest first (follow = poll this)
  LogLevel min_level = LogLevel::kDebug;
  std::string text;           // "" = any; else a case-insensitive substring
  int limit = 100;            // 1..1000
};

// A notification waiting to be sent (the notifier's outbox): it outlives the process, so
// a hub killed before sending it sends it at its next start.
struct NotificationRecord {
  int64_t id = 0;  // increasing; AddNotification assigns it
  std::string task_id;
  int64_t run_id = 0;
  std::string kind;             // "webhook" or "email"
  std::string target;           // the webhook's URL, or the addresses joined by ", "
  std::vector<std::string> to;  // e-mail: the recipients
  std::string payload;          // the JSON document, or the whole message
  TimePoint created_at{};
  bool operator==(const NotificationRecord&) const = default;
};

class ControlStore {
 public:
  virtual ~ControlStore() = default;

  // Tasks. CreateTask fills id, revision (1), created_at and updated_at and returns the
  // record. UpdateTask replaces every field but id and created_at; with
  // expected_revision > 0 it fails kPreconditionFailed unless the stored revision is
  // that one (two writers never lose each other's change). DeleteTask removes the task,
  // its runs, metric samples and logs (kNotFound when absent).
  virtual Result<TaskRecord> CreateTask(const TaskRecord& task) = 0;
  virtual Result<TaskRecord> GetTask(const std::string& id) = 0;  // kNotFound
  virtual Result<TaskRecord> UpdateTask(const TaskRecord& task, int64_t expected_revision) = 0;
  virtual Status DeleteTask(const std::string& id) = 0;
  virtual Result<TaskPage> ListTasks(const TaskQuery& query) = 0;
  // Tasks whose next_run_at is set and <= now, soonest first (the scheduler's poll).
  virtual Result<std::vector<TaskRecord>> DueTasks(TimePoint now, int limit) = 0;
  // Tasks in any of these statuses (at start-up: runs a restart interrupted), oldest first.
  virtual Result<std::vector<TaskRecord>> TasksInStatus(const std::vector<TaskStatus>& statuses) = 0;

  // Runs. StartRun fills id and started_at (kNotFound when the task is absent); UpdateRun
  // is kNotFound when the run is. Runs of a task list newest first.
  virtual Result<RunRecord> StartRun(const std::string& task_id, const std::string& trigger) = 0;
  virtual Status UpdateRun(const RunRecord& run) = 0;  // status, error, totals, finished_at
  virtual Result<RunRecord> GetRun(int64_t id) = 0;   // kNotFound
  // before_id = 0: the newest; else runs with id < before_id.
  virtual Result<std::vector<RunRecord>> ListRuns(const std::string& task_id, int64_t before_id,
                                                  int limit) = 0;

  // Users (kPreconditionFailed when CreateUser finds the name taken, kInvalidArgument when
  // it is not a user name; created_at is the store's). Update and Delete: kNotFound.
  virtual Status CreateUser(const UserRecord& user) = 0;
  virtual Result<UserRecord> GetUser(const std::string& username) = 0;  // kNotFound
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  virtual Status UpdateUser(const UserRecord& user) = 0;  // password, role
  virtual Status DeleteUser(const std::string& username) = 0;  // and their tokens
  virtual Result<int64_t> CountUsers() = 0;

  // Tokens. CreateToken sets created_at; kNotFound when the user is absent,
  // kPreconditionFailed when the id or the hash is taken. FindToken by hash: kNotFound
  // when absent or expired (expires_at <= now). TouchToken: kNotFound when absent.
  virtual Status CreateToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> FindToken(const std::string& token_hash, TimePoint now) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens(const std::string& username) = 0;
  virtual Status TouchToken(const std::string& id, TimePoint used_at) = 0;
  virtual Status DeleteToken(const std::string& id) = 0;  // kNotFound
  virtual Result<int64_t> DeleteExpiredTokens(TimePoint now) = 0;

  // Secrets (kPreconditionFailed when CreateSecret finds the name taken, kInvalidArgument
  // when it is not a secret name). The store sets created_at and updated_at. Update
  // (kind, description, value): kNotFound when absent.
  virtual Status CreateSecret(const SecretRecord& secret) = 0;
  virtual Result<SecretRecord> GetSecret(const std::string& name) = 0;  // kNotFound
  virtual Result<std::vector<SecretRecord>> ListSecrets() = 0;  // by name
  virtual Status UpdateSecret(const SecretRecord& secret) = 0;
  virtual Status DeleteSecret(const std::string& name) = 0;  // kNotFound

  // Metrics. AddSamples merges into the stored minute (counters add, gauges replace; a
  // time inside a minute counts as that minute), all of the batch or none.
  virtual Status AddSamples(const std::vector<MetricSample>& samples) = 0;
  // One sample per step from `from`, each labelled with its step's start; steps without
  // samples are omitted. kInvalidArgument for a bad step or `to` before `from`.
  virtual Result<std::vector<MetricSample>> ListSamples(const MetricQuery& query) = 0;
  // Drops samples older than `before` (retention).
  virtual Result<int64_t> DeleteSamplesBefore(TimePoint before) = 0;

  // Logs. AppendLog returns the id; an entry without a time gets the store clock's.
  virtual Result<int64_t> AppendLog(const LogEntry& entry) = 0;
  virtual Result<std::vector<LogEntry>> ListLogs(const LogQuery& query) = 0;
  virtual Result<int64_t> DeleteLogsBefore(TimePoint before) = 0;

  // Notifications waiting to be sent. AddNotification returns the id (created_at: the
  // store clock's when unset; kInvalidArgument without a task id or kind);
  // ListNotifications the oldest first (limit 1..1000); DeleteNotification: kNotFound
  // when absent.
  virtual Result<int64_t> AddNotification(const NotificationRecord& notification) = 0;
  virtual Result<std::vector<NotificationRecord>> ListNotifications(int limit) = 0;
  virtual Status DeleteNotification(int64_t id) = 0;
};

}  // namespace dth::control
