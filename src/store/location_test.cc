#include "store/location.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dth
