// `dth serve`: the hub — the REST API (and the console) on one address, tasks run
// in-process on the embedded SQLite store under the data directory. SIGINT/SIGTERM stop
// it gracefully (running tasks stop at a resumable point and resume at the next start);
// a second signal quits at once.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/commands.h"
#include "control/hub.h"

namespace dth::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir;
  std::vector<std::string> allow_local_roots;
  int max_running = 4;
  std::string smtp_url;
  std::string smtp_from;
  bool smtp_starttls = false;
  std::string public_url;
};

std::string DefaultDataDir() {
  if (const char* dir = std::getenv("DTH_DATA_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0')
    return std::string(xdg) + "/dth";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/dth";
}

int RunServe(const ServeArgs& args, const GlobalOptions& g) {
  control::HubConfig config;
  config.listen = args.listen;
  config.data_dir = args.data_dir.empty() ? DefaultDataDir() : args.data_dir;
  config.allowed_local_roots = args.allow_local_roots;
  config.max_running = args.max_running;
  config.retries = g.retries;
  config.verify_tls = !g.no_verify_tls;
  // The SMTP URL may carry a password: $DTH_SMTP_URL keeps it out of the process list.
  config.smtp_url = args.smtp_url;
  if (const char* smtp = std::getenv("DTH_SMTP_URL"); config.smtp_url.empty() && smtp != nullptr) {
    config.smtp_url = smtp;
  }
  config.smtp_from = args.smtp_from;
  config.smtp_starttls = args.smtp_starttls;
  config.public_url = args.public_url;
  const char* password = std::getenv("DTH_ADMIN_PASSWORD");
  config.admin_password = password != nullptr ? password : "";
  // Signals are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto hub = control::Hub::Start(config);
  if (!hub.ok()) return ReportError(hub.status());
  std::string host = args.listen.substr(0, args.listen.rfind(':'));
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  std::printf("dth hub %s: http://%s:%d/ (data in %s)\n", DTH_VERSION, host.c_str(), (*hub)->port(),
              config.data_dir.c_str());
  if (!(*hub)->generated_password().empty()) {
    if (password != nullptr && *password != '\0') {
      std::printf("user admin created with the password from DTH_ADMIN_PASSWORD\n");
    } else {
      std::printf("user admin created; its password (shown this once): %s\n",
                  (*hub)->generated_password().c_str());
    }
  }
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "dth serve: stopping (running tasks stop at a resumable point); "
                       "send the signal again to quit at once\n");
  // A second signal while stopping ends the process.
  std::thread([signals]() mutable {
    int again = 0;
    sigwait(&signals, &again);
    ::_exit(128 + again);
  }).detach();
  (*hub)->Stop();
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the hub: the REST API and web console, with tasks run in-process");
  cmd->add_option("--listen", args->listen, "HOST:PORT to serve on (default 127.0.0.1:8080)");
  cmd->add_option("--data-dir", args->data_dir,
                  "Where the hub keeps its data (default $DTH_DATA_DIR or ~/.local/share/dth)");
  cmd->add_option("--allow-local-root", args->allow_local_roots,
                  "A local directory tasks may read or write (repeatable; default: none)");
  cmd->add_option("--max-running", args->max_running, "Tasks running at once (others wait)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--smtp", args->smtp_url,
                  "SMTP server for task e-mails (alarmEmail): smtp://[USER:PASSWORD@]HOST:PORT or "
                  "smtps://...; default $DTH_SMTP_URL");
  cmd->add_option("--smtp-from", args->smtp_from, "The sender address of task e-mails");
  cmd->add_flag("--smtp-starttls", args->smtp_starttls, "Require STARTTLS on an smtp:// server");
  cmd->add_option("--public-url", args->public_url,
                  "The hub's address as users reach it (https://hub.example.com), for links in notifications");
  cmd->callback([args, &g, &exit_code] { exit_code = RunServe(*args, g); });
}

}  // namespace dth::cli
