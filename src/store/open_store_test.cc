#include "store/open_store.h"

#include <gtest/gtest.h>

#include "credentials/environment.h"
#include "store/s3/s3_store.h"

namespace dth {
namespace {

Result<std::unique_ptr<ObjectStore>> Open(const std::string& provider, const std::string& checksum) {
  MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "secret"}},
                     "/nonexistent-home");
  ConnectionOptions options;
  options.provider = provider;
  options.region = provider == "aliyun" ? "cn-hangzhou" : "us-east-1";
  options.body_checksum = checksum;
  return OpenS3Store("bucket", options, std::make_shared<HttpClient>(), env);
}

s3::BodyChecksum ChecksumOf(const ObjectStore& store) {
  return static_cast<const s3::S3Store&>(store).client().config().body_checksum;
}

TEST(OpenStoreTest, BodiesAreProtectedBySha256WhereTheServerChecksIt) {
  auto aws = Open("aws", "");
  ASSERT_TRUE(aws.ok()) << aws.status().ToString();
  EXPECT_EQ(ChecksumOf(**aws), s3::BodyChecksum::kSha256);
  auto aliyun = Open("aliyun", "");
  ASSERT_TRUE(aliyun.ok()) << aliyun.status().ToString();
  EXPECT_EQ(ChecksumOf(**aliyun), s3::BodyChecksum::kMd5);
  auto forced = Open("aws", "md5");
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(ChecksumOf(**forced), s3::BodyChecksum::kMd5);
  auto bad = Open("aws", "crc32");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--body-checksum"), std::string::npos);
}

}  // namespace
}  // namespace dth
