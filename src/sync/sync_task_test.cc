#include "sync/sync_task.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(SyncTaskTest, ReadsTheOriginalParameterNamesFromYaml) {
  auto spec = ParseTaskFile(R"(
srcType: Aliyun_OSS
srcBucket: src-bucket
srcPrefix: data/
srcRegion: cn-hangzhou
srcCredentials: oss-profile
destBucket: dst-bucket
destPrefix: copy/
destStorageClass: INTELLIGENT_TIERING
destAcl: bucket-owner-full-control
destPutObjectSSEType: AWS_KMS
destPutObjectSSEKmsKeyId: key-1
includeMetadata: false
finderDepth: 2
finderNumber: 4
workerNumber: 32
multipartThreshold: 32
chunkSize: 8
include: ["*.log", "**/x"]
exclude: tmp/*
)", "t.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->source, "s3://src-bucket/data/");
  EXPECT_EQ(spec->destination, "s3://dst-bucket/copy/");
  EXPECT_EQ(spec->source_connection.provider, "aliyun");
  EXPECT_EQ(spec->source_connection.region, "cn-hangzhou");
  EXPECT_EQ(spec->source_connection.profile, "oss-profile");
  EXPECT_EQ(spec->sse, "aws:kms");
  EXPECT_FALSE(spec->include_metadata);
  EXPECT_EQ(spec->finder_depth, 2);
  EXPECT_EQ(spec->workers, 32);
  EXPECT_EQ(spec->part_size_mib, 8u);
  EXPECT_EQ(spec->include, (std::vector<std::string>{"*.log", "**/x"}));
  EXPECT_EQ(spec->exclude, (std::vector<std::string>{"tmp/*"}));
  auto options = ToSyncOptions(*spec);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->copy.part_size, 8u << 20);
  EXPECT_EQ(options->copy.sse, ServerSideEncryption::kKms);
  EXPECT_FALSE(options->copy.copy_metadata);
  EXPECT_EQ(options->finder.finder_number, 4);
}

TEST(SyncTaskTest, ReadsJson) {
  auto spec = ParseTaskFile(
      R"({"source": "/data/in", "destination": "s3://b/p", "workerNumber": 4, "delete": true})",
      "t.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->source, "/data/in");
  EXPECT_EQ(spec->destination, "s3://b/p");
  EXPECT_TRUE(spec->delete_extra);
}

TEST(SyncTaskTest, BadFilesGetOneClearLine) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"srcBucket: [a", "not YAML or JSON"},
      {"- a\n- b", "expected a map"},
      {"workerNumber: many", "workerNumber: expected a whole number"},
      {"workerNumber: 0", "workerNumber: 0 is outside"},
      {"chunkSize: 1", "chunkSize: 1 is outside"},
      {"includeMetadata: maybe", "includeMetadata: expected true or false"},
      {"srcBuckett: x", "unknown parameter 'srcBuckett'"},
      {"destPutObjectSSEType: DES", "destPutObjectSSEType"},
      {"srcPrefix: p/", "srcPrefix without srcBucket"},
      {"srcBucket: a\nsource: s3://b/", "not both"},
      {"include: {a: 1}", "include: expected a list"},
  };
  for (const Case& c : cases) {
    auto spec = ParseTaskFile(c.text, "bad.yaml");
    ASSERT_FALSE(spec.ok()) << c.text;
    EXPECT_EQ(spec.status().code(), Code::kInvalidArgument);
    EXPECT_NE(spec.status().message().find(c.message), std::string::npos)
        << spec.status().message();
    EXPECT_NE(spec.status().message().find("bad.yaml"), std::string::npos);
    EXPECT_EQ(spec.status().message().find('\n'), std::string::npos);
  }
  EXPECT_FALSE(LoadTaskFile("/nonexistent/task.yaml").ok());
}

TEST(SyncTaskTest, OptionsAreChecked) {
  SyncTaskSpec spec;
  EXPECT_TRUE(ToSyncOptions(spec).ok());
  spec.giant_threshold_mib = 8;
  spec.part_size_mib = 16;
  EXPECT_FALSE(ToSyncOptions(spec).ok());
  spec = SyncTaskSpec{};
  spec.sse_kms_key_id = "k";
  EXPECT_FALSE(ToSyncOptions(spec).ok());
}

TEST(SyncTaskTest, DefaultTaskIdIsStablePerPair) {
  EXPECT_EQ(DefaultTaskId("s3://a/", "e1", "s3://b/", "e2"),
            DefaultTaskId("s3://a/", "e1", "s3://b/", "e2"));
  EXPECT_NE(DefaultTaskId("s3://a/", "e1", "s3://b/", "e2"),
            DefaultTaskId("s3://b/", "e2", "s3://a/", "e1"));
  // The same bucket names on other endpoints (or providers) are another task.
  EXPECT_NE(DefaultTaskId("s3://a/", "aws|e1", "s3://b/", "e2"),
            DefaultTaskId("s3://a/", "aws|e3", "s3://b/", "e2"));
  EXPECT_NE(DefaultTaskId("s3://a/", "aws|e1", "s3://b/", "e2"),
            DefaultTaskId("s3://a/", "aliyun|e1", "s3://b/", "e2"));
  EXPECT_EQ(DefaultTaskId("x", "", "y", "").rfind("sync-", 0), 0u);
  EXPECT_EQ(DefaultTaskId("x", "", "y", "").size(), 17u);
}

}  // namespace
}  // namespace dth
