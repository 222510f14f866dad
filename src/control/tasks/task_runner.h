// control/tasks/task_runner: runs the hub's task runs, each on a thread of its own with
// the engines (`dth sync`'s SyncEngine for s3 tasks, image sync for image tasks) on the
// task's own state file (<data dir>/tasks/<id>/state.db): opens the task with its
// named credentials, holds the task's lock for the run, writes the run's log (what
// needs attention: start, plan, retries, failures with keys and reasons, the delete
// phase, the end), samples its progress into per-minute metrics and live events, and
// records the outcome. Stop ends a run at a resumable point; Shutdown stops every run
// so that the next start of the hub resumes them.
// Thread-safety: thread-safe. The callback runs on the run's thread when it ends.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/events/event_hub.h"
#include "control/secrets/secrets.h"
#include "control/store/control_store.h"
#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "registry/ecr.h"
#include "registry/registry_client.h"
#include "store/open_store.h"
#include "sync/sync_task.h"

namespace dth::control {

struct HubOptions {
  std::string data_dir;                          // <data dir>/tasks/<id>/state.db per task
  std::vector<std::string> allowed_local_roots;  // local paths only under these
  int max_running = 4;                           // runs at once; more wait (STARTING)
  int retries = 5;                               // per S3/registry request
  std::chrono::milliseconds progress_period{1000};  // live events
  std::chrono::milliseconds metrics_period{5000};   // metric samples written
  std::chrono::milliseconds check_timeout{5000};    // per request of a connection test
  std::string ecr_api_endpoint;  // tests: ECR's API here instead of api.ecr.REGION.amazonaws.com
};

// What a running task shows live.
struct LiveProgress {
  std::string task_id;
  int64_t run_id = 0;
  std::string phase;  // "waiting", "planning", "copying", "deleting", "finishing"
  int64_t objects_planned = 0, bytes_planned = 0;
  int64_t objects_done = 0, bytes_done = 0;  // bytes_done counts parts of unfinished objects
  int64_t objects_failed = 0, objects_deleted = 0;
  int64_t retried_jobs = 0;
  bool planning_done = false;
  double bytes_per_second = 0;  // over the last progress periods
  int64_t eta_seconds = -1;     // -1 = unknown
  TimePoint started_at{};
};

// How a run ended (the runner has recorded it in the store).
struct RunOutcome {
  std::string task_id;
  int64_t run_id = 0;
  RunStatus status = RunStatus::kDone;  // kRunning: interrupted by Shutdown (resumes)
  std::string error;
  RunTotals totals;
};

// An s3 task's destination connection: its fields fall back to the source's (as in
// dth sync).
TaskConnection DestinationConnection(const SyncTaskSpec& spec);

class TaskRunner {
 public:
  struct RegistrySide {
    registry::RegistryConfig config;
    std::shared_ptr<registry::EcrApi> ecr;
  };
  TaskRunner(ControlStore& store, SecretService& secrets, EventHub& events,
             std::shared_ptr<HttpClient> http, HubOptions options);
  ~TaskRunner();  // Shutdown

  struct Callbacks {
    std::function<void()> started;                 // the run got a slot and begins
    std::function<void(const RunOutcome&)> done;   // the run ended (recorded already)
  };
  // Starts a run of task on a thread of its own; the run record (run_id) exists already,
  // and an interrupted run resumes from the task's state file. only_keys: compare and
  // copy only these keys (a retry of chosen objects; no deletes). kPreconditionFailed
  // when the task is running.
  Status Start(const TaskRecord& task, int64_t run_id, std::vector<std::string> only_keys,
               Callbacks callbacks);
  // Asks the task's run to stop at a resumable point; false when none runs.
  bool Stop(const std::string& task_id);
  bool Running(const std::string& task_id) const;
  std::optional<LiveProgress> Progress(const std::string& task_id) const;
  std::vector<LiveProgress> AllProgress() const;
  // Waits for the task's run to end (up to timeout); true when none runs any more.
  bool Wait(const std::string& task_id, std::chrono::milliseconds timeout);
  // Stops every run (they resume when the hub starts again) and joins the threads.
  void Shutdown(std::chrono::milliseconds timeout);

  // The connection test (POST /api/v1/connections/test): opens each side of a checked
  // definition as a run would (named credentials, allowed local roots), lists up to
  // max_sample keys (image tasks: the source's repositories or tags, one request asking
  // for max_sample, later pages never fetched; the destination registry answers GET
  // /v2/), one attempt per request, each bounded by options.check_timeout (connect and
  // whole exchange), and writes nothing. A side
  // that cannot be reached is ok=false with its reason; an unknown or wrong-kind
  // credential is kInvalidArgument naming the parameter.
  struct SideCheck {
    bool ok = false;
    std::string error;
    std::vector<std::string> sample;
    int64_t elapsed_ms = 0;
  };
  struct ConnectionCheck {
    SideCheck source, destination;
  };
  Result<ConnectionCheck> CheckConnection(const std::string& type, const nlohmann::json& parameters,
                                          int max_sample = 5);

  // The named credentials of a definition (type and parameters as ParseTaskDefinition
  // gives them) exist and are of the kind their side needs: kInvalidArgument naming the
  // parameter ("parameters.srcCredentials", ...) otherwise; the parameters' own errors
  // as S3Spec/ImageSpec give them. Contacts nothing. Task creation and edit call it, so
  // a task never waits to fail at run time for a credential it names.
  Status CheckCredentials(const std::string& type, const nlohmann::json& parameters);

  // Where the task's engine state lives.
  std::string TaskDir(const std::string& task_id) const;
  std::string StatePath(const std::string& task_id) const { return TaskDir(task_id) + "/state.db"; }

 private:
  struct Run;
  void Execute(std::shared_ptr<Run> run);
  RunOutcome ExecuteS3(Run& run);
  RunOutcome ExecuteImage(Run& run);
  // An s3 side's connection with the named credential resolved (side.profile).
  Result<ConnectionOptions> Connect(const TaskConnection& side, std::shared_ptr<RetryCounter> counter,
                                    int attempts);
  // http: the client ECR's token request goes through (http_ when null).
  Result<RegistrySide> OpenRegistry(const std::string& text, const std::string& credential,
                                    std::shared_ptr<HttpClient> http = nullptr);
  void Log(const Run& run, LogLevel level, const std::string& message);
  void Sample(Run& run, bool write_metrics);
  bool AcquireSlot(Run& run);
  void ReleaseSlot();

  ControlStore& store_;
  SecretService& secrets_;
  EventHub& events_;
  std::shared_ptr<HttpClient> http_;
  HubOptions options_;
  std::shared_ptr<HttpClient> check_http_;  // CheckConnection's: short timeouts

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Run>> runs_;  // guarded by mu_: by task id
  int running_ = 0;                                   // guarded by mu_: runs holding a slot
  bool shutting_down_ = false;                        // guarded by mu_
};

}  // namespace dth::control
