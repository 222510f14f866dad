#include "registry/origin.h"

#include <gtest/gtest.h>

namespace dth::registry {
namespace {

TEST(OriginTest, SchemeHostAndDefaultPorts) {
  auto o = ParseOrigin("HTTPS://Registry.Example.com/v2/x?y=1");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->scheme, "https");
  EXPECT_EQ(o->host, "registry.example.com");
  EXPECT_EQ(o->port, 443);
  EXPECT_EQ(*ParseOrigin("https://registry.example.com:443"), *o);
  EXPECT_EQ(ParseOrigin("http://127.0.0.1:5000/v2/")->port, 5000);
  EXPECT_EQ(ParseOrigin("http://[::1]:8080")->host, "[::1]");
  EXPECT_EQ(ParseOrigin("http://h")->port, 80);
  for (const char* bad : {"ftp://h/x", "file:///etc/passwd", "/v2/x", "http://", "http://:80/",
                          "http://user@evil.example/", "http://h:99999/", "http://h:x/", "http://[::1"}) {
    EXPECT_FALSE(ParseOrigin(bad).has_value()) << bad;
  }
}

TEST(OriginTest, LoopbackSpellings) {
  for (const char* yes : {"localhost", "LOCALHOST:5000", "127.0.0.1", "127.1.2.3:80", "[::1]", "[::1]:5000"}) {
    EXPECT_TRUE(IsLoopbackHost(yes)) << yes;
  }
  for (const char* no : {"0x7f000001", "2130706433", "127.0.0.01", "127.0.0", "127.0.0.1.example.com",
                         "localhost.example.com", "10.0.0.1", "[::2]", "1270.0.0.1", "127.0.0.256"}) {
    EXPECT_FALSE(IsLoopbackHost(no)) << no;
  }
}

TEST(OriginTest, CredentialsOnlyOnTheRegistrysOwnOrigin) {
  const std::string what = "upload";
  EXPECT_TRUE(*CheckFollowUrl("http://127.0.0.1:5000", "http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=s", what));
  EXPECT_TRUE(*CheckFollowUrl("https://reg.example.com", "https://REG.example.com:443/v2/", what));
  EXPECT_FALSE(*CheckFollowUrl("http://127.0.0.1:5000", "http://127.0.0.1:5001/v2/", what));  // another port
  EXPECT_FALSE(*CheckFollowUrl("https://reg.example.com", "https://evil.example.com/v2/", what));
  EXPECT_FALSE(*CheckFollowUrl("http://127.0.0.1:5000", "https://127.0.0.1:5000/v2/", what));  // another scheme
  auto down = CheckFollowUrl("https://reg.example.com", "http://reg.example.com/v2/a?_state=SECRET", what);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(down.status().message().find("SECRET"), std::string::npos);
  auto junk = CheckFollowUrl("https://reg.example.com", "file:///etc/passwd", what);
  EXPECT_EQ(junk.status().code(), Code::kCorruption);
}

TEST(OriginTest, RealmsMustBeHttpsUnlessLoopback) {
  EXPECT_TRUE(CheckRealm("https://auth.example.com/token").ok());
  EXPECT_TRUE(CheckRealm("http://127.0.0.1:5001/token").ok());
  EXPECT_TRUE(CheckRealm("http://localhost/token").ok());
  Status plain = CheckRealm("http://auth.example.com/token?x=1");
  EXPECT_EQ(plain.code(), Code::kPermissionDenied);
  EXPECT_NE(plain.message().find("http://auth.example.com/token"), std::string::npos) << plain.message();
  EXPECT_EQ(CheckRealm("http://0x7f000001:5001/token").code(), Code::kPermissionDenied);
  EXPECT_EQ(CheckRealm("file:///etc/passwd").code(), Code::kPermissionDenied);
}

TEST(OriginTest, UrlsForLogsDropQueryAndUserinfo) {
  EXPECT_EQ(UrlForLog("http://h:1/v2/a/blobs/uploads/u?_state=abc&digest=x"), "http://h:1/v2/a/blobs/uploads/u");
  EXPECT_EQ(UrlForLog("https://user:pw@h/p#frag"), "https://h/p");
  EXPECT_EQ(UrlForLog("/v2/x?n=1"), "/v2/x");
}

}  // namespace
}  // namespace dth::registry
