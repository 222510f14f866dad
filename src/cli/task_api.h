// cli/task_api: the hub's REST API as `dth task` uses it — the server URL (--server,
// $DTH_SERVER or http://127.0.0.1:8080), the bearer token ($DTH_TOKEN), JSON in and out
// over the project's libcurl client, and the hub's problem details (RFC 9457) turned
// into one-line errors that keep the field at fault.
// Thread-safety: one TaskApi per command, used from the main thread.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/http_client.h"

namespace dth::cli {

using json = nlohmann::json;

// What went wrong talking to the hub: the message (a problem's detail), the field it
// names (or ""), and the HTTP status (0 when the hub was not reached).
struct ApiError {
  std::string message;
  std::string field;
  int http_status = 0;
};

template <typename T>
struct ApiResult {
  T value{};
  std::optional<ApiError> error;
  bool ok() const { return !error.has_value(); }
};

class TaskApi {
 public:
  // server: "" = $DTH_SERVER, else http://127.0.0.1:8080. token: "" = $DTH_TOKEN.
  TaskApi(std::string server, std::string token, bool tls_verify);

  // One call: `body` (when not null) is sent as JSON, with `headers` added. A 2xx
  // answer's JSON (null for an empty body, as 204); anything else an ApiError.
  ApiResult<json> Call(const std::string& method, const std::string& path, const json& body = nullptr,
                       const HttpHeaders& headers = {}) const;

  const std::string& server() const { return server_; }
  bool has_token() const { return !token_.empty(); }

 private:
  std::string server_;
  std::string token_;
  std::unique_ptr<HttpClient> http_;
};

// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& text);

// Prints "dth: error: <message> (field <field>)" on stderr (one line) and returns 1.
int ReportApiError(const ApiError& error);

}  // namespace dth::cli
