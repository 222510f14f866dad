#include "control/tasks/task_runner.h"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "control/tasks/task_definition.h"
#include "control/tasks/task_events.h"
#include "core/human_bytes.h"
#include "imagesync/image_sync.h"
#include "imagesync/plan.h"
#include "registry/ecr.h"
#include "registry/reference.h"
#include "sync/open_task.h"
#include "sync/sync_engine.h"

namespace dth::control {

struct TaskRunner::Run {
  TaskRecord task;
  int64_t run_id = 0;
  TaskRunner::Callbacks callbacks;
  std::vector<std::string> only_keys;
  std::thread thread;
  std::atomic<bool> stop{false};      // the user asked it to stop
  std::atomic<bool> shutdown{false};  // the hub is stopping: resume it next start
  std::atomic<bool> finished{false};
  std::atomic<bool> cancel_images{false};  // image runs: start no further image
  std::shared_ptr<RetryCounter> retries = std::make_shared<RetryCounter>();

  std::mutex mu;  // guards what follows
  SyncEngine* engine = nullptr;  // while an s3 run's engine exists
  JobQueue* queue = nullptr;
  LiveProgress progress;
  // The sampler's last readings, for deltas.
  uint64_t last_bytes = 0, last_metric_bytes = 0, last_done = 0, last_failed = 0;
  RetryCounts last_retries;
  std::chrono::steady_clock::time_point last_sample{};
  std::vector<double> recent_rates;  // bytes/s of the last few periods
};

namespace {

// "2 objects (1.0 MiB) copied, 0 failed, 0 deleted"; an image task's: "1 image (6.6 KiB)
// copied, 0 failed" (it deletes nothing).
std::string RunTotalsText(const std::string& type, const RunTotals& t) {
  const bool images = type == "image";
  std::string text = std::to_string(t.objects_done) + (images ? " image" : " object") +
                     (t.objects_done == 1 ? "" : "s") + " (" + HumanBytes(t.bytes_done) + ") copied, " +
                     std::to_string(t.objects_failed) + " failed";
  if (!images) text += ", " + std::to_string(t.objects_deleted) + " deleted";
  return text;
}

LogLevel FromSyncLevel(SyncLogLevel level) {
  switch (level) {
    case SyncLogLevel::kDebug: return LogLevel::kDebug;
    case SyncLogLevel::kInfo: return LogLevel::kInfo;
    case SyncLogLevel::kWarn: return LogLevel::kWarn;
    case SyncLogLevel::kError: return LogLevel::kError;
  }
  return LogLevel::kInfo;
}

TimePoint MinuteOf(TimePoint t) {
  return std::chrono::time_point_cast<std::chrono::minutes>(t);
}

}  // namespace

TaskRunner::TaskRunner(ControlStore& store, SecretService& secrets, EventHub& events,
                       std::shared_ptr<HttpClient> http, HubOptions options)
    : store_(store), secrets_(secrets), events_(events), http_(std::move(http)),
      options_(std::move(options)) {
  // The connection test's client: the same TLS settings, every exchange bounded.
  HttpClientOptions check = http_ ? http_->options() : HttpClientOptions{};
  check.connect_timeout = std::min(check.connect_timeout, options_.check_timeout);
  check.total_timeout = options_.check_timeout;
  check_http_ = std::make_shared<HttpClient>(check);
}

TaskRunner::~TaskRunner() { Shutdown(std::chrono::seconds(60)); }

std::string TaskRunner::TaskDir(const std::string& task_id) const {
  return options_.data_dir + "/tasks/" + task_id;
}

Status TaskRunner::Start(const TaskRecord& task, int64_t run_id, std::vector<std::string> only_keys,
                         Callbacks callbacks) {
  auto run = std::make_shared<Run>();
  run->task = task;
  run->run_id = run_id;
  run->only_keys = std::move(only_keys);
  run->callbacks = std::move(callbacks);
  run->progress.task_id = task.id;
  run->progress.run_id = run_id;
  run->progress.phase = "waiting";
  run->progress.started_at = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  if (shutting_down_) return Status(Code::kPreconditionFailed, "the server is shutting down");
  auto it = runs_.find(task.id);
  if (it != runs_.end()) {
    if (!it->second->finished) {
      return Status(Code::kPreconditionFailed, "task " + task.id + " is already running");
    }
    if (it->second->thread.joinable()) it->second->thread.join();
  }
  runs_[task.id] = run;
  run->thread = std::thread([this, run] { Execute(run); });
  return Status::Ok();
}

bool TaskRunner::Stop(const std::string& task_id) {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mu_);
    auto it = runs_.find(task_id);
    if (it == runs_.end() || it->second->finished) return false;
    run = it->second;
  }
  run->stop = true;
  run->cancel_images = true;
  std::lock_guard lock(run->mu);
  if (run->engine != nullptr) run->engine->Stop();
  cv_.notify_all();  // a run waiting for a slot gives up
  return true;
}

bool TaskRunner::Running(const std::string& task_id) const {
  std::lock_guard lock(mu_);
  auto it = runs_.find(task_id);
  return it != runs_.end() && !it->second->finished;
}

std::optional<LiveProgress> TaskRunner::Progress(const std::string& task_id) const {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mu_);
    auto it = runs_.find(task_id);
    if (it == runs_.end() || it->second->finished) return std::nullopt;
    run = it->second;
  }
  std::lock_guard lock(run->mu);
  return run->progress;
}

std::vector<LiveProgress> TaskRunner::AllProgress() const {
  std::vector<std::shared_ptr<Run>> runs;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, run] : runs_) {
      if (!run->finished) runs.push_back(run);
    }
  }
  std::vector<LiveProgress> out;
  for (const auto& run : runs) {
    std::lock_guard lock(run->mu);
    out.push_back(run->progress);
  }
  return out;
}

bool TaskRunner::Wait(const std::string& task_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    auto it = runs_.find(task_id);
    return it == runs_.end() || it->second->finished;
  });
}

void TaskRunner::Shutdown(std::chrono::milliseconds timeout) {
  std::vector<std::shared_ptr<Run>> runs;
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
    for (const auto& [id, run] : runs_) runs.push_back(run);
  }
  for (const auto& run : runs) {
    run->shutdown = true;
    run->cancel_images = true;
    std::lock_guard lock(run->mu);
    if (run->engine != nullptr) run->engine->Stop();
  }
  cv_.notify_all();
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& run : runs) {
        if (!run->finished) return false;
      }
      return true;
    });
  }
  for (const auto& run : runs) {
    if (run->thread.joinable()) run->thread.join();  // past the deadline: still joined
  }
  std::lock_guard lock(mu_);
  runs_.clear();
}

bool TaskRunner::AcquireSlot(Run& run) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    return running_ < options_.max_running || run.stop || run.shutdown || shutting_down_;
  });
  if (run.stop || run.shutdown || shutting_down_) return false;
  ++running_;
  return true;
}

void TaskRunner::ReleaseSlot() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  cv_.notify_all();
}

void TaskRunner::Log(const Run& run, LogLevel level, const std::string& message) {
  LogEntry entry{0, run.task.id, run.run_id, std::chrono::system_clock::now(), level, message};
  auto id = store_.AppendLog(entry);
  if (!id.ok()) {
    spdlog::warn("task {}: could not write its log: {}", run.task.id, id.status().ToString());
    return;
  }
  entry.id = *id;
  events_.Publish(HubEvent{"log", run.task.id, EventText(LogEventJson(entry))});
}

void TaskRunner::Sample(Run& run, bool write_metrics) {
  MetricSample sample;
  nlohmann::json event;
  {
    std::lock_guard lock(run.mu);
    LiveProgress& p = run.progress;
    const auto now = std::chrono::steady_clock::now();
    if (run.engine != nullptr) {
      const SyncProgress& s = run.engine->progress();
      p.objects_planned = static_cast<int64_t>(s.planned_objects.load());
      p.bytes_planned = static_cast<int64_t>(s.planned_bytes.load());
      p.objects_done = static_cast<int64_t>(s.copied_objects.load());
      p.bytes_done = static_cast<int64_t>(s.moving_bytes.load());
      p.objects_failed = static_cast<int64_t>(s.failed_objects.load());
      p.objects_deleted = static_cast<int64_t>(s.deleted_objects.load());
      p.retried_jobs = static_cast<int64_t>(s.retried_jobs.load());
      p.planning_done = s.finder_done.load();
      p.phase = !p.planning_done ? "planning" : "copying";
    }
    const double seconds =
        run.last_sample == std::chrono::steady_clock::time_point{}
            ? 0
            : std::chrono::duration<double>(now - run.last_sample).count();
    const uint64_t bytes = static_cast<uint64_t>(p.bytes_done);
    if (seconds > 0) {
      run.recent_rates.push_back(static_cast<double>(bytes - std::min(bytes, run.last_bytes)) / seconds);
      if (run.recent_rates.size() > 10) run.recent_rates.erase(run.recent_rates.begin());
      double sum = 0;
      for (double r : run.recent_rates) sum += r;
      p.bytes_per_second = sum / static_cast<double>(run.recent_rates.size());
    }
    p.eta_seconds = p.planning_done && p.bytes_per_second > 0 && p.bytes_planned > p.bytes_done
                        ? static_cast<int64_t>(static_cast<double>(p.bytes_planned - p.bytes_done) /
                                               p.bytes_per_second)
                        : -1;
    run.last_sample = now;
    event = ProgressEventJson(p);  // the hub-wide stream carries every task's events
    if (write_metrics) {
      const RetryCounts r = run.retries->Counts();
      sample.task_id = run.task.id;
      sample.minute = MinuteOf(std::chrono::system_clock::now());
      sample.bytes = static_cast<int64_t>(bytes - std::min(bytes, run.last_metric_bytes));
      run.last_metric_bytes = bytes;
      sample.objects_done = p.objects_done - static_cast<int64_t>(run.last_done);
      sample.objects_failed = p.objects_failed - static_cast<int64_t>(run.last_failed);
      sample.retries_throttled = static_cast<int64_t>(r.throttled - run.last_retries.throttled);
      sample.retries_server = static_cast<int64_t>(r.server_error - run.last_retries.server_error);
      sample.retries_network = static_cast<int64_t>(r.transient - run.last_retries.transient);
      run.last_done = static_cast<uint64_t>(p.objects_done);
      run.last_failed = static_cast<uint64_t>(p.objects_failed);
      run.last_retries = r;
    }
    run.last_bytes = bytes;
  }
  events_.Publish(HubEvent{"progress", run.task.id, event.dump()});
  if (!write_metrics) return;
  if (run.queue != nullptr) {
    if (auto stats = run.queue->Stats(run.task.id); stats.ok()) {
      sample.jobs_waiting = stats->waiting + stats->held;
      sample.jobs_running = stats->in_flight;
    }
  }
  {
    std::lock_guard lock(run.mu);
    if (run.engine != nullptr) sample.workers_busy = run.engine->busy_workers();
  }
  if (Status st = store_.AddSamples({sample}); !st.ok()) {
    spdlog::warn("task {}: could not record metrics: {}", run.task.id, st.ToString());
  }
}

void TaskRunner::Execute(std::shared_ptr<Run> run) {
  RunOutcome outcome;
  outcome.task_id = run->task.id;
  outcome.run_id = run->run_id;
  if (!AcquireSlot(*run)) {
    outcome.status = run->shutdown ? RunStatus::kRunning : RunStatus::kStopped;
  } else {
    if (run->callbacks.started) run->callbacks.started();
    outcome = run->task.type == "image" ? ExecuteImage(*run) : ExecuteS3(*run);
    ReleaseSlot();
  }
  // The run's record: its end, unless the hub is stopping (it resumes on the next start).
  if (outcome.status != RunStatus::kRunning) {
    if (auto record = store_.GetRun(run->run_id); record.ok()) {
      record->status = outcome.status;
      record->error = outcome.error;
      record->totals = outcome.totals;
      record->finished_at = std::chrono::system_clock::now();
      if (Status st = store_.UpdateRun(*record); !st.ok()) {
        spdlog::warn("task {}: could not record the end of run {}: {}", run->task.id, run->run_id,
                     st.ToString());
      }
    }
    Log(*run, outcome.status == RunStatus::kError ? LogLevel::kError : LogLevel::kInfo,
        std::string("run ") + std::to_string(run->run_id) + " " +
            (outcome.status == RunStatus::kDone      ? "done"
             : outcome.status == RunStatus::kStopped ? "stopped"
                                                     : "failed") +
            ": " + RunTotalsText(run->task.type, outcome.totals) +
            (outcome.error.empty() ? "" : "; " + outcome.error));
  } else if (auto record = store_.GetRun(run->run_id); record.ok()) {
    record->totals = outcome.totals;
    (void)store_.UpdateRun(*record);
  }
  if (run->callbacks.done) run->callbacks.done(outcome);
  {
    std::lock_guard lock(mu_);
    run->finished = true;
  }
  cv_.notify_all();
}

TaskConnection DestinationConnection(const SyncTaskSpec& spec) {
  // The destination's fields fall back to the source's (as in dth sync).
  TaskConnection dst = spec.destination_connection;
  const TaskConnection& src = spec.source_connection;
  if (dst.provider.empty()) dst.provider = src.provider;
  if (dst.endpoint.empty()) dst.endpoint = src.endpoint;
  if (dst.region.empty()) dst.region = src.region;
  if (dst.profile.empty()) dst.profile = src.profile;
  return dst;
}

Result<ConnectionOptions> TaskRunner::Connect(const TaskConnection& side,
                                              std::shared_ptr<RetryCounter> counter, int attempts) {
  ConnectionOptions c;
  c.provider = side.provider;
  c.endpoint = side.endpoint;
  c.region = side.region;
  DTH_ASSIGN_OR_RETURN(Credentials keys, secrets_.S3Credentials(side.profile));
  c.anonymous = keys.anonymous;
  c.credentials = std::move(keys);
  c.retry.max_attempts = attempts;
  c.retry_counter = std::move(counter);
  return c;
}

RunOutcome TaskRunner::ExecuteS3(Run& run) {
  RunOutcome out;
  out.task_id = run.task.id;
  out.run_id = run.run_id;
  auto fail = [&](const Status& st) {
    out.status = RunStatus::kError;
    out.error = st.ToString();
    Log(run, LogLevel::kError, out.error);
    return out;
  };
  nlohmann::json params = nlohmann::json::parse(run.task.parameters, nullptr, false);
  if (!params.is_object()) return fail(Corruption("the task's parameters are damaged"));
  auto spec = S3Spec(params);
  if (!spec.ok()) return fail(spec.status());
  spec->task_id = run.task.id;
  spec->state_path.clear();
  auto src_conn = Connect(spec->source_connection, run.retries, options_.retries + 1);
  if (!src_conn.ok()) return fail(Status(src_conn.status()).Prefix("source"));
  auto dst_conn = Connect(DestinationConnection(*spec), run.retries, options_.retries + 1);
  if (!dst_conn.ok()) return fail(Status(dst_conn.status()).Prefix("destination"));
  std::error_code ec;
  std::filesystem::create_directories(TaskDir(run.task.id), ec);
  if (ec) return fail(IoError("cannot create " + TaskDir(run.task.id) + ": " + ec.message()));
  ::chmod(TaskDir(run.task.id).c_str(), 0700);
  OpenTaskInput in;
  in.spec = *spec;
  in.source_connection = *src_conn;
  in.destination_connection = *dst_conn;
  in.http = http_;
  in.state_path = StatePath(run.task.id);
  in.restrict_local = true;
  in.allowed_local_roots = options_.allowed_local_roots;
  auto opened = OpenSyncTask(in);
  if (!opened.ok()) return fail(opened.status());
  auto lock = opened->state->LockTask(run.task.id, TaskLockMode::kExclusive);
  if (!lock.ok()) return fail(lock.status());
  if (!run.only_keys.empty()) {
    // A retry of chosen objects: only those keys are compared; nothing is deleted.
    opened->options.finder.exact_keys = run.only_keys;
    opened->options.finder.delete_extra = false;
  }
  opened->options.log = [this, &run](SyncLogLevel level, const std::string& message) {
    Log(run, FromSyncLevel(level), message);
  };
  SyncEngine engine(SyncStores{*opened->source, *opened->destination, *opened->queue, *opened->state},
                    opened->options);
  {
    std::lock_guard guard(run.mu);
    run.engine = &engine;
    run.queue = opened->queue.get();
    run.progress.phase = "planning";
  }
  if (run.stop || run.shutdown) engine.Stop();
  // The sampler: live progress every period, metric samples every few; it wakes at once
  // when the run ends.
  std::mutex sampler_mu;
  std::condition_variable sampler_cv;
  bool sampling = true;  // guarded by sampler_mu
  std::thread sampler([&] {
    auto next_metrics = std::chrono::steady_clock::now() + options_.metrics_period;
    std::unique_lock wait_lock(sampler_mu);
    while (!sampler_cv.wait_for(wait_lock, options_.progress_period, [&] { return !sampling; })) {
      wait_lock.unlock();
      const bool metrics = std::chrono::steady_clock::now() >= next_metrics;
      if (metrics) next_metrics += options_.metrics_period;
      Sample(run, metrics);
      wait_lock.lock();
    }
  });
  auto report = engine.Sync();
  {
    std::lock_guard done_lock(sampler_mu);
    sampling = false;
  }
  sampler_cv.notify_all();
  sampler.join();
  Sample(run, /*write_metrics=*/true);
  {
    std::lock_guard guard(run.mu);
    run.engine = nullptr;
    run.queue = nullptr;
  }
  if (!report.ok()) return fail(report.status());
  out.totals.objects_planned = static_cast<int64_t>(report->plan.copy_objects);
  out.totals.bytes_planned = static_cast<int64_t>(report->plan.copy_bytes);
  out.totals.objects_done = static_cast<int64_t>(report->copied_objects);
  out.totals.bytes_done = static_cast<int64_t>(report->copied_bytes);
  out.totals.objects_skipped = static_cast<int64_t>(report->plan.skip_objects);
  out.totals.objects_failed = static_cast<int64_t>(report->failures_total);
  out.totals.objects_deleted = static_cast<int64_t>(report->deleted_objects);
  if (report->interrupted) {
    out.status = run.shutdown && !run.stop ? RunStatus::kRunning : RunStatus::kStopped;
    return out;
  }
  if (report->failures_total > 0) {
    out.status = RunStatus::kError;
    const SyncFailure& first = report->failures.front();
    out.error = std::to_string(report->failures_total) +
                (report->failures_total == 1 ? " object failed (" : " objects failed (the first: ") + first.key +
                ": " + first.error + ")";
    return out;
  }
  if (report->delete_phase == DeletePhase::kRefused) {
    out.status = RunStatus::kError;
    out.error = std::to_string(report->deletes_not_run) +
                " destination-only keys exceed maxDelete " + std::to_string(report->max_deletes) +
                ": nothing was deleted";
    Log(run, LogLevel::kError, out.error);
    return out;
  }
  out.status = RunStatus::kDone;
  return out;
}

Result<TaskRunner::RegistrySide> TaskRunner::OpenRegistry(const std::string& text,
                                                           const std::string& credential,
                                                           std::shared_ptr<HttpClient> http) {
  RegistrySide side;
  DTH_ASSIGN_OR_RETURN(side.config.endpoint, registry::ParseRegistryEndpoint(text));
  side.config.retry.max_attempts = options_.retries + 1;
  if (auto ecr = registry::ParseEcrHost(side.config.endpoint.host)) {
    // Amazon ECR: AWS keys (an s3 credential) sign GetAuthorizationToken.
    if (credential.empty()) {
      return InvalidArgument("the ECR registry " + side.config.endpoint.host +
                             " needs a credential with AWS keys (an s3 credential)");
    }
    DTH_ASSIGN_OR_RETURN(Credentials keys, secrets_.S3Credentials(credential));
    side.ecr = std::make_shared<registry::EcrApi>(
        *ecr, SigningKeys{keys.access_key_id, keys.secret_access_key, keys.session_token},
        http ? std::move(http) : http_, options_.ecr_api_endpoint);
    auto api = side.ecr;
    side.config.auth.refresh = [api] { return api->GetAuthorizationToken(); };
    return side;
  }
  DTH_ASSIGN_OR_RETURN(RegistryLogin login, secrets_.Registry(credential));
  side.config.auth.username = login.username;
  side.config.auth.password = login.password;
  return side;
}

RunOutcome TaskRunner::ExecuteImage(Run& run) {
  RunOutcome out;
  out.task_id = run.task.id;
  out.run_id = run.run_id;
  auto fail = [&](const Status& st) {
    out.status = RunStatus::kError;
    out.error = st.ToString();
    Log(run, LogLevel::kError, out.error);
    return out;
  };
  nlohmann::json params = nlohmann::json::parse(run.task.parameters, nullptr, false);
  if (!params.is_object()) return fail(Corruption("the task's parameters are damaged"));
  auto spec = ImageSpec(params);
  if (!spec.ok()) return fail(spec.status());
  auto src_side = OpenRegistry(spec->source_registry, spec->source_credential);
  if (!src_side.ok()) return fail(Status(src_side.status()).Prefix("source registry"));
  auto dst_side = OpenRegistry(spec->destination_registry, spec->destination_credential);
  if (!dst_side.ok()) return fail(Status(dst_side.status()).Prefix("destination registry"));
  registry::RegistryClient src(src_side->config, http_);
  registry::RegistryClient dst(dst_side->config, http_);
  if (Status st = src.CheckVersion(); !st.ok()) return fail(st.Prefix("source registry"));
  if (Status st = dst.CheckVersion(); !st.ok()) return fail(st.Prefix("destination registry"));

  imagesync::PlanOptions plan;
  plan.all = spec->all;
  plan.images = spec->images;
  auto include = imagesync::CompileTagFilter(spec->include_tags, "includeTags");
  if (!include.ok()) return fail(include.status());
  auto exclude = imagesync::CompileTagFilter(spec->exclude_tags, "excludeTags");
  if (!exclude.ok()) return fail(exclude.status());
  plan.include_tags = *include;
  plan.exclude_tags = *exclude;
  plan.destination_prefix = spec->destination_prefix;
  plan.source_host = src.endpoint().host;
  {
    std::lock_guard guard(run.mu);
    run.progress.phase = "planning";
  }
  auto jobs = imagesync::PlanImages(plan, [&] { return src.Catalog(); },
                                    [&](const std::string& repo) { return src.Tags(repo); });
  if (!jobs.ok()) return fail(jobs.status());
  Log(run, LogLevel::kInfo, "plan: " + std::to_string(jobs->size()) + " images");

  std::error_code ec;
  std::filesystem::create_directories(TaskDir(run.task.id), ec);
  if (ec) return fail(IoError("cannot create " + TaskDir(run.task.id) + ": " + ec.message()));
  ::chmod(TaskDir(run.task.id).c_str(), 0700);
  auto records = imagesync::ImageRecords::Open(StatePath(run.task.id));
  if (!records.ok()) return fail(records.status());
  imagesync::ImageSyncOptions options;
  options.task_id = run.task.id;
  options.concurrency = spec->concurrency;
  options.records = records->get();
  options.cancel = &run.cancel_images;
  // A retried image is in the task's log (a run that takes longer says why).
  options.on_retry = [&run, this](const std::string& image, int attempt, int max_attempts,
                                  std::chrono::milliseconds delay, const Status& error) {
    Log(run, LogLevel::kInfo,
        fmt::format("image {}: attempt {} of {} failed, retrying in {:.1f} s: {}", image, attempt,
                    max_attempts, static_cast<double>(delay.count()) / 1000.0, error.ToString()));
  };
  for (const std::string& p : spec->platforms) {
    auto platform = registry::ParsePlatform(p);
    if (!platform.ok()) return fail(platform.status());
    options.copy.platforms.push_back(*platform);
  }
  if (dst_side->ecr) {
    auto api = dst_side->ecr;
    options.copy.ensure_repository = [api](const std::string& repo) { return api->CreateRepository(repo); };
  }
  {
    std::lock_guard guard(run.mu);
    run.progress.phase = "copying";
    run.progress.planning_done = true;
    run.progress.objects_planned = static_cast<int64_t>(jobs->size());
  }
  if (run.stop || run.shutdown) run.cancel_images = true;
  auto summary = imagesync::RunImageSync(src, dst, *jobs, options, [&](const imagesync::ImageResult& r) {
    {
      std::lock_guard guard(run.mu);
      if (r.error.ok()) {
        ++run.progress.objects_done;
        run.progress.bytes_done += static_cast<int64_t>(r.stats.bytes_copied);
      } else {
        ++run.progress.objects_failed;
      }
    }
    if (!r.error.ok()) {
      Log(run, LogLevel::kError, "image " + r.job.source + ": failed after " +
                                     std::to_string(r.attempts) + " attempts: " + r.error.ToString());
    } else if (r.platform_filtered) {
      Log(run, LogLevel::kInfo, "image " + r.job.source + ": narrowed to the chosen platforms: its "
                                "digest at the destination is " + r.dest_digest);
    }
    Sample(run, /*write_metrics=*/false);
  });
  Sample(run, /*write_metrics=*/true);
  out.totals.objects_planned = static_cast<int64_t>(jobs->size());
  out.totals.objects_done = summary.copied;
  out.totals.objects_skipped = summary.up_to_date;
  out.totals.objects_failed = summary.failed;
  out.totals.bytes_done = static_cast<int64_t>(summary.bytes_copied);
  if (summary.not_started > 0) {
    out.status = run.shutdown && !run.stop ? RunStatus::kRunning : RunStatus::kStopped;
    return out;
  }
  if (summary.failed > 0) {
    out.status = RunStatus::kError;
    for (const imagesync::ImageResult& r : summary.results) {
      if (!r.error.ok()) {
        out.error = std::to_string(summary.failed) + " images failed (the first: " + r.job.source +
                    ": " + r.error.ToString() + ")";
        break;
      }
    }
    return out;
  }
  Log(run, LogLevel::kInfo, std::to_string(summary.copied) + " images copied, " +
                                std::to_string(summary.up_to_date) + " up to date, " +
                                std::to_string(summary.blobs_copied) + " blobs copied, " +
                                std::to_string(summary.blobs_mounted) + " mounted");
  out.status = RunStatus::kDone;
  return out;
}

}  // namespace dth::control
