#include "cli/sync_report.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dth::cli {
namespace {

std::string Printed(const SyncReport& report) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  PrintReport(out, "sync-test", report);
  std::fclose(out);
  std::string text(buf, len);
  std::free(buf);
  return text;
}

TEST(SyncReportTest, RetriesAreShownOnlyWhenThereWereSome) {
  SyncReport report;
  report.copied_objects = 3;
  EXPECT_EQ(Printed(report).find("retried"), std::string::npos);

  report.retried_requests = RetryCounts{2, 1, 4};
  report.retried_jobs = 1;
  EXPECT_NE(Printed(report).find(
                "retried: 7 requests (2 throttled, 1 server error, 4 network); 1 job"),
            std::string::npos)
      << Printed(report);
}

TEST(SyncReportTest, OneObjectIsOneObjectAndASlowRateIsNotZero) {
  SyncReport report;
  report.copied_objects = 1;
  report.copied_bytes = 1ull << 30;
  report.elapsed = std::chrono::milliseconds(3140);
  report.failures_total = 1;
  report.failures.push_back(SyncFailure{"k", "AccessDenied: no", 1});
  const std::string text = Printed(report);
  EXPECT_NE(text.find("copied 1 object (1.0 GiB) in 3.14 s (326.1 MiB/s, 0.3 objects/s)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("failed: k: AccessDenied: no (1 attempt)"), std::string::npos) << text;

  report.copied_objects = 40;
  report.elapsed = std::chrono::seconds(2);
  EXPECT_NE(Printed(report).find("copied 40 objects (1.0 GiB) in 2.00 s (512.0 MiB/s, 20 objects/s)"),
            std::string::npos)
      << Printed(report);
}

TEST(SyncReportTest, JsonCarriesRetriedRequestsByWhy) {
  SyncReport report;
  report.retried_requests = RetryCounts{2, 1, 4};
  auto j = nlohmann::json::parse(ReportJson("sync-test", report, false));
  EXPECT_EQ(j["retried_requests"]["throttled"], 2);
  EXPECT_EQ(j["retried_requests"]["server_error"], 1);
  EXPECT_EQ(j["retried_requests"]["network"], 4);
}

TEST(SyncReportTest, JsonCarriesThePeakResidentSetWhenKnown) {
  SyncReport report;
  EXPECT_FALSE(nlohmann::json::parse(ReportJson("t", report, false)).contains("peak_rss_bytes"));
  auto j = nlohmann::json::parse(ReportJson("t", report, false, 70ull << 20));
  EXPECT_EQ(j["peak_rss_bytes"], 70ull << 20);
}

}  // namespace
}  // namespace dth::cli
