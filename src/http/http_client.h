// http/http_client: HTTP/1.1 on libcurl. One client per process (or per endpoint
// group): easy handles are pooled and share one connection cache, DNS cache and TLS
// session cache, so connections are kept alive and reused across requests and threads.
// Connect and stall timeouts; TLS verification on unless explicitly turned off.
// Send() makes one attempt and returns transport failures as classified Statuses
// (kTransient); retrying is the caller's decision (core/retry).
// Thread-safety: Send() may be called from many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/http_types.h"

namespace dth {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer that moves less than 1 byte/s for this long is aborted (kTransient).
  std::chrono::seconds stall_timeout{60};
  // The whole exchange must end within this (0 = no bound): short checks, not transfers.
  std::chrono::milliseconds total_timeout{0};
  bool tls_verify = true;
  std::string ca_bundle;  // "" = system default
  std::string user_agent = "dth/" DTH_VERSION;
  long max_connections = 64;  // connection cache size
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request);

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Shared;
  HttpClientOptions options_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace dth
