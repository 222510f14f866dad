// tests/integration/hub_process: a real `dth serve` process for the hub's integration
// tests — started on a free loopback port with a data directory of the test's, its URL
// read from what it prints, its output kept, and stopped with SIGTERM (graceful) or
// SIGKILL (a crash) — and a small JSON client for its API.
// Thread-safety: one test thread uses a HubProcess; HubClient calls are reentrant.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_client.h"

namespace dth::testing {

class HubProcess {
 public:
  // dth serve --listen 127.0.0.1:0 --data-dir DIR [extra...], with DTH_ADMIN_PASSWORD.
  HubProcess(std::string data_dir, std::vector<std::string> extra_args,
             std::string admin_password = "hub-test-password");
  ~HubProcess();  // SIGKILL if still running

  bool Start();          // false (with the output in the test log) when it did not come up
  int StopGracefully();  // SIGTERM; returns the exit code (-1: killed by a signal)
  void Kill();           // SIGKILL, as a crash would
  const std::string& url() const { return url_; }
  std::string output() const;  // stdout and stderr so far
  const std::string& password() const { return password_; }

 private:
  void Reap(int* status);
  std::string data_dir_;
  std::vector<std::string> extra_;
  std::string password_;
  std::string url_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string output_;  // guarded by mu_
};

struct ApiAnswer {
  int status = 0;
  nlohmann::json body;  // null when not JSON
  std::string text;
  std::string content_type;
};

class HubClient {
 public:
  explicit HubClient(std::string url);
  // Signs in and keeps the token.
  bool Login(const std::string& username, const std::string& password);
  ApiAnswer Call(const std::string& method, const std::string& path, const std::string& body = "",
                 const std::string& content_type = "application/json") const;
  ApiAnswer Get(const std::string& path) const { return Call("GET", path); }
  ApiAnswer Post(const std::string& path, const nlohmann::json& body) const {
    return Call("POST", path, body.dump());
  }
  // Polls the task until its status is one of `statuses` (or the timeout); its last JSON.
  nlohmann::json WaitFor(const std::string& task_id, const std::vector<std::string>& statuses,
                         int timeout_seconds = 120) const;
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }
  // Every answer body so far (to check that no secret ever appears in one).
  std::string transcript() const;

 private:
  std::string url_;
  std::string token_;
  std::shared_ptr<HttpClient> http_;
  mutable std::mutex mu_;
  mutable std::string transcript_;
};

}  // namespace dth::testing
