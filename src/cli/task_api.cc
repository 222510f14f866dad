#include "cli/task_api.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/bytes.h"

namespace dth::cli {
namespace {

std::string OneLine(std::string text) {
  for (char& ch : text) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return text;
}

std::string FromEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

TaskApi::TaskApi(std::string server, std::string token, bool tls_verify)
    : server_(std::move(server)), token_(std::move(token)) {
  if (server_.empty()) server_ = FromEnv("DTH_SERVER");
  if (server_.empty()) server_ = "http://127.0.0.1:8080";
  while (!server_.empty() && server_.back() == '/') server_.pop_back();
  if (token_.empty()) token_ = FromEnv("DTH_TOKEN");
  HttpClientOptions options;
  options.tls_verify = tls_verify;
  options.connect_timeout = std::chrono::milliseconds(5000);
  options.stall_timeout = std::chrono::seconds(30);
  options.max_connections = 4;
  http_ = std::make_unique<HttpClient>(options);
}

ApiResult<json> TaskApi::Call(const std::string& method, const std::string& path, const json& body,
                              const HttpHeaders& headers) const {
  ApiResult<json> out;
  HttpRequest request;
  request.method = method;
  request.url = server_ + path;
  request.headers = headers;
  request.headers.emplace_back("Accept", "application/json");
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  const std::string text = body.is_null() ? std::string() : body.dump();
  StringViewSource source(text);
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = &source;
  }
  request.max_body = 64 << 20;
  auto response = http_->Send(request);
  if (!response.ok()) {
    out.error = ApiError{"cannot reach the hub at " + server_ + ": " + OneLine(response.status().message()),
                         "", 0};
    return out;
  }
  json parsed = response->body.empty() ? json(nullptr) : json::parse(response->body, nullptr, false);
  if (response->success()) {
    if (parsed.is_discarded()) {
      out.error = ApiError{"the hub at " + server_ + " answered something that is not JSON", "",
                           response->status};
    } else {
      out.value = std::move(parsed);
    }
    return out;
  }
  ApiError error;
  error.http_status = response->status;
  if (parsed.is_object() && parsed.contains("detail") && parsed["detail"].is_string()) {
    error.message = OneLine(parsed["detail"].get<std::string>());
    if (parsed.contains("field") && parsed["field"].is_string()) error.field = parsed["field"].get<std::string>();
  } else {
    error.message = "the hub answered HTTP " + std::to_string(response->status);
  }
  if (response->status == 401) {
    error.message = token_.empty()
                        ? "not signed in: run `dth task login --server " + server_ +
                              " --username USER` and export DTH_TOKEN"
                        : "sign in again (" + error.message +
                              "): run `dth task login` and export DTH_TOKEN";
  }
  out.error = std::move(error);
  return out;
}

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int ReportApiError(const ApiError& error) {
  if (error.field.empty()) {
    std::fprintf(stderr, "dth: error: %s\n", error.message.c_str());
  } else {
    std::fprintf(stderr, "dth: error: %s (field %s)\n", error.message.c_str(), error.field.c_str());
  }
  return 1;
}

}  // namespace dth::cli
