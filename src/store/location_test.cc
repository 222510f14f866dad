#include "store/location.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dth {
namespace {

TEST(LocationTest, S3Urls) {
  auto loc = ParseLocation("s3://my-bucket/a/b c+d");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->kind, Location::Kind::kS3);
  EXPECT_EQ(loc->bucket, "my-bucket");
  EXPECT_EQ(loc->key, "a/b c+d");
  loc = ParseLocation("s3://bucket");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->key, "");
  loc = ParseLocation("S3://bucket/dir/");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->key, "dir/");
}

TEST(LocationTest, LocalPaths) {
  auto loc = ParseLocation("/tmp/x/");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->kind, Location::Kind::kLocal);
  EXPECT_EQ(loc->path, "/tmp/x/");
  loc = ParseLocation("file:///tmp/y");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->path, "/tmp/y");
  loc = ParseLocation("relative/file");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->path.front(), '/');
}

TEST(LocationTest, MalformedIsAClearError) {
  for (const char* bad : {"", "s3://", "s3:///key", "s3:/bucket/key", "s3:bucket", "gs://bucket/x",
                          "s3://a/x", "s3://bad bucket/x", "s3://-bucket/x", "file://relative"}) {
    auto loc = ParseLocation(bad);
    EXPECT_FALSE(loc.ok()) << bad;
    if (!loc.ok()) {
      EXPECT_EQ(loc.status().code(), Code::kInvalidArgument) << bad;
      EXPECT_EQ(loc.status().message().find('\n'), std::string::npos) << bad;
    }
  }
}

TEST(LocationTest, BucketNamesFollowS3sRules) {
  const std::vector<std::string> good_names = {"abc", "my-bucket", "my.bucket.2026", "1bucket9",
                                               "examplebucket-1234567890", std::string(63, 'a'), "192.168.5.4x", "1.2.3"};
  for (const std::string& good : good_names) {
    EXPECT_TRUE(IsValidBucketName(good)) << good;
  }
  const std::vector<std::string> bad_names = {"ab", "No_Such..Bucket", "no-such..bucket", "a..b", ".bucket",
                                              "bucket.", "-bucket", "bucket-", "my bucket", "b\xc3\xbc" "cket",
                                              "bucket/x", "192.168.5.4", "10.0.0.1", "Bucket-", "_bucket", "",
                                              std::string(64, 'a')};
  for (const std::string& bad : bad_names) {
    EXPECT_FALSE(IsValidBucketName(bad)) << bad;
  }
  // Amazon S3's legacy (us-east-1) names: upper case and '_' exist, up to 255 characters.
  const std::vector<std::string> legacy_names = {"My_Legacy_Bucket", "ABC", "data_2009", "A" + std::string(254, 'a')};
  for (const std::string& legacy : legacy_names) {
    EXPECT_TRUE(IsValidBucketName(legacy)) << legacy;
  }
  EXPECT_FALSE(IsValidBucketName("A" + std::string(255, 'a')));
  EXPECT_FALSE(ParseLocation("s3://No_Such..Bucket/key").ok());
  EXPECT_TRUE(ParseLocation("s3://My_Legacy_Bucket/key").ok());
}

}  // namespace
}  // namespace dth
