// control/hub: `dth serve` in one object — opens the data directory (control.db and a
// directory per task; locked, one hub per directory: control/datadir), the services
// (auth, secrets, tasks, runner, events), the HTTP server with the API, resumes the runs
// a restart interrupted, and runs the scheduler.
// Stop() is graceful: the server stops answering, running tasks stop at a resumable
// point and resume on the next start.
// Thread-safety: Start and Stop from one owning thread; the rest is internal.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/router.h"

namespace dth::control {

struct HubConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir;                          // created 0700 when missing
  std::vector<std::string> allowed_local_roots;  // --allow-local-root
  std::string admin_password;                    // for the first start ("" = generate)
  int max_running = 4;
  int retries = 5;
  bool verify_tls = true;
  int http_threads = 4;
  std::chrono::milliseconds tick{1000};          // the scheduler's period
  std::string console_dir;                       // "" = the console embedded at build time
  // Notifications (control/notify): e-mail through this SMTP server, links to this URL.
  std::string smtp_url;                          // --smtp: "" = no e-mail
  std::string smtp_from;                         // --smtp-from
  bool smtp_starttls = false;                    // --smtp-starttls
  std::string public_url;                        // --public-url: "" = links are paths
  std::chrono::milliseconds notify_retry_delay{2000};  // first retry of a notification
};

class Hub {
 public:
  static Result<std::unique_ptr<Hub>> Start(const HubConfig& config);
  ~Hub();
  void Stop();
  int port() const;
  // The admin password set at this start ("" when users existed already).
  const std::string& generated_password() const;
  // Every route the server answers (the API's, /metrics, /docs), for the test that holds
  // them to the OpenAPI document.
  const std::vector<server::RouteInfo>& routes() const;

  class Impl;

 private:
  explicit Hub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dth::control
