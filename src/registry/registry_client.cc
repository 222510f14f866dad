#include "registry/registry_client.h"

#include <nlohmann/json.hpp>

#include "registry/client_call.h"
#include "sigv4/uri_encode.h"

namespace dth::registry {
namespace {

bool IsLoopback(std::string_view host) {
  std::string_view name = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
  return name == "localhost" || name.rfind("127.", 0) == 0 || name == "[::1]";
}

}  // namespace

Result<RegistryEndpoint> ParseRegistryEndpoint(std::string_view text) {
  std::string t(text);
  while (!t.empty() && t.back() == '/') t.pop_back();
  std::string scheme;
  if (t.rfind("http://", 0) == 0) {
    scheme = "http";
    t = t.substr(7);
  } else if (t.rfind("https://", 0) == 0) {
    scheme = "https";
    t = t.substr(8);
  } else if (t.find("://") != std::string::npos) {
    return InvalidArgument("bad registry '" + std::string(text) + "': only http:// and https:// are supported");
  }
  if (t.empty() || t.find('/') != std::string::npos || t.find('@') != std::string::npos ||
      t.find(' ') != std::string::npos) {
    return InvalidArgument("bad registry '" + std::string(text) + "': want host[:port] or http(s)://host[:port]");
  }
  if (scheme.empty()) scheme = IsLoopback(t) ? "http" : "https";
  // Docker Hub is named docker.io but served from registry-1.docker.io.
  if (t == "docker.io" || t == "index.docker.io") return RegistryEndpoint{scheme + "://registry-1.docker.io", t};
  return RegistryEndpoint{scheme + "://" + t, t};
}

std::string RegistryErrorCode(const std::string& body, std::string* message) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("errors") || !j["errors"].is_array() ||
      j["errors"].empty() || !j["errors"][0].is_object())
    return "";
  const auto& e = j["errors"][0];
  if (message != nullptr) *message = e.value("message", "");
  return e.value("code", "");
}

RegistryClient::RegistryClient(RegistryConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)), auth_(config_.auth, http_, config_.clock) {}

std::string RegistryClient::Url(const std::string& p) const {
  if (p.rfind("http://", 0) == 0 || p.rfind("https://", 0) == 0) return p;
  return config_.endpoint.base + p;
}

Status RegistryClient::ErrorFrom(const HttpResponse& resp, const std::string& what) const {
  std::string message;
  std::string code = RegistryErrorCode(resp.body, &message);
  Code c = ClassifyHttpStatus(resp.status, "");
  if (code == "DIGEST_INVALID" || code == "SIZE_INVALID") c = Code::kCorruption;
  if (code == "TOOMANYREQUESTS") c = Code::kThrottled;
  std::string text = what + " at " + config_.endpoint.host + ": " + (code.empty() ? "HTTP" : code) + " (" +
                     std::to_string(resp.status) + ")";
  if (!message.empty()) text += ": " + message;
  if (resp.status == 401) text += " (check the registry username and password)";
  Status st(c, text);
  st.WithHttp(resp.status, code);
  if (const std::string* ra = resp.Header("Retry-After")) {
    if (auto d = ParseRetryAfter(*ra, std::chrono::system_clock::now())) st.WithRetryAfter(*d);
  }
  return st;
}

Result<HttpResponse> RegistryClient::DoOnce(const Call& call) {
  bool had_header = false;
  for (int round = 0;; ++round) {
    HttpRequest req;
    req.method = call.method;
    req.url = Url(call.url);
    req.headers = call.headers;
    req.body = call.body;
    req.sink = call.sink;
    DTH_ASSIGN_OR_RETURN(std::string authz, auth_.Header(call.scopes));
    if (!authz.empty()) req.headers.emplace_back("Authorization", authz);
    had_header = !authz.empty();
    ++requests_;
    auto resp = http_->Send(req);
    if (!resp.ok()) {
      Status st = resp.status();
      return st.Prefix(call.what + " at " + config_.endpoint.host);
    }
    if (resp->status != 401 || round >= 1) return resp;
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
  Status st = RunWithRetries(policy, [&](int) -> Status {
    auto resp = DoOnce(call);
    if (!resp.ok()) return resp.status();
    if (resp->status == 429 || resp->status >= 500) return ErrorFrom(*resp, call.what);
    out = std::move(*resp);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Status RegistryClient::CheckVersion() {
  Call c;
  c.url = "/v2/";
  c.what = "GET /v2/ (version check)";
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* v = resp.Header("Docker-Distribution-API-Version");
  if (v != nullptr && v->find("registry/2.0") == std::string::npos) {
    return NotSupported(c.what + " at " + config_.endpoint.host + ": unsupported API version " + *v);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> RegistryClient::ListPages(const std::string& first_path,
                                                           const char* field,
                                                           const std::vector<std::string>& scopes,
                                                           const std::string& what) {
  std::vector<std::string> out;
  std::string url = first_path;
  for (int page = 0; !url.empty(); ++page) {
    if (page > 100000) return Corruption(what + ": pagination does not end");
    Call c;
    c.url = url;
    c.scopes = scopes;
    c.what = what;
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
    if (!resp.success()) return ErrorFrom(resp, what);
    auto j = nlohmann::json::parse(resp.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Corruption(what + ": reply is not JSON");
    if (j.contains(field) && j[field].is_array()) {  // "tags": null means none
      for (const auto& v : j[field]) {
        if (v.is_string()) out.push_back(v.get<std::string>());
      }
    }
    const std::string* link = resp.Header("Link");
    url = link == nullptr ? "" : NextLink(*link, config_.endpoint.base);
  }
  return out;
}

Result<std::vector<std::string>> RegistryClient::Catalog() {
  int n = std::min(std::max(config_.catalog_page_size, 1), 1000);
  return ListPages("/v2/_catalog?n=" + std::to_string(n), "repositories", {"registry:catalog:*"},
                   "GET catalog");
}

Result<std::vector<std::string>> RegistryClient::Tags(const std::string& repository) {
  return ListPages("/v2/" + repository + "/tags/list", "tags", {PullScope(repository)},
                   "GET tags of " + repository);
}

Result<Manifest> RegistryClient::GetManifest(const std::string& repository, const std::string& reference) {
  Call c;
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Accept", ManifestAccept()}};
  c.scopes = {PullScope(repository)};
  c.what = "GET manifest " + repository + (reference.rfind("sha256:", 0) == 0 ? "@" : ":") + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* ct = resp.Header("Content-Type");
  auto m = ParseManifest(std::move(resp.body), ct == nullptr ? "" : *ct);
  if (!m.ok()) {
    Status st = m.status();
    return st.Prefix(c.what);
  }
  if (reference.rfind("sha256:", 0) == 0 && m->digest != reference) {
    return Corruption(c.what + ": content digest is " + m->digest);
  }
  const std::string* served = resp.Header("Docker-Content-Digest");
  if (served != nullptr && served->rfind("sha256:", 0) == 0 && *served != m->digest) {
    return Corruption(c.what + ": registry says digest " + *served + " but the bytes hash to " + m->digest);
  }
  return m;
}

Result<std::optional<std::string>> RegistryClient::HeadManifest(const std::string& repository,
                                                                const std::string& reference) {
  Call c;
  c.method = "HEAD";
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Accept", ManifestAccept()}};
  c.scopes = {PullScope(repository)};
  c.what = "HEAD manifest " + repository + ":" + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status == 404) return std::optional<std::string>();
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* d = resp.Header("Docker-Content-Digest");
  if (d == nullptr || d->empty()) {
    // Some registries omit it on HEAD: fall back to GET and hash.
    DTH_ASSIGN_OR_RETURN(Manifest m, GetManifest(repository, reference));
    return std::optional<std::string>(m.digest);
  }
  return std::optional<std::string>(*d);
}

Result<std::string> RegistryClient::PutManifest(const std::string& repository, const std::string& reference,
                                                const std::string& media_type, const std::string& bytes) {
  StringViewSource body(bytes);
  Call c;
  c.method = "PUT";
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Content-Type", media_type}};
  c.body = &body;
  c.scopes = {PushScope(repository)};
  c.what = "PUT manifest " + repository + ":" + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  std::string digest = ContentDigest(bytes);
  const std::string* served = resp.Header("Docker-Content-Digest");
  if (served != nullptr && !served->empty() && *served != digest) {
    return Corruption(c.what + ": registry stored digest " + *served + ", expected " + digest);
  }
  return digest;
}

}  // namespace dth::registry
