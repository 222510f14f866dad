// Profiles from the shared files, region resolution, and secrets in errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "credentials/provider.h"
#include "credentials/shared_files.h"
#include "credentials/test_home.h"

namespace dth {
namespace {

namespace fs = std::filesystem;

using CredentialsFilesTest = CredentialsTestBase;

TEST_F(CredentialsFilesTest, ConfigFileProfilesUseProfilePrefix) {
  WriteConfig(
      "[default]\nregion = us-west-2\n"
      "[profile dev]\naws_access_key_id = IDC\naws_secret_access_key = SC\n"
      "[bare]\naws_access_key_id = IDX\naws_secret_access_key = SX\n");
  CredentialOptions o;
  o.profile = "dev";
  Result<Credentials> c = Resolve(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "IDC");
  EXPECT_EQ(c->source, "profile dev (~/.aws/config)");
  o.profile = "bare";  // "[bare]" in config is not a profile
  EXPECT_EQ(Resolve(o).status().code(), Code::kNotFound);
}

TEST_F(CredentialsFilesTest, CredentialsFileWinsOverConfig) {
  WriteConfig("[profile dev]\naws_access_key_id = CFGID\naws_secret_access_key = CFGS\n");
  WriteCredentials("[dev]\naws_access_key_id = CREDID\naws_secret_access_key = CREDS\n");
  CredentialOptions o;
  o.profile = "dev";
  Result<Credentials> c = Resolve(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "CREDID");
  EXPECT_EQ(c->secret_access_key, "CREDS");
}

TEST_F(CredentialsFilesTest, MissingNamedProfileIsNotFound) {
  CredentialOptions o;
  o.profile = "x";
  Result<Credentials> c = Resolve(o);  // no files at all
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kNotFound);
  EXPECT_EQ(c.status().message(), "profile 'x' not found in ~/.aws/credentials or ~/.aws/config");
  env_.Set("AWS_PROFILE", "y");
  c = Resolve();
  EXPECT_EQ(c.status().message(),
            "profile 'y' (from AWS_PROFILE) not found in ~/.aws/credentials or ~/.aws/config");
}

TEST_F(CredentialsFilesTest, FileLocationVariables) {
  Write(home_ / "creds", "[default]\naws_access_key_id=IDV\naws_secret_access_key=SV\n");
  Write(home_ / "cfg", "[profile p]\nregion=eu-north-1\n");
  env_.Set("AWS_SHARED_CREDENTIALS_FILE", "~/creds");
  env_.Set("AWS_CONFIG_FILE", (home_ / "cfg").string());
  Result<Credentials> c = Resolve();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "IDV");
  EXPECT_EQ(c->source, "profile default (~/creds)");
  Result<std::string> region = ResolveRegion("p", env_);
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(*region, "eu-north-1");
}

TEST_F(CredentialsFilesTest, IncompleteProfileKeys) {
  WriteCredentials("[dev]\naws_access_key_id = ID\n");
  CredentialOptions o;
  o.profile = "dev";
  Result<Credentials> c = Resolve(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("has no aws_secret_access_key"), std::string::npos);
}

TEST_F(CredentialsFilesTest, RoleProfilesAreNotSupported) {
  WriteConfig("[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n");
  CredentialOptions o;
  o.profile = "r";
  Result<Credentials> c = Resolve(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kNotSupported);
  EXPECT_NE(c.status().message().find("role_arn"), std::string::npos);
}

TEST_F(CredentialsFilesTest, MalformedFileIsReportedWithLine) {
  WriteCredentials("[default]\naws_access_key_id = ID\noops\n");
  Result<Credentials> c = Resolve();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "~/.aws/credentials:3: expected 'key = value' or '[section]'");
}

TEST_F(CredentialsFilesTest, FilesAreNotReadWhenNotNeeded) {
  WriteCredentials("garbage\n");
  env_.Set("AWS_ACCESS_KEY_ID", kEnvId);
  env_.Set("AWS_SECRET_ACCESS_KEY", kEnvSecret);
  EXPECT_TRUE(Resolve().ok());
}

// No error message may contain a secret, whatever goes wrong.
TEST_F(CredentialsFilesTest, ErrorMessagesNeverContainSecrets) {
  const std::string secret = kFileSecret;
  const std::string token = "TOKENTOKENTOKENTOKEN";
  std::vector<Status> errors;
  auto collect = [&](const Result<Credentials>& r) {
    ASSERT_FALSE(r.ok());
    errors.push_back(r.status());
  };
  CredentialOptions o;
  o.secret_access_key = secret;
  o.session_token = token;
  collect(Resolve(o));  // static: id missing

  WriteCredentials("[dev]\naws_secret_access_key = " + secret + "\naws_session_token = " + token +
                   "\n" + secret + "\n");
  o = {};
  o.profile = "dev";
  collect(Resolve(o));  // malformed line that is a bare secret
  WriteCredentials("[dev]\naws_secret_access_key = " + secret + "\n");
  collect(Resolve(o));  // profile: id missing
  WriteCredentials("[" + secret + "\n");
  collect(Resolve(o));  // broken header holding the secret

  fs::remove(home_ / ".aws/credentials");
  env_.Set("AWS_SECRET_ACCESS_KEY", secret);
  env_.Set("AWS_SESSION_TOKEN", token);
  collect(Resolve());  // environment: id missing

  for (const Status& s : errors) {
    EXPECT_EQ(s.message().find(secret), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find(token), std::string::npos) << s.message();
    EXPECT_EQ(s.ToString().find(secret), std::string::npos);
  }
  EXPECT_EQ(errors.size(), 5u);
}

using CredentialsRegionTest = CredentialsTestBase;

TEST_F(CredentialsRegionTest, Precedence) {
  WriteConfig("[default]\nregion = us-west-1\n[profile dev]\nregion = eu-central-1\n");
  WriteCredentials("[dev]\nregion = ignored-here\n");
  EXPECT_EQ(ResolveRegion("", env_).value(), "us-west-1");
  EXPECT_EQ(ResolveRegion("dev", env_).value(), "eu-central-1");
  env_.Set("AWS_PROFILE", "dev");
  EXPECT_EQ(ResolveRegion("", env_).value(), "eu-central-1");
  EXPECT_EQ(ResolveRegion("nope", env_).value(), "");
  env_.Set("AWS_DEFAULT_REGION", "ap-east-1");
  EXPECT_EQ(ResolveRegion("dev", env_).value(), "ap-east-1");
  env_.Set("AWS_REGION", "sa-east-1");
  EXPECT_EQ(ResolveRegion("dev", env_).value(), "sa-east-1");
}

TEST_F(CredentialsRegionTest, NoFilesMeansEmpty) {
  Result<std::string> r = ResolveRegion("", env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST_F(CredentialsRegionTest, MalformedConfigIsAnError) {
  WriteConfig("[default\n");
  Result<std::string> r = ResolveRegion("", env_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "~/.aws/config:1: section header is missing ']'");
}

}  // namespace
}  // namespace dth
