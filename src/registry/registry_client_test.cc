// RegistryClient against the in-process fault server playing a registry that lies or
// fails: digest checks, retry classification, the bearer token handshake.
#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "testing/fault_server.h"

namespace dth::registry {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;

FaultRule Answer(const std::string& method, const std::string& target, int status, std::string body,
                 HttpHeaders headers = {}, int times = -1) {
  FaultRule rule;
  rule.method = method;
  rule.target_contains = target;
  rule.times = times;
  rule.action.status = status;
  rule.action.body = std::move(body);
  rule.action.headers = std::move(headers);
  return rule;
}

class RegistryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = FaultServer::Start();
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  RegistryClient Client(AuthConfig auth = {}) {
    RegistryConfig config;
    config.endpoint = *ParseRegistryEndpoint(server_->endpoint());
    config.auth = std::move(auth);
    config.retry.max_attempts = 3;
    config.retry.base_delay = std::chrono::milliseconds(1);
    return RegistryClient(config, std::make_shared<HttpClient>());
  }
  std::unique_ptr<FaultServer> server_;
};

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:)" +
    std::string(64, '1') + R"(","size":2},"layers":[]})";

TEST_F(RegistryClientTest, ManifestDigestsAreChecked) {
  std::string digest = ContentDigest(kManifest);
  std::string other = "sha256:" + std::string(64, 'f');
  server_->AddRule(Answer("GET", "/v2/a/manifests/good", 200, kManifest,
                          {{"Content-Type", kOciManifest}, {"Docker-Content-Digest", digest}}));
  server_->AddRule(Answer("GET", "/v2/a/manifests/lying", 200, kManifest,
                          {{"Content-Type", kOciManifest}, {"Docker-Content-Digest", other}}));
  server_->AddRule(Answer("GET", "/v2/a/manifests/" + other, 200, kManifest, {{"Content-Type", kOciManifest}}));
  RegistryClient client = Client();
  auto good = client.GetManifest("a", "good");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->digest, digest);
  EXPECT_EQ(good->bytes, kManifest);
  EXPECT_EQ(client.GetManifest("a", "lying").status().code(), Code::kCorruption);
  auto by_digest = client.GetManifest("a", other);
  EXPECT_EQ(by_digest.status().code(), Code::kCorruption);
  EXPECT_NE(by_digest.status().message().find(digest), std::string::npos);
  auto accept = server_->requests().front().headers;
  const std::string* a = FindHeader(accept, "Accept");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(*a, ManifestAccept());
}

TEST_F(RegistryClientTest, BlobContentIsVerified) {
  std::string data = "the real layer";
  std::string digest = ContentDigest(data);
  server_->AddRule(Answer("GET", "/v2/a/blobs/" + digest, 200, "a tampered layer"));
  RegistryClient client = Client();
  StringSink sink;
  Status st = client.GetBlob("a", digest, 0, sink);
  EXPECT_EQ(st.code(), Code::kCorruption) << st.message();
  EXPECT_NE(st.message().find("hashes to"), std::string::npos);
}

TEST_F(RegistryClientTest, ServerErrorsAreRetriedNotFoundIsNot) {
  server_->AddRule(Answer("HEAD", "/v2/a/manifests/t", 503, "", {}, 2));
  server_->AddRule(Answer("HEAD", "/v2/a/manifests/t", 200, "", {{"Docker-Content-Digest", "sha256:x"}}));
  server_->AddRule(Answer("GET", "/v2/a/manifests/gone", 404,
                          R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"));
  RegistryClient client = Client();
  auto head = client.HeadManifest("a", "t");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->value_or(""), "sha256:x");
  EXPECT_EQ(server_->CountRequests("HEAD", "/v2/a/manifests/t"), 3);
  auto gone = client.GetManifest("a", "gone");
  EXPECT_EQ(gone.status().code(), Code::kNotFound);
  EXPECT_EQ(server_->CountRequests("GET", "/v2/a/manifests/gone"), 1);
  EXPECT_EQ(gone.status().message(),
            "GET manifest a:gone at " + client.endpoint().host + ": MANIFEST_UNKNOWN (404): manifest unknown");
}

TEST_F(RegistryClientTest, BearerHandshakeSendsCredentialsToTheRealmOnly) {
  std::string realm = server_->endpoint() + "/token";
  server_->AddRule(Answer("GET", "/v2/a/tags/list", 401, "",
                          {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\",scope=\"repository:a:pull\""}},
                          1));
  server_->AddRule(Answer("GET", "/token", 200, R"({"token":"tok-1","expires_in":300})"));
  server_->AddRule(Answer("GET", "/v2/a/tags/list", 200, R"({"name":"a","tags":null})"));
  RegistryClient client = Client(AuthConfig{"user", "s3cret", nullptr});
  auto tags = client.Tags("a");
  ASSERT_TRUE(tags.ok()) << tags.status().message();
  EXPECT_TRUE(tags->empty());  // "tags": null
  auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(FindHeader(requests[0].headers, "Authorization"), nullptr);
  EXPECT_EQ(requests[1].target, "/token?service=reg&scope=repository%3Aa%3Apull");
  EXPECT_EQ(*FindHeader(requests[1].headers, "Authorization"), "Basic " + Base64Encode("user:s3cret"));
  EXPECT_EQ(*FindHeader(requests[2].headers, "Authorization"), "Bearer tok-1");
  // Cached: the next call goes straight to the registry with the token.
  ASSERT_TRUE(client.Tags("a").ok());
  EXPECT_EQ(server_->CountRequests("GET", "/token"), 1);
}

TEST_F(RegistryClientTest, RefusedCredentialsAreAClearErrorWithoutTheSecret) {
  std::string realm = server_->endpoint() + "/token";
  server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\""}}));
  server_->AddRule(Answer("GET", "/token", 401, "{}"));
  RegistryClient client = Client(AuthConfig{"user", "s3cret-pw", nullptr});
  Status st = client.CheckVersion();
  EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.message();
  EXPECT_NE(st.message().find("wrong username or password"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("s3cret-pw"), std::string::npos);
}

TEST_F(RegistryClientTest, CatalogFollowsLinkPages) {
  server_->AddRule(Answer("GET", "/v2/_catalog?n=2&last=b", 200, R"({"repositories":["c"]})"));
  server_->AddRule(Answer("GET", "/v2/_catalog?n=1000", 200, R"({"repositories":["a","b"]})",
                          {{"Link", "</v2/_catalog?n=2&last=b>; rel=\"next\""}}));
  RegistryClient client = Client();
  auto repos = client.Catalog();
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(*repos, (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace dth::registry
