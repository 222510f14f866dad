// registry/ecr: Amazon ECR's control-plane calls that a registry replicator needs,
// on the AWS JSON 1.1 protocol signed with SigV4 (service "ecr"):
// GetAuthorizationToken (its token is basic auth "AWS:<password>" for the registry)
// and CreateRepository (ECR does not create repositories on push). Requests are built
// by pure functions (unit-tested); EcrApi sends them. ECR hosts are recognised as
// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn].
// Answers are read without exceptions (a wrong-typed field is kCorruption) and capped.
// Thread-safety: pure functions; EcrApi is safe for concurrent use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/http_client.h"
#include "registry/auth.h"
#include "sigv4/signer.h"

namespace dth::registry {

// Most bytes of an ECR API answer kept in memory.
inline constexpr size_t kMaxEcrAnswer = 1 << 20;

struct EcrHost {
  std::string account_id;
  std::string region;
  bool china = false;
};
std::optional<EcrHost> ParseEcrHost(std::string_view host);

// https://api.ecr.<region>.amazonaws.com[.cn]/
std::string EcrApiEndpoint(const EcrHost& host);

struct EcrRequest {
  std::string url;
  HttpHeaders headers;  // signed; includes Authorization (never logged)
  std::string body;
};

// POST / with X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<action>.
EcrRequest BuildEcrRequest(const std::string& endpoint, const std::string& region,
                           const std::string& action, const std::string& body,
                           const SigningKeys& keys, TimePoint now);
EcrRequest BuildGetAuthorizationToken(const std::string& endpoint, const std::string& region,
                                      const SigningKeys& keys, TimePoint now);
EcrRequest BuildCreateRepository(const std::string& endpoint, const std::string& region,
                                 const std::string& repository, const SigningKeys& keys,
                                 TimePoint now);

// The GetAuthorizationToken reply: base64 "AWS:<password>" and expiresAt (epoch seconds).
Result<BasicCredentials> ParseAuthorizationToken(std::string_view body);

class EcrApi {
 public:
  EcrApi(EcrHost host, SigningKeys keys, std::shared_ptr<HttpClient> http,
         std::string endpoint_override = "");
  Result<BasicCredentials> GetAuthorizationToken();
  // OK when created or when it exists already.
  Status CreateRepository(const std::string& repository);

 private:
  Result<std::string> Call(const EcrRequest& request, const std::string& action, bool* exists);
  EcrHost host_;
  SigningKeys keys_;
  std::shared_ptr<HttpClient> http_;
  std::string endpoint_;
};

}  // namespace dth::registry
