#include "registry/ecr.h"

#include <gtest/gtest.h>

#include "core/hash.h"

namespace dth::registry {
namespace {

const SigningKeys kKeys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

TimePoint Aug30() { return std::chrono::system_clock::from_time_t(1440938160); }  // 2015-08-30T12:36:00Z

std::string Header(const EcrRequest& r, const std::string& name) {
  const std::string* v = FindHeader(r.headers, name);
  return v == nullptr ? "" : *v;
}

TEST(EcrHostTest, RecognisesRegistryHosts) {
  auto h = ParseEcrHost("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->account_id, "123456789012");
  EXPECT_EQ(h->region, "eu-west-1");
  EXPECT_FALSE(h->china);
  EXPECT_EQ(EcrApiEndpoint(*h), "https://api.ecr.eu-west-1.amazonaws.com/");
  auto cn = ParseEcrHost("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
  ASSERT_TRUE(cn.has_value());
  EXPECT_TRUE(cn->china);
  EXPECT_EQ(EcrApiEndpoint(*cn), "https://api.ecr.cn-north-1.amazonaws.com.cn/");
  EXPECT_TRUE(ParseEcrHost("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com").has_value());
  EXPECT_FALSE(ParseEcrHost("12345.dkr.ecr.us-east-1.amazonaws.com").has_value());
  EXPECT_FALSE(ParseEcrHost("registry.example.com").has_value());
}

TEST(EcrRequestTest, GetAuthorizationTokenIsASignedJsonPost) {
  EcrRequest r = BuildGetAuthorizationToken("https://api.ecr.us-east-1.amazonaws.com/", "us-east-1", kKeys, Aug30());
  EXPECT_EQ(r.url, "https://api.ecr.us-east-1.amazonaws.com/");
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(Header(r, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(Header(r, "X-Amz-Target"), "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
  EXPECT_EQ(Header(r, "X-Amz-Date"), "20150830T123600Z");
  std::string authz = Header(r, "Authorization");
  EXPECT_EQ(authz.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request, ", 0), 0u)
      << authz;
  EXPECT_NE(authz.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"), std::string::npos) << authz;
  EXPECT_EQ(authz.find(kKeys.secret_access_key), std::string::npos);
  EXPECT_EQ(Header(r, "x-amz-content-sha256"), "");  // not an S3 request

  // The signature covers the body and the target: changing either changes it.
  EcrRequest other = BuildEcrRequest("https://api.ecr.us-east-1.amazonaws.com/", "us-east-1",
                                     "GetAuthorizationToken", "{ }", kKeys, Aug30());
  EXPECT_NE(Header(other, "Authorization"), authz);
}

TEST(EcrRequestTest, CreateRepositoryNamesTheRepository) {
  EcrRequest r = BuildCreateRepository("https://api.ecr.us-west-2.amazonaws.com/", "us-west-2", "mirror/app",
                                       kKeys, Aug30());
  EXPECT_EQ(r.body, R"({"repositoryName":"mirror/app"})");
  EXPECT_EQ(Header(r, "X-Amz-Target"), "AmazonEC2ContainerRegistry_V20150921.CreateRepository");
  EXPECT_NE(Header(r, "Authorization").find("/us-west-2/ecr/aws4_request"), std::string::npos);
}

TEST(EcrRequestTest, SessionTokenIsSent) {
  SigningKeys keys = kKeys;
  keys.session_token = "SESSION";
  EcrRequest r = BuildGetAuthorizationToken("https://api.ecr.us-east-1.amazonaws.com/", "us-east-1", keys, Aug30());
  EXPECT_EQ(Header(r, "X-Amz-Security-Token"), "SESSION");
}

TEST(EcrTokenTest, ParsesUserPasswordAndExpiry) {
  std::string token = Base64Encode("AWS:secret-password");
  auto c = ParseAuthorizationToken(R"({"authorizationData":[{"authorizationToken":")" + token +
                                   R"(","expiresAt":1.7e9,"proxyEndpoint":"https://x"}]})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->username, "AWS");
  EXPECT_EQ(c->password, "secret-password");
  EXPECT_EQ(c->expires_at, std::chrono::system_clock::from_time_t(1700000000));
  auto bad = ParseAuthorizationToken(R"({"authorizationData":[{"authorizationToken":"bm9jb2xvbg=="}]})");
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_EQ(bad.status().message().find("nocolon"), std::string::npos);
  EXPECT_FALSE(ParseAuthorizationToken("{}").ok());
}

TEST(EcrTokenTest, WrongTypedFieldsAreCorruptionNotExceptions) {
  std::string token = "\"" + Base64Encode("AWS:pw") + "\"";
  for (const std::string& bad : {std::string(R"({"authorizationData":"x"})"),
                                 std::string(R"({"authorizationData":[7]})"),
                                 std::string(R"({"authorizationData":[{"authorizationToken":7}]})"),
                                 R"({"authorizationData":[{"authorizationToken":)" + token + R"(,"expiresAt":"soon"}]})",
                                 R"({"authorizationData":[{"authorizationToken":)" + token + R"(,"expiresAt":-5}]})",
                                 R"({"authorizationData":[{"authorizationToken":)" + token + R"(,"expiresAt":9700043200.0}]})",
                                 R"({"authorizationData":[{"authorizationToken":)" + token + R"(,"expiresAt":1e300}]})",
                                 std::string("[]"), std::string("null")}) {
    Result<BasicCredentials> c = Status(Code::kCancelled, "unset");
    ASSERT_NO_THROW(c = ParseAuthorizationToken(bad)) << bad;
    EXPECT_EQ(c.status().code(), Code::kCorruption) << bad;
    EXPECT_EQ(c.status().message().find("pw"), std::string::npos);
  }
}

}  // namespace
}  // namespace dth::registry
