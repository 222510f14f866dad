// registry/auth: the registry auth handshake, hidden from callers. Parses
// WWW-Authenticate challenges (Basic, Bearer realm/service/scope) and Link headers,
// and owns an Authenticator per registry: it learns the scheme from the first 401,
// then answers "which Authorization header for this request's scopes", fetching
// bearer tokens from the token service (with the basic credentials, if any) and caching
// them per scope set until shortly before they expire. Amazon ECR credentials come
// from a callback (registry/ecr) and are cached until their expiry the same way.
// The basic credentials go to a token realm only when it is https or on a loopback
// address (the realm is named by whoever answered 401). Secrets (passwords, tokens)
// never appear in messages or logs.
// Thread-safety: Authenticator is safe for concurrent use (one mutex; token fetches
// happen outside it, so two threads may fetch the same scope once each).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/http_client.h"

namespace dth::registry {

// Most bytes of a token service's answer kept in memory.
inline constexpr size_t kMaxTokenAnswer = 1 << 20;

struct Challenge {
  std::string scheme;  // "basic" or "bearer" (lower case)
  std::map<std::string, std::string> params;  // realm, service, scope, error
};

// Parses a WWW-Authenticate value; nullopt when it has no scheme.
std::optional<Challenge> ParseChallenge(std::string_view header);

// The URL of rel="next" in a Link header, resolved against `base` (scheme://host)
// when relative; "" when there is none.
std::string NextLink(std::string_view link_header, std::string_view base);

// Scopes ("repository:team/app:pull,push", "registry:catalog:*").
std::string PullScope(std::string_view repository);
std::string PushScope(std::string_view repository);  // pull,push

// Credentials with an expiry, e.g. from ECR GetAuthorizationToken.
struct BasicCredentials {
  std::string username, password;
  TimePoint expires_at{};  // epoch = never
};
using CredentialSource = std::function<Result<BasicCredentials>()>;

struct AuthConfig {
  std::string username, password;  // "" = anonymous (tokens are then anonymous)
  CredentialSource refresh;        // set for ECR: fetched on demand, cached until expiry
};

class Authenticator {
 public:
  Authenticator(AuthConfig config, std::shared_ptr<HttpClient> http, Clock* clock = SystemClock());

  // The Authorization header value for a request needing `scopes` ("" = none known
  // needed yet). May fetch a token.
  Result<std::string> Header(const std::vector<std::string>& scopes);
  // A 401 answered with `www_authenticate`: learn the scheme and forget any cached
  // token for `scopes`. Returns false when retrying cannot help (no credentials for
  // basic auth, unparseable challenge, or the same credentials were just refused).
  bool OnUnauthorized(std::string_view www_authenticate, const std::vector<std::string>& scopes,
                      bool had_header);

  int tokens_fetched() const;

 private:
  Result<std::string> FetchToken(const std::vector<std::string>& scopes, std::string* token,
                                 TimePoint* expires);
  Result<BasicCredentials> Basic();
  static std::string Key(const std::vector<std::string>& scopes);

  AuthConfig config_;
  std::shared_ptr<HttpClient> http_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::string scheme_;  // "" until the first 401, then "basic" or "bearer"
  std::string realm_, service_;
  struct Token {
    std::string value;
    TimePoint expires_at;
  };
  std::map<std::string, Token> tokens_;  // by scope set
  std::optional<BasicCredentials> basic_;
  int tokens_fetched_ = 0;
};

}  // namespace dth::registry
