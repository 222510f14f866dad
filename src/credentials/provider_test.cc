// Precedence of the credential sources.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "credentials/provider.h"
#include "credentials/test_home.h"

namespace dth {
namespace {

using CredentialsResolveTest = CredentialsTestBase;

TEST_F(CredentialsResolveTest, AnonymousWinsOverEverything) {
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  CredentialOptions o;
  o.anonymous = true;
  o.access_key_id = "AKIASTATICSTATIC0003";
  o.profile = "missing";
  Result<Credentials> c = Resolve(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->anonymous);
  EXPECT_EQ(c->access_key_id, "");
  EXPECT_EQ(c->source, "anonymous");
}

TEST_F(CredentialsResolveTest, StaticKeysBeatProfileAndEnvironment) {
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  WriteCredentials(std::string("[dev]\naws_access_key_id=") + kFileId +
                   "\naws_secret_access_key=" + kFileSecret + "\n");
  CredentialOptions o;
  o.access_key_id = "AKIASTATICSTATIC0003";
  o.secret_access_key = "static-secret";
  o.session_token = "static-token";
  o.profile = "dev";
  Result<Credentials> c = Resolve(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIASTATICSTATIC0003");
  EXPECT_EQ(c->secret_access_key, "static-secret");
  EXPECT_EQ(c->session_token, "static-token");
  EXPECT_EQ(c->source, "static");
}

TEST_F(CredentialsResolveTest, StaticKeysNeedBothHalves) {
  for (auto [id, secret, token] : {std::tuple{"AKIA1", "", ""}, std::tuple{"", "s", ""},
                                   std::tuple{"", "", "t"}}) {
    CredentialOptions o;
    o.access_key_id = id;
    o.secret_access_key = secret;
    o.session_token = token;
    Result<Credentials> c = Resolve(o);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(c.status().message(), "both access key id and secret access key are required");
  }
}

TEST_F(CredentialsResolveTest, ExplicitProfileBeatsEnvironment) {
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  WriteCredentials(std::string("[dev]\naws_access_key_id=") + kFileId +
                   "\naws_secret_access_key=" + kFileSecret + "\naws_session_token=tok==\n");
  CredentialOptions o;
  o.profile = "dev";
  Result<Credentials> c = Resolve(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kFileId);
  EXPECT_EQ(c->secret_access_key, kFileSecret);
  EXPECT_EQ(c->session_token, "tok==");
  EXPECT_EQ(c->source, "profile dev (~/.aws/credentials)");
}

TEST_F(CredentialsResolveTest, FlagProfileBeatsAwsProfileVariable) {
  WriteCredentials(std::string("[a]\naws_access_key_id=IDA\naws_secret_access_key=SA\n") +
                   "[b]\naws_access_key_id=IDB\naws_secret_access_key=SB\n");
  env_.Set("AWS_PROFILE", "b");
  Result<Credentials> from_var = Resolve();
  ASSERT_TRUE(from_var.ok());
  EXPECT_EQ(from_var->access_key_id, "IDB");
  CredentialOptions o;
  o.profile = "a";
  Result<Credentials> from_flag = Resolve(o);
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->access_key_id, "IDA");
}

// As in the AWS CLI: keys exported in the environment beat AWS_PROFILE.
TEST_F(CredentialsResolveTest, EnvironmentKeysBeatAwsProfileVariable) {
  WriteCredentials("[b]\naws_access_key_id=IDB\naws_secret_access_key=SB\n");
  env_.Set("AWS_PROFILE", "b");
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  Result<Credentials> c = Resolve();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kEnvId);
  EXPECT_EQ(c->source, "environment");
}

TEST_F(CredentialsResolveTest, EnvironmentBeatsDefaultProfile) {
  WriteCredentials(std::string("[default]\naws_access_key_id=") + kFileId +
                   "\naws_secret_access_key=" + kFileSecret + "\n");
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  env_.Set("AWS_SESSION_TOKEN", "envtoken");
  Result<Credentials> c = Resolve();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kEnvId);
  EXPECT_EQ(c->session_token, "envtoken");
  EXPECT_EQ(c->source, "environment");
}

TEST_F(CredentialsResolveTest, HalfSetEnvironmentIsAnError) {
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  Result<Credentials> c = Resolve();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}

TEST_F(CredentialsResolveTest, EmptyEnvironmentVariablesCountAsUnset) {
  env_.Set("AWS_ACCESS_KEY_ID", "");
  env_.Set("AWS_SECRET_ACCESS_KEY", "");
  env_.Set("AWS_PROFILE", "");
  WriteCredentials(std::string("[default]\naws_access_key_id=") + kFileId +
                   "\naws_secret_access_key=" + kFileSecret + "\n");
  Result<Credentials> c = Resolve();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kFileId);
}

TEST_F(CredentialsResolveTest, DefaultProfileFromFiles) {
  WriteCredentials(std::string("[default]\naws_access_key_id=") + kFileId +
                   "\naws_secret_access_key=" + kFileSecret + "\n");
  Result<Credentials> c = Resolve();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kFileId);
  EXPECT_EQ(c->source, "profile default (~/.aws/credentials)");
}

TEST_F(CredentialsResolveTest, NoCredentialsAnywhere) {
  WriteConfig("[default]\nregion = us-east-1\n");  // a default profile without keys
  Result<Credentials> c = Resolve();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(c.status().message(),
            "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use --profile, "
            "or --anonymous for public buckets");
}

TEST_F(CredentialsResolveTest, NoHomeDirectoryMeansNoFiles) {
  env_.SetHome("");
  EXPECT_EQ(Resolve().status().code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace dth
