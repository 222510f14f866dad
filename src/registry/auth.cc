#include "registry/auth.h"

#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>

#include "core/hash.h"
#include "registry/json_read.h"
#include "registry/origin.h"
#include "sigv4/uri_encode.h"

namespace dth::registry {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == ',')) s.remove_prefix(1);
}

}  // namespace

std::optional<Challenge> ParseChallenge(std::string_view header) {
  std::string_view s = header;
  SkipSpaces(s);
  size_t sp = s.find(' ');
  Challenge c;
  c.scheme = Lower(s.substr(0, sp));
  if (c.scheme.empty()) return std::nullopt;
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  for (;;) {
    SkipSpaces(s);
    size_t eq = s.find('=');
    if (s.empty() || eq == std::string_view::npos) break;
    std::string key = Lower(s.substr(0, eq));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    s.remove_prefix(eq + 1);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      s.remove_prefix(1);
      while (!s.empty() && s.front() != '"') {
        if (s.front() == '\\' && s.size() > 1) s.remove_prefix(1);
        value.push_back(s.front());
        s.remove_prefix(1);
      }
      if (!s.empty()) s.remove_prefix(1);
    } else {
      size_t end = s.find(',');
      value = std::string(s.substr(0, end));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      s = end == std::string_view::npos ? std::string_view() : s.substr(end);
    }
    c.params[key] = value;
  }
  return c;
}

std::string NextLink(std::string_view link, std::string_view base) {
  // <url>; rel="next", <url2>; rel="prev"
  while (!link.empty()) {
    size_t lt = link.find('<');
    size_t gt = link.find('>', lt == std::string_view::npos ? 0 : lt);
    if (lt == std::string_view::npos || gt == std::string_view::npos) return "";
    std::string_view url = link.substr(lt + 1, gt - lt - 1);
    size_t next = link.find('<', gt);
    std::string_view params = link.substr(gt + 1, next == std::string_view::npos ? std::string_view::npos : next - gt - 1);
    std::string lower = Lower(params);
    if (lower.find("rel=\"next\"") != std::string::npos || lower.find("rel=next") != std::string::npos) {
      if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return std::string(url);
      return std::string(base) + std::string(url);
    }
    if (next == std::string_view::npos) break;
    link = link.substr(next);
  }
  return "";
}

std::string PullScope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull";
}
std::string PushScope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull,push";
}

Authenticator::Authenticator(AuthConfig config, std::shared_ptr<HttpClient> http, Clock* clock)
    : config_(std::move(config)), http_(std::move(http)), clock_(clock) {}

int Authenticator::tokens_fetched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_fetched_;
}

std::string Authenticator::Key(const std::vector<std::string>& scopes) {
  std::vector<std::string> sorted = scopes;
  std::sort(sorted.begin(), sorted.end());
  std::string key;
  for (const auto& s : sorted) key += s + " ";
  return key;
}

Result<BasicCredentials> Authenticator::Basic() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!config_.refresh) return BasicCredentials{config_.username, config_.password, {}};
    if (basic_ && (basic_->expires_at == TimePoint{} ||
                   clock_->Now() + std::chrono::minutes(5) < basic_->expires_at))
      return *basic_;
  }
  DTH_ASSIGN_OR_RETURN(BasicCredentials fresh, config_.refresh());
  std::lock_guard<std::mutex> lock(mu_);
  basic_ = fresh;
  return fresh;
}

Result<std::string> Authenticator::Header(const std::vector<std::string>& scopes) {
  std::string scheme;
  {
    std::lock_guard<std::mutex> lock(mu_);
    scheme = scheme_;
    if (scheme == "bearer") {
      auto it = tokens_.find(Key(scopes));
      if (it != tokens_.end() && clock_->Now() < it->second.expires_at) return "Bearer " + it->second.value;
    }
  }
  if (scheme == "basic" || (scheme.empty() && config_.refresh)) {
    // ECR is always basic: no need to wait for a 401 first.
    DTH_ASSIGN_OR_RETURN(BasicCredentials creds, Basic());
    if (creds.username.empty() && creds.password.empty()) return std::string();
    return "Basic " + Base64Encode(creds.username + ":" + creds.password);
  }
  if (scheme != "bearer") return std::string();
  std::string token;
  TimePoint expires;
  DTH_RETURN_IF_ERROR(FetchToken(scopes, &token, &expires).status());
  std::lock_guard<std::mutex> lock(mu_);
  tokens_[Key(scopes)] = Token{token, expires};
  return "Bearer " + token;
}

bool Authenticator::OnUnauthorized(std::string_view www_authenticate,
                                   const std::vector<std::string>& scopes, bool had_header) {
  auto challenge = ParseChallenge(www_authenticate);
  std::lock_guard<std::mutex> lock(mu_);
  if (!challenge) return false;
  std::string before = scheme_;
  if (challenge->scheme == "basic") {
    scheme_ = "basic";
    if (config_.refresh) {
      basic_.reset();  // ECR: the token may have been rotated; fetch again once
      return true;
    }
    if (config_.username.empty() && config_.password.empty()) return false;
    return !(had_header && before == "basic");  // the same password again will not help
  }
  if (challenge->scheme == "bearer") {
    scheme_ = "bearer";
    realm_ = challenge->params["realm"];
    service_ = challenge->params["service"];
    if (realm_.empty()) return false;
    auto it = tokens_.find(Key(scopes));
    bool had_token = it != tokens_.end();
    if (had_token) tokens_.erase(it);  // expired or revoked early: fetch a fresh one once
    // A fresh token for exactly these scopes that is refused will be refused again.
    return !(had_header && before == "bearer" && !had_token);
  }
  return false;
}

Result<std::string> Authenticator::FetchToken(const std::vector<std::string>& scopes,
                                              std::string* token, TimePoint* expires) {
  std::string realm, service;
  {
    std::lock_guard<std::mutex> lock(mu_);
    realm = realm_;
    service = service_;
    ++tokens_fetched_;
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  url += "service=" + UriEncode(service, true);
  for (const auto& s : scopes) url += "&scope=" + UriEncode(s, true);
  HttpRequest req;
  req.url = url;
  req.max_body = kMaxTokenAnswer;
  std::string where = UrlForLog(realm);
  if (!ParseOrigin(realm)) return PermissionDenied("token realm '" + where + "' is not an http(s) URL");
  DTH_ASSIGN_OR_RETURN(BasicCredentials creds, Basic());
  if (!creds.username.empty() || !creds.password.empty()) {
    // The realm comes from whoever answered 401: the password goes only where it is
    // protected in transit (https) or never leaves the machine (loopback).
    DTH_RETURN_IF_ERROR(CheckRealm(realm));
    req.headers.emplace_back("Authorization", "Basic " + Base64Encode(creds.username + ":" + creds.password));
  }
  auto start = std::chrono::steady_clock::now();
  auto resp = http_->Send(req);
  if (spdlog::should_log(spdlog::level::debug)) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    spdlog::debug("token GET {} -> {} ({} ms)", where,
                  resp.ok() ? std::to_string(resp->status) : std::string(CodeName(resp.status().code())), ms.count());
  }
  if (!resp.ok()) {
    Status st = resp.status();
    return st.Prefix("token service " + where);
  }
  if (!resp->success()) {
    Code code = ClassifyHttpStatus(resp->status, "");
    std::string hint = resp->status == 401 ? " (wrong username or password for the registry)" : "";
    return Status(code, "token service " + where + " answered HTTP " + std::to_string(resp->status) + hint)
        .WithHttp(resp->status, "");
  }
  std::string what = "token service " + where;
  DTH_ASSIGN_OR_RETURN(Json j, ParseJsonObject(resp->body, what));
  DTH_ASSIGN_OR_RETURN(std::string value, JsonString(j, "token", what));
  if (value.empty()) {
    DTH_ASSIGN_OR_RETURN(value, JsonString(j, "access_token", what));
  }
  if (value.empty()) return Corruption(what + ": reply holds no token");
  DTH_ASSIGN_OR_RETURN(std::optional<double> lifetime, JsonNumber(j, "expires_in", what));
  int64_t expires_in = 60;  // the spec's default
  if (lifetime && *lifetime >= 1 && *lifetime < 366.0 * 24 * 3600) expires_in = static_cast<int64_t>(*lifetime);
  // Refresh early: at most half the lifetime, at most 30 s before the end.
  auto margin = std::min<int64_t>(30, expires_in / 2);
  *token = value;
  *expires = clock_->Now() + std::chrono::seconds(expires_in - margin);
  return value;
}

}  // namespace dth::registry
