#include "imagesync/image_records.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "imagesync/blob_locations.h"

namespace dth::imagesync {
namespace {

TEST(ImageRecordsTest, UpsertGetListAndStatuses) {
  auto records = ImageRecords::Open(":memory:");
  ASSERT_TRUE(records.ok()) << records.status().message();
  ImageRecord r;
  r.task_id = "t";
  r.source = "team/app:v1";
  r.destination = "mirror/team/app:v1";
  r.source_digest = "sha256:aa";
  r.dest_digest = "sha256:aa";
  r.status = ImageStatus::kCopied;
  r.attempts = 2;
  r.blobs_copied = 3;
  r.blobs_mounted = 1;
  r.bytes_copied = 1234;
  r.finished_at = FromUnixMs(1700000000123);
  ASSERT_TRUE((*records)->Upsert(r).ok());
  auto got = (*records)->Get("t", "team/app:v1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, r);
  r.status = ImageStatus::kFailed;
  r.error = "GET manifest: MANIFEST_UNKNOWN (404)";
  ASSERT_TRUE((*records)->Upsert(r).ok());
  EXPECT_EQ((*records)->Get("t", "team/app:v1")->status, ImageStatus::kFailed);
  EXPECT_EQ((*records)->Get("other", "team/app:v1").status().code(), Code::kNotFound);
  r.source = "a:1";
  ASSERT_TRUE((*records)->Upsert(r).ok());
  auto list = (*records)->List("t");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].source, "a:1");
  for (ImageStatus s : {ImageStatus::kCopied, ImageStatus::kUpToDate, ImageStatus::kFailed, ImageStatus::kWouldCopy}) {
    EXPECT_EQ(*ParseImageStatus(ImageStatusName(s)), s);
  }
  EXPECT_FALSE(ParseImageStatus("bogus").ok());
}

TEST(ImageRecordsTest, BlobLocationsPersistAcrossOpens) {
  auto path = std::filesystem::temp_directory_path() / ("dth-image-records-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto records = ImageRecords::Open(path.string());
    ASSERT_TRUE(records.ok());
    BlobLocations locations([&](const std::string& d, const std::string& repo) {
      ASSERT_TRUE((*records)->AddBlobLocation("reg:1", d, repo).ok());
    });
    locations.Add("sha256:1", "a");
    locations.Add("sha256:1", "a");  // once
    locations.Add("sha256:1", "b");
  }
  auto records = ImageRecords::Open(path.string());
  ASSERT_TRUE(records.ok());
  auto known = (*records)->BlobLocations("reg:1");
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->size(), 2u);
  EXPECT_TRUE((*records)->BlobLocations("other:1")->empty());
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(BlobLocationsTest, FindsAnotherRepositoryOnly) {
  BlobLocations locations;
  EXPECT_FALSE(locations.FindOther("sha256:1", "a").has_value());
  locations.Add("sha256:1", "a");
  EXPECT_FALSE(locations.FindOther("sha256:1", "a").has_value());
  EXPECT_EQ(locations.FindOther("sha256:1", "b").value_or(""), "a");
  std::set<std::string> tried = {"a"};
  EXPECT_FALSE(locations.FindOther("sha256:1", "b", &tried).has_value());
}

TEST(BlobLocationsTest, OneUploadOfADigestAtATime) {
  BlobLocations locations;
  ASSERT_TRUE(locations.ClaimUpload("sha256:1"));
  EXPECT_TRUE(locations.ClaimUpload("sha256:2"));  // another digest is not held up
  locations.EndUpload("sha256:2");
  std::atomic<int> state{0};
  std::thread waiter([&] {
    state = locations.ClaimUpload("sha256:1") ? 1 : 2;  // waits for the first upload
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(state.load(), 0) << "the second claim must wait";
  locations.Add("sha256:1", "a");
  { UploadClaim end(locations, "sha256:1"); }
  waiter.join();
  EXPECT_EQ(state.load(), 2) << "it waited, so it looks again rather than uploading";
  EXPECT_EQ(locations.FindOther("sha256:1", "b").value_or(""), "a");
  EXPECT_TRUE(locations.ClaimUpload("sha256:1"));  // free again
  locations.EndUpload("sha256:1");
}

}  // namespace
}  // namespace dth::imagesync
