#include "sync/sync_job.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(SyncJobTest, RoundTripsEveryKind) {
  SyncJob object{SyncJobKind::kObject, "dir/ä b+%.txt", 123, "abc", "", 0, "mtime:17", "local:1:2:3:4:5"};
  SyncJob part{SyncJobKind::kPart, "big", 1u << 30, "", "upload-1", 7, "", ""};
  SyncJob del{SyncJobKind::kDelete, "gone", 5, "", "", 0, "", ""};
  for (const SyncJob& job : {object, part, del}) {
    auto decoded = DecodeSyncJob(EncodeSyncJob(job));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, job);
  }
}

TEST(SyncJobTest, MalformedBodiesAreCorruptionNotCrashes) {
  for (const char* body : {"", "not json", "[]", R"({"t":"object"})", R"({"t":"x","key":"k"})",
                           R"({"t":"object","key":"k"})", R"({"t":"object","key":"k","size":-1})",
                           R"({"t":"part","key":"k","size":9,"upload":"u","part":0})",
                           R"({"t":"part","key":"k","size":9,"part":3})", R"({"t":"object","key":"","size":1})",
                           R"({"t":"object","key":"k","size":1,"etag":5})"}) {
    auto decoded = DecodeSyncJob(body);
    ASSERT_FALSE(decoded.ok()) << body;
    EXPECT_EQ(decoded.status().code(), Code::kCorruption) << body;
    EXPECT_NE(decoded.status().message().find("malformed job"), std::string::npos);
  }
}

TEST(SyncJobTest, DedupKeysSeparateKindsAndParts) {
  Job a = ToQueueJob("t", SyncJob{SyncJobKind::kObject, "k", 1, "e", "", 0, "", ""});
  Job b = ToQueueJob("t", SyncJob{SyncJobKind::kDelete, "k", 1, "", "", 0, "", ""});
  Job c = ToQueueJob("t", SyncJob{SyncJobKind::kPart, "k", 0, "", "u", 1, "", ""});
  Job d = ToQueueJob("t", SyncJob{SyncJobKind::kPart, "k", 0, "", "u", 2, "", ""});
  EXPECT_NE(a.dedup_key, b.dedup_key);
  EXPECT_NE(c.dedup_key, d.dedup_key);
  EXPECT_NE(a.dedup_key, c.dedup_key);
  EXPECT_EQ(a.task_id, "t");
}

}  // namespace
}  // namespace dth

namespace dth {

TEST(SyncJobTest, KeysThatAreNotUtf8KeepEveryByte) {
  // A Latin-1 file name, a lone continuation byte, an overlong '/', a surrogate: each
  // must come back byte for byte (a dropped byte would name another object).
  for (const std::string& key : {std::string("caf\xe9.txt"), std::string("a\x80" "b"),
                                std::string("x\xc0\xafy"), std::string("s\xed\xa0\x80"),
                                std::string("tail\xe2\x82"), std::string("ok/\xc3\xa9t\xc3\xa9")}) {
    SyncJob job{SyncJobKind::kObject, key, 7, "etag", "", 0, "", ""};
    auto back = DecodeSyncJob(EncodeSyncJob(job));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->key, key);
  }
  EXPECT_FALSE(DecodeSyncJob(R"({"t":"object","key_hex":"6g","size":1})").ok());
  EXPECT_FALSE(DecodeSyncJob(R"({"t":"object","key_hex":"616","size":1})").ok());
  EXPECT_FALSE(DecodeSyncJob(R"({"t":"object","key_hex":"","size":1})").ok());
}

}  // namespace dth
