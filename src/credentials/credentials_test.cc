#include "credentials/credentials.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(CredentialsRedactTest, SecretsAreFullyHidden) {
  EXPECT_EQ(Redact("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "****");
  EXPECT_EQ(Redact("x"), "****");
  EXPECT_EQ(Redact(""), "");
}

TEST(CredentialsRedactTest, AccessKeyIdShowsAtMostFourCharsEachSide) {
  EXPECT_EQ(RedactAccessKeyId("AKIAIOSFODNN7EXAMPLE"), "AKIA****MPLE");
  EXPECT_EQ(RedactAccessKeyId("short"), "****");
  EXPECT_EQ(RedactAccessKeyId("ABCDEFGHIJKLMNO"), "****");  // 15 chars: too short
  EXPECT_EQ(RedactAccessKeyId(""), "");
}

TEST(CredentialsRedactTest, DescribeNeverShowsSecrets) {
  Credentials c;
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  c.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
  c.source = "environment";
  std::string d = DescribeCredentials(c);
  EXPECT_EQ(d, "access key AKIA****MPLE (with session token) from environment");
  EXPECT_EQ(d.find(c.secret_access_key), std::string::npos);
  EXPECT_EQ(d.find(c.session_token), std::string::npos);
  Credentials anon;
  anon.anonymous = true;
  EXPECT_EQ(DescribeCredentials(anon), "anonymous");
}

}  // namespace
}  // namespace dth
