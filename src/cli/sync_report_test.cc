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
                "retried: 7 requests (2 throttled, 1 server errors, 4 network); 1 jobs"),
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
