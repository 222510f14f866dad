// RegistryClient's request path: URL resolution with credential scoping, the auth
// round, retries with logs, and errors from the registry's answers.
#include <chrono>

#include <spdlog/spdlog.h>

#include "registry/client_call.h"
#include "registry/json_read.h"
#include "registry/origin.h"
#include "registry/registry_client.h"

namespace dth::registry {

std::string RegistryErrorCode(const std::string& body, std::string* message) {
  auto j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto it = j.find("errors");
  if (it == j.end() || !it->is_array() || it->empty() || !(*it)[0].is_object()) return "";
  const Json& e = (*it)[0];
  if (message != nullptr) *message = JsonStringOr(e, "message");
  return JsonStringOr(e, "code");
}

Result<RegistryClient::Target> RegistryClient::Resolve(const std::string& p, const std::string& what) const {
  if (p.size() >= 2 && p[0] == '/' && p[1] == '/') {  // scheme-relative: the registry's scheme
    std::string base = config_.endpoint.base;
    return Resolve(base.substr(0, base.find("://") + 1) + p, what);
  }
  if (!p.empty() && p[0] == '/') return Target{config_.endpoint.base + p, true};
  DTH_ASSIGN_OR_RETURN(bool own, CheckFollowUrl(config_.endpoint.base, p, what + " at " + config_.endpoint.host));
  return Target{p, own};
}

Status RegistryClient::ErrorFrom(const HttpResponse& resp, const std::string& what) const {
  std::string message;
  std::string code = RegistryErrorCode(resp.body, &message);
  Code c = ClassifyHttpStatus(resp.status, "");
  if (code == "DIGEST_INVALID" || code == "SIZE_INVALID") c = Code::kCorruption;
  if (code == "TOOMANYREQUESTS") c = Code::kThrottled;
  std::string text = what + " at " + config_.endpoint.host + ": " + (code.empty() ? "HTTP" : code) + " (" +
                     std::to_string(resp.status) + ")";
  if (!message.empty()) text += ": " + message.substr(0, 300);
  if (resp.status == 401) text += " (check the registry username and password)";
  Status st(c, text);
  st.WithHttp(resp.status, code);
  if (const std::string* ra = resp.Header("Retry-After")) {
    if (auto d = ParseRetryAfter(*ra, std::chrono::system_clock::now())) st.WithRetryAfter(*d);
  }
  return st;
}

Result<HttpResponse> RegistryClient::DoOnce(const Call& call) {
  DTH_ASSIGN_OR_RETURN(Target target, Resolve(call.url, call.what));
  for (int round = 0;; ++round) {
    HttpRequest req;
    req.method = call.method;
    req.url = target.url;
    req.headers = call.headers;
    req.body = call.body;
    req.sink = call.sink;
    req.max_body = call.sink == nullptr ? kMaxJsonBody : kMaxErrorBody;
    bool had_header = false;
    if (target.own) {  // never to another host, whatever the registry asks
      DTH_ASSIGN_OR_RETURN(std::string authz, auth_.Header(call.scopes));
      if (!authz.empty()) req.headers.emplace_back("Authorization", authz);
      had_header = !authz.empty();
    }
    ++requests_;
    auto start = std::chrono::steady_clock::now();
    auto resp = http_->Send(req);
    if (spdlog::should_log(spdlog::level::debug)) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      spdlog::debug("registry {} {} -> {} ({} ms{})", req.method, UrlForLog(req.url),
                    resp.ok() ? std::to_string(resp->status) : std::string(CodeName(resp.status().code())),
                    ms.count(), target.own ? "" : ", another origin: no credentials");
    }
    if (!resp.ok()) {
      Status st = resp.status();
      return st.Prefix(call.what + " at " + config_.endpoint.host);
    }
    if (!target.own || resp->status != 401 || round >= 1) return resp;
    const std::string* challenge = resp->Header("WWW-Authenticate");
    if (challenge == nullptr || !auth_.OnUnauthorized(*challenge, call.scopes, had_header)) return resp;
    if (call.body != nullptr && !call.body->Rewind().ok()) {
      // A streamed body cannot be sent twice: the caller retries the whole copy.
      return Status(Code::kTransient, call.what + " at " + config_.endpoint.host +
                                          ": credentials refused mid-stream (token expired?); retry");
    }
  }
}

Result<HttpResponse> RegistryClient::Do(const Call& call) {
  std::optional<HttpResponse> out;
  RetryPolicy policy = call.replayable ? config_.retry : RetryPolicy::None();
  Status st = RunWithRetries(
      policy,
      [&](int) -> Status {
        auto resp = DoOnce(call);
        if (!resp.ok()) return resp.status();
        if (resp->status == 429 || resp->status >= 500) return ErrorFrom(*resp, call.what);
        out = std::move(*resp);
        return Status::Ok();
      },
      RealSleeper(),
      [&](const Status& why, int attempt, std::chrono::milliseconds delay) {
        spdlog::info("retry {} of {} in {} ms: {}", attempt, policy.max_attempts - 1, delay.count(), why.message());
      });
  if (!st.ok()) return st;
  return std::move(*out);
}

}  // namespace dth::registry
