#include "registry/auth.h"

#include <gtest/gtest.h>

#include "registry/registry_client.h"

namespace dth::registry {
namespace {

TEST(ChallengeTest, BearerWithQuotedParams) {
  auto c = ParseChallenge(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push",error="insufficient_scope")");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->params["realm"], "https://auth.example.com/token");
  EXPECT_EQ(c->params["service"], "registry.example.com");
  EXPECT_EQ(c->params["scope"], "repository:a/b:pull,push");  // the comma inside quotes stays
  EXPECT_EQ(c->params["error"], "insufficient_scope");
}

TEST(ChallengeTest, BasicAndOddSpacing) {
  auto c = ParseChallenge(R"(Basic realm="dth-basic")");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->scheme, "basic");
  EXPECT_EQ(c->params["realm"], "dth-basic");
  auto d = ParseChallenge(R"(  bearer Realm=http://x/token , service="s")");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->params["realm"], "http://x/token");
  EXPECT_EQ(d->params["service"], "s");
  EXPECT_FALSE(ParseChallenge("").has_value());
}

TEST(LinkTest, NextRelativeAndAbsolute) {
  EXPECT_EQ(NextLink(R"(</v2/_catalog?last=b&n=2>; rel="next")", "http://127.0.0.1:5000"),
            "http://127.0.0.1:5000/v2/_catalog?last=b&n=2");
  EXPECT_EQ(NextLink(R"(<https://r.example/v2/x/tags/list?n=1&last=a>; rel="next")", "http://h"),
            "https://r.example/v2/x/tags/list?n=1&last=a");
  EXPECT_EQ(NextLink(R"(</prev>; rel="prev", </next>; rel="next")", "http://h"), "http://h/next");
  EXPECT_EQ(NextLink(R"(</prev>; rel="prev")", "http://h"), "");
  EXPECT_EQ(NextLink("garbage", "http://h"), "");
}

TEST(ScopeTest, Shapes) {
  EXPECT_EQ(PullScope("team/app"), "repository:team/app:pull");
  EXPECT_EQ(PushScope("team/app"), "repository:team/app:pull,push");
}

TEST(AuthenticatorTest, NoHeaderUntilChallengedAndBasicAfter) {
  AuthConfig config{"user", "pa55", nullptr};
  Authenticator auth(config, nullptr);
  auto h = auth.Header({PullScope("a")});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "");  // anonymous first: the registry may not need auth at all
  EXPECT_TRUE(auth.OnUnauthorized(R"(Basic realm="r")", {PullScope("a")}, false));
  h = auth.Header({PullScope("a")});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Basic dXNlcjpwYTU1");
  // The same password refused again: retrying cannot help.
  EXPECT_FALSE(auth.OnUnauthorized(R"(Basic realm="r")", {PullScope("a")}, true));
}

TEST(AuthenticatorTest, BasicChallengeWithoutCredentialsGivesUp) {
  Authenticator auth(AuthConfig{}, nullptr);
  EXPECT_FALSE(auth.OnUnauthorized(R"(Basic realm="r")", {}, false));
  EXPECT_FALSE(auth.OnUnauthorized("Negotiate", {}, false));
}

TEST(AuthenticatorTest, RefreshedCredentialsAreCachedUntilExpiry) {
  FakeClock clock;
  int calls = 0;
  AuthConfig config;
  config.refresh = [&]() -> Result<BasicCredentials> {
    ++calls;
    return BasicCredentials{"AWS", "token" + std::to_string(calls), clock.Now() + std::chrono::hours(12)};
  };
  Authenticator auth(config, nullptr, &clock);
  auto h = auth.Header({});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Basic QVdTOnRva2VuMQ==");  // AWS:token1, sent before any 401
  ASSERT_TRUE(auth.Header({}).ok());
  EXPECT_EQ(calls, 1);
  clock.Advance(std::chrono::hours(12));  // near expiry: fetched again
  h = auth.Header({});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Basic QVdTOnRva2VuMg==");
  EXPECT_EQ(calls, 2);
}

TEST(RegistryEndpointTest, SchemesAndDefaults) {
  auto a = ParseRegistryEndpoint("127.0.0.1:5000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->base, "http://127.0.0.1:5000");
  EXPECT_EQ(a->host, "127.0.0.1:5000");
  auto b = ParseRegistryEndpoint("registry.example.com");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->base, "https://registry.example.com");
  auto c = ParseRegistryEndpoint("https://localhost:5000/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->base, "https://localhost:5000");
  auto hub = ParseRegistryEndpoint("docker.io");
  ASSERT_TRUE(hub.ok());
  EXPECT_EQ(hub->base, "https://registry-1.docker.io");
  EXPECT_EQ(hub->host, "docker.io");
  EXPECT_FALSE(ParseRegistryEndpoint("ftp://x").ok());
  EXPECT_FALSE(ParseRegistryEndpoint("host/path").ok());
  EXPECT_FALSE(ParseRegistryEndpoint("").ok());
}

TEST(RegistryErrorTest, CodeAndMessage) {
  std::string message;
  EXPECT_EQ(RegistryErrorCode(R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})",
                              &message),
            "NAME_UNKNOWN");
  EXPECT_EQ(message, "repository name not known");
  EXPECT_EQ(RegistryErrorCode("<html>"), "");
  EXPECT_EQ(RegistryErrorCode(R"({"errors":[]})"), "");
}

}  // namespace
}  // namespace dth::registry
