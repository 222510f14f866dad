#include "store/open_store.h"

#include <gtest/gtest.h>

#include "credentials/environment.h"
#include "store/s3/s3_store.h"

namespace dth {
namespace {

Result<std::unique_ptr<ObjectStore>> Open(const std::string& provider, const std::string& checksum,
                                          const std::string& endpoint = "") {
  MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "secret"}},
                     "/nonexistent-home");
  ConnectionOptions options;
  options.provider = provider;
  options.region = provider == "aliyun" ? "cn-hangzhou" : "us-east-1";
  options.body_checksum = checksum;
  options.endpoint = endpoint;
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

TEST(OpenStoreTest, CopyAndTagFeaturesComeFromTheProfile) {
  // AWS documents them all; the generic profile (Ceph RGW, MinIO, ...) declares only
  // what every such server was seen to do: tags travel on a CopyObject with COPY.
  auto aws = Open("aws", "");
  ASSERT_TRUE(aws.ok()) << aws.status().ToString();
  const StoreFeatures& a = (*aws)->Features();
  EXPECT_TRUE(a.copy_source_if_match);
  EXPECT_TRUE(a.tags_on_create_multipart);
  EXPECT_TRUE(a.copy_keeps_tags);
  EXPECT_TRUE(a.copy_replace_keeps_tags);
  for (const char* name : {"s3", "aliyun", "tencent", "qiniu"}) {
    const bool generic = std::string(name) == "s3";
    auto other = Open(name, "", generic ? "http://127.0.0.1:9000" : "");
    ASSERT_TRUE(other.ok()) << name << ": " << other.status().ToString();
    const StoreFeatures& f = (*other)->Features();
    EXPECT_FALSE(f.copy_source_if_match) << name;
    EXPECT_FALSE(f.tags_on_create_multipart) << name;
    EXPECT_FALSE(f.copy_replace_keeps_tags) << name;
    EXPECT_EQ(f.copy_keeps_tags, generic) << name;
  }
}

}  // namespace
}  // namespace dth
