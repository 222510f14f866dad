#include "registry/ecr.h"

#include <regex>

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "registry/json_read.h"

namespace dth::registry {
namespace {

constexpr char kTargetPrefix[] = "AmazonEC2ContainerRegistry_V20150921.";

std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::optional<EcrHost> ParseEcrHost(std::string_view host) {
  static const std::regex kPattern(
      R"(^([0-9]{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?(:443)?$)");
  std::cmatch m;
  if (!std::regex_match(host.data(), host.data() + host.size(), m, kPattern)) return std::nullopt;
  return EcrHost{m[1].str(), m[3].str(), m[4].matched};
}

std::string EcrApiEndpoint(const EcrHost& host) {
  return "https://api.ecr." + host.region + ".amazonaws.com" + (host.china ? ".cn" : "") + "/";
}

EcrRequest BuildEcrRequest(const std::string& endpoint, const std::string& region,
                           const std::string& action, const std::string& body,
                           const SigningKeys& keys, TimePoint now) {
  EcrRequest req;
  req.url = endpoint;
  req.body = body;
  std::string target = kTargetPrefix + action;
  SignableRequest s;
  s.method = "POST";
  s.host = HostOf(endpoint);
  s.path = "/";
  s.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}};
  s.payload_hash = HexEncode(Sha256(body));
  SignerOptions options;
  options.region = region;
  options.service = "ecr";
  options.s3_path_rules = false;
  options.add_content_sha256_header = false;
  SignedHeaders signed_headers = SignRequest(s, keys, options, now);
  req.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}};
  for (auto& h : signed_headers.headers) req.headers.push_back(h);
  return req;
}

EcrRequest BuildGetAuthorizationToken(const std::string& endpoint, const std::string& region,
                                      const SigningKeys& keys, TimePoint now) {
  return BuildEcrRequest(endpoint, region, "GetAuthorizationToken", "{}", keys, now);
}

EcrRequest BuildCreateRepository(const std::string& endpoint, const std::string& region,
                                 const std::string& repository, const SigningKeys& keys,
                                 TimePoint now) {
  nlohmann::json body = {{"repositoryName", repository}};
  return BuildEcrRequest(endpoint, region, "CreateRepository", body.dump(), keys, now);
}

Result<BasicCredentials> ParseAuthorizationToken(std::string_view body) {
  const std::string what = "ECR GetAuthorizationToken";
  DTH_ASSIGN_OR_RETURN(Json j, ParseJsonObject(body, what));
  DTH_ASSIGN_OR_RETURN(const Json* list, JsonArray(j, "authorizationData", what));
  if (list->empty()) return Corruption(what + ": reply without authorizationData");
  const Json& data = (*list)[0];
  if (!data.is_object()) return Corruption(what + ": authorizationData[0] is not an object");
  DTH_ASSIGN_OR_RETURN(std::string encoded, JsonString(data, "authorizationToken", what));
  std::string decoded;
  if (encoded.empty() || !Base64Decode(encoded, &decoded) || decoded.find(':') == std::string::npos) {
    return Corruption(what + ": malformed authorizationToken");
  }
  BasicCredentials creds;
  creds.username = decoded.substr(0, decoded.find(':'));
  creds.password = decoded.substr(decoded.find(':') + 1);
  DTH_ASSIGN_OR_RETURN(std::optional<double> expires, JsonNumber(data, "expiresAt", what));
  if (expires) {
    // Seconds since the epoch; beyond 2100 it is no token's expiry (and past 2262 it would
    // overflow the clock's nanoseconds: the fuzzer's expiresAt 9700043200).
    if (!(*expires > 0 && *expires < 4102444800.0)) return Corruption(what + ": expiresAt out of range");
    creds.expires_at = TimePoint(std::chrono::milliseconds(static_cast<int64_t>(*expires * 1000)));
  }
  return creds;
}

EcrApi::EcrApi(EcrHost host, SigningKeys keys, std::shared_ptr<HttpClient> http,
               std::string endpoint_override)
    : host_(std::move(host)), keys_(std::move(keys)), http_(std::move(http)),
      endpoint_(endpoint_override.empty() ? EcrApiEndpoint(host_) : std::move(endpoint_override)) {}

Result<std::string> EcrApi::Call(const EcrRequest& request, const std::string& action, bool* exists) {
  StringViewSource body(request.body);
  HttpRequest req;
  req.method = "POST";
  req.url = request.url;
  req.headers = request.headers;
  req.body = &body;
  req.max_body = kMaxEcrAnswer;
  auto sent = http_->Send(req);
  if (!sent.ok()) {
    Status st = sent.status();
    return st.Prefix("ECR " + action + " (" + host_.region + ")");
  }
  HttpResponse& resp = *sent;
  if (resp.success()) return std::move(resp.body);
  auto j = Json::parse(resp.body, nullptr, false);
  std::string type = JsonStringOr(j, "__type");
  type = type.substr(type.find('#') == std::string::npos ? 0 : type.find('#') + 1);
  if (exists != nullptr && type == "RepositoryAlreadyExistsException") {
    *exists = true;
    return std::string();
  }
  std::string message = JsonStringOr(j, "message");
  if (message.empty()) message = JsonStringOr(j, "Message");
  message = message.substr(0, 300);
  return Status(ClassifyHttpStatus(resp.status, type),
                "ECR " + action + " (" + host_.region + "): " + (type.empty() ? "error" : type) + " (HTTP " +
                    std::to_string(resp.status) + ")" + (message.empty() ? "" : ": " + message))
      .WithHttp(resp.status, type);
}

Result<BasicCredentials> EcrApi::GetAuthorizationToken() {
  auto req = BuildGetAuthorizationToken(endpoint_, host_.region, keys_, std::chrono::system_clock::now());
  DTH_ASSIGN_OR_RETURN(std::string body, Call(req, "GetAuthorizationToken", nullptr));
  return ParseAuthorizationToken(body);
}

Status EcrApi::CreateRepository(const std::string& repository) {
  auto req = BuildCreateRepository(endpoint_, host_.region, repository, keys_,
                                   std::chrono::system_clock::now());
  bool exists = false;
  return Call(req, "CreateRepository", &exists).status();
}

}  // namespace dth::registry
