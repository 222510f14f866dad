// RegistryClient against the in-process fault server playing a registry that lies or
// fails: digest checks, retry classification, the bearer token handshake, where
// credentials may go, caps on what is held in memory, wrong-typed JSON, logs.
#include "registry/registry_client.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "core/hash.h"
#include "registry/auth.h"
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

std::unique_ptr<FaultServer> Other() {
  auto other = FaultServer::Start();
  EXPECT_TRUE(other.ok());
  return other.ok() ? std::move(*other) : nullptr;
}

const std::string kBasicChallenge = "Basic realm=\"registry\"";

TEST_F(RegistryClientTest, UrlsOnAnotherHostGetNoCredentials) {
  auto other = Other();
  ASSERT_NE(other, nullptr);
  std::string data = "layer bytes";
  std::string digest = ContentDigest(data);
  // The first request learns basic auth; every later one on this host carries it.
  server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", kBasicChallenge}}, 1));
  server_->AddRule(Answer("POST", "/v2/a/blobs/uploads/?mount=", 202, "",
                          {{"Location", other->endpoint() + "/cancel/1?_state=s"}}));
  server_->AddRule(Answer("POST", "/v2/a/blobs/uploads/", 202, "",
                          {{"Location", other->endpoint() + "/upload/1?_state=s"}}));
  server_->AddRule(Answer("GET", "/v2/_catalog", 200, R"({"repositories":["a"]})",
                          {{"Link", "<" + other->endpoint() + "/v2/_catalog?last=a>; rel=\"next\""}}));
  server_->AddRule(Answer("GET", "/v2/a/blobs/", 307, "", {{"Location", other->endpoint() + "/storage/b?sig=x"}}));
  other->AddRule(Answer("PUT", "/upload/1", 201, ""));
  other->AddRule(Answer("GET", "/v2/_catalog", 200, R"({"repositories":["b"]})"));
  other->AddRule(Answer("GET", "/storage/b", 200, data));
  RegistryClient client = Client(AuthConfig{"user", "s3cret", nullptr});
  ASSERT_TRUE(client.CheckVersion().ok());
  StringViewSource body(data);
  Status pushed = client.PushBlob("a", digest, body);
  EXPECT_TRUE(pushed.ok()) << pushed.message();
  auto mounted = client.MountBlob("a", digest, "elsewhere");
  ASSERT_TRUE(mounted.ok()) << mounted.status().message();
  EXPECT_FALSE(*mounted);
  auto repos = client.Catalog();
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(*repos, (std::vector<std::string>{"a", "b"}));
  StringSink sink;
  Status got = client.GetBlob("a", digest, data.size(), sink);
  EXPECT_TRUE(got.ok()) << got.message();

  std::string basic = "Basic " + Base64Encode("user:s3cret");
  auto own = server_->requests();
  ASSERT_GE(own.size(), 6u);
  for (size_t i = 1; i < own.size(); ++i) {  // all but the first, anonymous, request
    const std::string* a = FindHeader(own[i].headers, "Authorization");
    EXPECT_TRUE(a != nullptr && *a == basic) << own[i].method << " " << own[i].target;
  }
  auto foreign = other->requests();
  ASSERT_EQ(foreign.size(), 4u);  // the upload PUT, the cancel DELETE, the next page, the redirect
  for (const auto& r : foreign) {
    EXPECT_EQ(FindHeader(r.headers, "Authorization"), nullptr) << r.method << " " << r.target;
  }
  EXPECT_EQ(other->CountRequests("DELETE", "/cancel/1"), 1);
}

TEST_F(RegistryClientTest, CredentialsGoOnlyToHttpsOrLoopbackRealms) {
  // 127.0.0.1 spelt so that only an address parser knows it is loopback: like any
  // other plain-http host, it must not get the password.
  std::string realm = "http://0x7f000001:" + std::to_string(server_->port()) + "/token";
  server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\""}}));
  server_->AddRule(Answer("GET", "/token", 200, R"({"token":"tok"})"));
  RegistryClient with_password = Client(AuthConfig{"user", "s3cret", nullptr});
  Status st = with_password.CheckVersion();
  EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.message();
  EXPECT_NE(st.message().find("https"), std::string::npos) << st.message();
  EXPECT_EQ(server_->CountRequests("GET", "/token"), 0);
  // Anonymous: nothing to leak, the token is fetched (without Authorization).
  RegistryClient anonymous = Client();
  (void)anonymous.CheckVersion();
  for (const auto& r : server_->requests()) {
    EXPECT_EQ(FindHeader(r.headers, "Authorization") != nullptr && r.target.rfind("/token", 0) == 0, false);
  }
  server_->ClearRules();
  server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", "Bearer realm=\"file:///etc/passwd\""}}));
  EXPECT_EQ(Client(AuthConfig{"user", "s3cret", nullptr}).CheckVersion().code(), Code::kPermissionDenied);
}

TEST_F(RegistryClientTest, AnswersHeldInMemoryAreCapped) {
  std::string tags = R"({"name":"a","tags":[)";
  while (tags.size() <= kMaxJsonBody) tags += R"("some-tag-0123456789",)";
  tags += R"("last"]})";
  server_->AddRule(Answer("GET", "/v2/a/tags/list", 200, tags));
  server_->AddRule(Answer("GET", "/v2/a/manifests/x", 404,
                          R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"m"}]})" + std::string(kMaxJsonBody, ' ')));
  std::string data = "the layer";
  server_->AddRule(Answer("GET", "/v2/a/blobs/", 200, data + std::string(4 << 20, 'x')));
  RegistryClient client = Client();
  auto listed = client.Tags("a");
  EXPECT_EQ(listed.status().code(), Code::kCorruption);
  EXPECT_NE(listed.status().message().find("larger than"), std::string::npos) << listed.status().message();
  // An error body is cut, yet the error is still classified by its status.
  EXPECT_EQ(client.GetManifest("a", "x").status().code(), Code::kNotFound);
  // A blob longer than its descriptor says stops at the first byte too many.
  StringSink sink;
  Status st = client.GetBlob("a", ContentDigest(data), data.size(), sink);
  EXPECT_EQ(st.code(), Code::kCorruption);
  EXPECT_NE(st.message().find("more than the 9 bytes"), std::string::npos) << st.message();
  EXPECT_LE(sink.str().size(), data.size());
}

TEST_F(RegistryClientTest, WrongTypedJsonIsCorruptionNotACrash) {
  server_->AddRule(Answer("GET", "/v2/s/tags/list", 200, R"({"name":"s","tags":"v1"})"));
  server_->AddRule(Answer("GET", "/v2/n/tags/list", 200, R"({"name":"n","tags":["v1",2]})"));
  server_->AddRule(Answer("GET", "/v2/_catalog", 200, R"({"repositories":{"a":1}})"));
  server_->AddRule(Answer("GET", "/v2/e/manifests/x", 400, R"({"errors":[{"code":5,"message":["m"]}]})"));
  RegistryClient client = Client();
  EXPECT_EQ(client.Tags("s").status().code(), Code::kCorruption);
  EXPECT_EQ(client.Tags("n").status().code(), Code::kCorruption);
  auto catalog = client.Catalog();
  EXPECT_EQ(catalog.status().code(), Code::kCorruption);
  EXPECT_NE(catalog.status().message().find("'repositories'"), std::string::npos) << catalog.status().message();
  Result<Manifest> m = Status(Code::kCancelled, "unset");
  ASSERT_NO_THROW(m = client.GetManifest("e", "x"));
  EXPECT_EQ(m.status().code(), Code::kPermanent);

  std::string realm = server_->endpoint() + "/token";
  for (const char* answer : {R"({"token":5})", R"({"access_token":["t"]})", R"({"token":"t","expires_in":"300"})",
                             R"(["t"])"}) {
    server_->ClearRules();
    server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\""}}));
    server_->AddRule(Answer("GET", "/token", 200, answer));
    Status st;
    ASSERT_NO_THROW(st = Client(AuthConfig{"user", "pw", nullptr}).CheckVersion()) << answer;
    EXPECT_EQ(st.code(), Code::kCorruption) << answer << ": " << st.message();
  }
}

// Captures the default logger's output while alive.
class LogCapture {
 public:
  explicit LogCapture(spdlog::level::level_enum level) : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(RegistryClientTest, RetriesLogAtInfoRequestsAtDebugNeverASecret) {
  std::string realm = server_->endpoint() + "/token";
  server_->AddRule(Answer("HEAD", "/v2/a/manifests/t", 401, "",
                          {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\""}}, 1));
  server_->AddRule(Answer("GET", "/token", 200, R"({"token":"tok-SECRET","expires_in":300})"));
  server_->AddRule(Answer("HEAD", "/v2/a/manifests/t", 503, "", {}, 1));
  server_->AddRule(Answer("HEAD", "/v2/a/manifests/t", 200, "", {{"Docker-Content-Digest", "sha256:x"}}));
  server_->AddRule(Answer("POST", "/v2/a/blobs/uploads/", 202, "",
                          {{"Location", server_->endpoint() + "/v2/a/blobs/uploads/u?_state=STATE-SECRET"}}));
  server_->AddRule(Answer("PUT", "/v2/a/blobs/uploads/u", 201, ""));
  std::string info, debug;
  {
    LogCapture capture(spdlog::level::info);
    RegistryClient client = Client(AuthConfig{"user", "pw-SECRET", nullptr});
    ASSERT_TRUE(client.HeadManifest("a", "t").ok());
    info = capture.text();
  }
  server_->ClearRules();
  server_->AddRule(Answer("GET", "/v2/", 401, "", {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\""}}, 1));
  server_->AddRule(Answer("GET", "/token", 200, R"({"token":"tok-SECRET","expires_in":300})"));
  server_->AddRule(Answer("POST", "/v2/a/blobs/uploads/", 202, "",
                          {{"Location", server_->endpoint() + "/v2/a/blobs/uploads/u?_state=STATE-SECRET"}}));
  server_->AddRule(Answer("PUT", "/v2/a/blobs/uploads/u", 201, ""));
  {
    LogCapture capture(spdlog::level::debug);
    RegistryClient client = Client(AuthConfig{"user", "pw-SECRET", nullptr});
    ASSERT_TRUE(client.CheckVersion().ok());
    std::string data = "x";
    StringViewSource body(data);
    ASSERT_TRUE(client.PushBlob("a", ContentDigest(data), body).ok());
    debug = capture.text();
  }
  EXPECT_NE(info.find("retry 1 of 2"), std::string::npos) << info;
  EXPECT_NE(info.find("HEAD manifest a:t"), std::string::npos) << info;
  EXPECT_NE(info.find("503"), std::string::npos) << info;
  EXPECT_EQ(info.find("registry HEAD"), std::string::npos) << "requests are debug only: " << info;
  std::string base = server_->endpoint();
  EXPECT_NE(debug.find("registry GET " + base + "/v2/ -> 401"), std::string::npos) << debug;
  EXPECT_NE(debug.find("token GET " + realm + " -> 200"), std::string::npos) << debug;
  EXPECT_NE(debug.find("registry GET " + base + "/v2/ -> 200"), std::string::npos) << debug;
  EXPECT_NE(debug.find("registry POST " + base + "/v2/a/blobs/uploads/ -> 202"), std::string::npos) << debug;
  EXPECT_NE(debug.find("registry PUT " + base + "/v2/a/blobs/uploads/u -> 201"), std::string::npos) << debug;
  EXPECT_NE(debug.find(" ms"), std::string::npos) << debug;
  for (const std::string& log : {info, debug}) {
    for (const char* secret : {"SECRET", "Bearer", "Basic", "Authorization", "digest=", "scope="}) {
      EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in " << log;
    }
  }
}

}  // namespace
}  // namespace dth::registry
