// Tests for the names of control/store's enums and the helpers every backend shares
// (task ids, the ListTasks cursor, LIKE patterns, argument checks).
#include "control/store/control_store.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "control/store/store_support.h"
#include "core/hash.h"

namespace dth::control {
namespace {

TEST(ControlStoreNames, RoundTrip) {
  for (TaskStatus s : {TaskStatus::kStarting, TaskStatus::kInProgress, TaskStatus::kDone,
                       TaskStatus::kError, TaskStatus::kStopping, TaskStatus::kStopped}) {
    EXPECT_EQ(ParseTaskStatus(TaskStatusName(s)), s);
  }
  EXPECT_STREQ(TaskStatusName(TaskStatus::kInProgress), "IN_PROGRESS");
  EXPECT_EQ(ParseTaskStatus("in_progress"), std::nullopt);
  EXPECT_EQ(ParseTaskStatus(""), std::nullopt);
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kDone, RunStatus::kError,
                      RunStatus::kStopped}) {
    EXPECT_EQ(ParseRunStatus(RunStatusName(s)), s);
  }
  EXPECT_STREQ(RunStatusName(RunStatus::kRunning), "RUNNING");
  EXPECT_EQ(ParseRunStatus("STARTING"), std::nullopt);
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    EXPECT_EQ(ParseLogLevel(LogLevelName(l)), l);
  }
  EXPECT_STREQ(LogLevelName(LogLevel::kWarn), "warn");
  EXPECT_EQ(ParseLogLevel("WARN"), std::nullopt);
  EXPECT_EQ(ParseLogLevel("warning"), std::nullopt);
}

TEST(ControlStoreSupport, TaskIdsAreRandomLowerCaseHex) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewTaskId();
    EXPECT_TRUE(std::regex_match(id, std::regex("t-[0-9a-f]{12}"))) << id;
    EXPECT_TRUE(IsTaskId(id));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
  for (const char* bad : {"", "t-", "t-0123456789AB", "t-0123456789a", "x-0123456789ab",
                          "t-0123456789abc", "t-0123456789ag"}) {
    EXPECT_FALSE(IsTaskId(bad)) << bad;
  }
}

TEST(ControlStoreSupport, CursorRoundTripsAndRejectsAnythingElse) {
  for (int64_t ms : {int64_t{0}, int64_t{1767225600123}, int64_t{-5}, INT64_MAX}) {
    TaskCursor in{ms, "t-00ff00ff00ff"};
    std::string text = EncodeTaskCursor(in);
    EXPECT_TRUE(std::regex_match(text, std::regex("[A-Za-z0-9_-]+"))) << text;
    auto out = DecodeTaskCursor(text);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->created_at_ms, ms);
    EXPECT_EQ(out->id, in.id);
  }
  const std::string good = EncodeTaskCursor({1767225600123, "t-00ff00ff00ff"});
  auto encode = [](const std::string& payload) {
    std::string text = Base64Encode(payload);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
  };
  EXPECT_EQ(encode("1767225600123.t-00ff00ff00ff"), good);
  for (const std::string& bad :
       {std::string(""), good + "=", good + "A", good.substr(1), std::string(" ") + good,
        encode("0017.t-00ff00ff00ff"), encode("+17.t-00ff00ff00ff"), encode("17.t-00FF00FF00FF"),
        encode("17.t-00ff00ff00ff'--"), encode("17t-00ff00ff00ff"), encode(".t-00ff00ff00ff"),
        encode("99999999999999999999.t-00ff00ff00ff"), encode("17.")}) {
    EXPECT_EQ(DecodeTaskCursor(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ControlStoreSupport, LikeSubstringEscapesWildcardsAndTheEscape) {
  EXPECT_EQ(LikeSubstring("abc"), "%abc%");
  EXPECT_EQ(LikeSubstring("100%"), "%100\\%%");
  EXPECT_EQ(LikeSubstring("a_b"), "%a\\_b%");
  EXPECT_EQ(LikeSubstring("C:\\x"), "%C:\\\\x%");
  EXPECT_EQ(LikeSubstring(""), "%%");
}

TEST(ControlStoreSupport, ChecksNamesAndQueries) {
  EXPECT_TRUE(CheckUsername("admin").ok());
  EXPECT_TRUE(CheckUsername("a.b_c-9").ok());
  EXPECT_FALSE(CheckUsername("Admin").ok());
  EXPECT_FALSE(CheckUsername(std::string(65, 'a')).ok());
  EXPECT_TRUE(CheckSecretName("Prod.S3_key-1").ok());
  EXPECT_FALSE(CheckSecretName("a b").ok());
  EXPECT_FALSE(CheckSecretName(std::string(129, 'a')).ok());
  EXPECT_TRUE(CheckLimit("x", 1).ok());
  EXPECT_TRUE(CheckLimit("x", 1000).ok());
  EXPECT_EQ(CheckLimit("x", 1001).code(), Code::kInvalidArgument);
  MetricQuery mq{"t", TimePoint{}, TimePoint{}, 120};
  EXPECT_TRUE(CheckMetricQuery(mq).ok());
  mq.step_seconds = 61;
  EXPECT_FALSE(CheckMetricQuery(mq).ok());
}

}  // namespace
}  // namespace dth::control
