#include "cli/image_report.h"

#include <gtest/gtest.h>

namespace dth::cli {
namespace {

using imagesync::ImageResult;
using imagesync::ImageStatus;

ImageResult Copied() {
  ImageResult r;
  r.job.source = "team/app:v1";
  r.job.destination_repo = "mirror/team/app";
  r.job.destination_ref = "v1";
  r.status = ImageStatus::kCopied;
  r.source_digest = r.dest_digest = "sha256:abc";
  r.attempts = 2;
  r.stats.blobs_copied = 3;
  r.stats.blobs_mounted = 1;
  r.stats.bytes_copied = 3 << 20;
  return r;
}

TEST(ImageReportTest, LinesSayWhatHappened) {
  EXPECT_EQ(ImageResultLine(Copied()),
            "copied      team/app:v1 -> mirror/team/app:v1 sha256:abc (3 blobs, 3.0 MiB, 1 mounted, 2 attempts)");
  ImageResult failed;
  failed.job.source = "x:1";
  failed.error = Status(Code::kNotFound, "GET manifest x:1: MANIFEST_UNKNOWN (404)\nsecond line");
  EXPECT_EQ(ImageResultLine(failed), "failed      x:1: GET manifest x:1: MANIFEST_UNKNOWN (404) second line");
  ImageResult same = Copied();
  same.status = ImageStatus::kUpToDate;
  EXPECT_EQ(ImageResultLine(same), "up-to-date  team/app:v1 -> mirror/team/app:v1 sha256:abc");
}

TEST(ImageReportTest, SummaryAndJson) {
  imagesync::ImageSyncSummary s;
  s.results = {Copied(), Copied()};
  s.results[1].error = Status(Code::kPermissionDenied, "UNAUTHORIZED");
  s.copied = 1;
  s.failed = 1;
  s.blobs_copied = 3;
  s.blobs_mounted = 1;
  s.bytes_copied = 3 << 20;
  EXPECT_EQ(ImageSummaryLine(s, 1.5),
            "2 images: 1 copied, 0 up to date, 1 failed; blobs: 3 copied (3.0 MiB), 1 mounted, 0 already there; 1.50 s");
  auto j = ImageSyncJson(s, 1.5, false);
  ASSERT_EQ(j["images"].size(), 2u);
  EXPECT_EQ(j["images"][0]["status"], "copied");
  EXPECT_EQ(j["images"][0]["destination"], "mirror/team/app:v1");
  EXPECT_EQ(j["images"][1]["status"], "failed");
  EXPECT_EQ(j["images"][1]["error"], "UNAUTHORIZED");
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["summary"]["bytes_copied"], 3 << 20);
  EXPECT_EQ(ImageProgressText(1, 2, s), "  1/2 images  1 copied  0 up to date  1 failed  3.0 MiB");
}

TEST(ImageReportTest, UserPassword) {
  EXPECT_EQ(ParseUserPassword("u:p:w").user, "u");
  EXPECT_EQ(ParseUserPassword("u:p:w").password, "p:w");
  EXPECT_EQ(ParseUserPassword("u").password, "");
  EXPECT_EQ(ParseUserPassword("").user, "");
}

}  // namespace
}  // namespace dth::cli
