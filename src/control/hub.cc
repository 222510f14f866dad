#include "control/hub.h"

#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <optional>
#include <thread>

#include "control/api/api.h"
#include "control/auth/auth_service.h"
#include "control/console/console_assets.h"
#include "control/datadir/data_dir_lock.h"
#include "control/docs/docs.h"
#include "control/events/event_hub.h"
#include "control/metrics/prometheus_text.h"
#include "control/notify/notifier.h"
#include "control/openapi.h"
#include "control/secrets/secrets.h"
#include "control/store/sqlite/sqlite_control_store.h"
#include "control/tasks/task_runner.h"
#include "control/tasks/task_service.h"
#include "server/http_server.h"

namespace dth::control {

class Hub::Impl {
 public:
  std::optional<DataDirLock> dir_lock;  // first: released after everything else has stopped
  HubConfig config;
  std::unique_ptr<ControlStore> store;
  std::unique_ptr<EventHub> events;
  std::unique_ptr<SecretService> secrets;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<notify::Notifier> notifier;  // outlives the runner: runs end into it
  std::unique_ptr<TaskRunner> runner;
  std::unique_ptr<TaskService> tasks;
  std::unique_ptr<api::ApiServices> services;
  std::unique_ptr<server::HttpServer> http;
  std::string password;
  std::vector<server::RouteInfo> routes;
  std::thread scheduler;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;  // guarded by mu
  bool stopped = false;

  void Schedule() {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      tasks->Tick(std::chrono::system_clock::now());
      lock.lock();
      cv.wait_for(lock, config.tick, [this] { return stopping; });
    }
  }
};

Hub::Hub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Hub::~Hub() { Stop(); }
int Hub::port() const { return impl_->http ? impl_->http->port() : 0; }
const std::string& Hub::generated_password() const { return impl_->password; }
const std::vector<server::RouteInfo>& Hub::routes() const { return impl_->routes; }

Result<std::unique_ptr<Hub>> Hub::Start(const HubConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  if (config.data_dir.empty()) return InvalidArgument("--data-dir: no data directory given");
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir + "/tasks", ec);
  if (ec) return IoError("cannot create the data directory " + config.data_dir + ": " + ec.message());
  ::chmod(config.data_dir.c_str(), 0700);
  DTH_ASSIGN_OR_RETURN(DataDirLock dir_lock, DataDirLock::Acquire(config.data_dir));
  impl->dir_lock.emplace(std::move(dir_lock));
  for (const std::string& root : config.allowed_local_roots) {
    if (!std::filesystem::is_directory(root, ec))
      return InvalidArgument("--allow-local-root " + root + ": not a directory");
  }
  notify::NotifierOptions notify_options;
  notify_options.smtp_url = config.smtp_url;
  notify_options.smtp_from = config.smtp_from;
  notify_options.smtp_starttls = config.smtp_starttls;
  notify_options.public_url = config.public_url;
  notify_options.verify_tls = config.verify_tls;
  notify_options.retry.base_delay = config.notify_retry_delay;
  DTH_RETURN_IF_ERROR(notify::CheckNotifierOptions(notify_options));
  DTH_ASSIGN_OR_RETURN(auto store, SqliteControlStore::Open(config.data_dir + "/control.db"));
  impl->store = std::move(store);
  impl->events = std::make_unique<EventHub>();
  impl->secrets = std::make_unique<SecretService>(*impl->store);
  impl->auth = std::make_unique<AuthService>(*impl->store);
  DTH_ASSIGN_OR_RETURN(impl->password, impl->auth->EnsureAdmin(config.admin_password));
  HttpClientOptions http_options;
  http_options.tls_verify = config.verify_tls;
  auto http = std::make_shared<HttpClient>(http_options);
  HubOptions hub;
  hub.data_dir = config.data_dir;
  hub.allowed_local_roots = config.allowed_local_roots;
  hub.max_running = config.max_running;
  hub.retries = config.retries;
  impl->runner = std::make_unique<TaskRunner>(*impl->store, *impl->secrets, *impl->events, http, hub);
  impl->tasks = std::make_unique<TaskService>(*impl->store, *impl->runner, *impl->events);

  Impl* raw = impl.get();
  impl->notifier = std::make_unique<notify::Notifier>(
      notify_options, [raw](const std::string& task_id, int64_t run_id, LogLevel level, const std::string& m) {
        raw->tasks->Log(task_id, run_id, level, m);
      },
      impl->store.get());  // the outbox: what a killed hub had not sent goes at the next start
  impl->tasks->SetRunEndedHook([raw](const TaskRecord& task, const RunOutcome& outcome) {
    RunRecord run;
    if (auto stored = raw->store->GetRun(outcome.run_id); stored.ok()) {
      run = *stored;
    } else {
      run.id = outcome.run_id;
      run.task_id = outcome.task_id;
      run.error = outcome.error;
      run.totals = outcome.totals;
    }
    raw->notifier->OnRunEnded(task, run);
  });
  impl->services = std::make_unique<api::ApiServices>(api::ApiServices{
      *impl->store, *impl->tasks, *impl->runner, *impl->secrets, *impl->auth, *impl->events,
      DTH_VERSION, nullptr, std::string(OpenApiDocument())});
  impl->services->prometheus = [raw] {
    return PrometheusText(*raw->store, *raw->runner, DTH_VERSION, [raw] {
      ServerCounters c;
      if (raw->http) {
        const auto s = raw->http->stats();
        c.requests = s.requests;
        c.connections_open = s.connections_open;
        c.streams_open = s.streams_open;
      }
      return c;
    });
  };
  server::Router router;
  api::AddApiRoutes(router, *impl->services);
  console::AddConsoleRoutes(router, console::EmbeddedConsole());
  AddDocsRoutes(router, std::string(OpenApiDocument()));
  impl->routes = router.Routes();
  server::HttpServerOptions options;
  options.listen = config.listen;
  options.threads = config.http_threads;
  api::ApiServices* services = impl->services.get();
  options.before = [services](const server::Request& req) { return api::Authenticate(*services, req); };
  DTH_ASSIGN_OR_RETURN(impl->http, server::HttpServer::Start(std::move(router), options));
  DTH_RETURN_IF_ERROR(impl->tasks->Recover());
  impl->scheduler = std::thread([raw] { raw->Schedule(); });
  return std::unique_ptr<Hub>(new Hub(std::move(impl)));
}

void Hub::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->scheduler.joinable()) impl_->scheduler.join();
  // Answers in flight finish and event streams end; then the runs stop at a resumable
  // point (they resume at the next start).
  if (impl_->http) impl_->http->Stop(std::chrono::seconds(5));
  if (impl_->runner) impl_->runner->Shutdown(std::chrono::seconds(60));
  // Notifications still queued get one attempt each.
  if (impl_->notifier) impl_->notifier->Stop();
}

}  // namespace dth::control
