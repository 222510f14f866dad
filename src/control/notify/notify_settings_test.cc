// The notification parameters: accepted forms, defaults, and a field-named error for
// every malformed value; and the task definition checks them like its other fields.
#include "control/notify/notify_settings.h"

#include <gtest/gtest.h>

#include "control/tasks/task_definition.h"

namespace dth::control::notify {
namespace {

using json = nlohmann::json;

Status ErrorOf(const json& parameters) { return ParseNotifySettings(parameters).status(); }

TEST(NotifySettingsTest, DefaultsToFailuresOnlyAndNothingToSend) {
  auto s = ParseNotifySettings(json::object());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->on, NotifyOn::kFailure);
  EXPECT_TRUE(s->emails.empty());
  EXPECT_TRUE(s->webhook.empty());
  EXPECT_FALSE(ShouldNotify(*s, TaskStatus::kError)) << "nowhere to send";
}

TEST(NotifySettingsTest, ReadsCommaSeparatedAddressesAListAWebhookAndWhen) {
  auto s = ParseNotifySettings(json{{"alarmEmail", " ops@example.com, dev-team+dth@mail.example.org ,ops@example.com"},
                                    {"notifyWebhook", "https://hooks.example.com/services/T0/B0/XYZ"},
                                    {"notifyOn", "always"}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->emails, (std::vector<std::string>{"ops@example.com", "dev-team+dth@mail.example.org"}))
      << "trimmed, duplicates once";
  EXPECT_EQ(s->webhook, "https://hooks.example.com/services/T0/B0/XYZ");
  EXPECT_EQ(s->on, NotifyOn::kAlways);
  auto list = ParseNotifySettings(json{{"alarmEmail", json::array({"a@b.co", "c@d.co"})}});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->emails.size(), 2u);
  auto empty = ParseNotifySettings(json{{"alarmEmail", ""}, {"notifyWebhook", ""}});
  ASSERT_TRUE(empty.ok()) << "the original sent an empty alarmEmail when none was wanted";
  EXPECT_TRUE(empty->emails.empty());
}

TEST(NotifySettingsTest, WhenToNotify) {
  NotifySettings s;
  s.webhook = "http://127.0.0.1:1/";
  EXPECT_TRUE(ShouldNotify(s, TaskStatus::kError));
  EXPECT_FALSE(ShouldNotify(s, TaskStatus::kDone));
  EXPECT_FALSE(ShouldNotify(s, TaskStatus::kStopped));
  s.on = NotifyOn::kAlways;
  EXPECT_TRUE(ShouldNotify(s, TaskStatus::kDone));
  EXPECT_TRUE(ShouldNotify(s, TaskStatus::kError));
  EXPECT_TRUE(ShouldNotify(s, TaskStatus::kStopped));
  EXPECT_FALSE(ShouldNotify(s, TaskStatus::kInProgress));
  s.on = NotifyOn::kNever;
  EXPECT_FALSE(ShouldNotify(s, TaskStatus::kError));
}

TEST(NotifySettingsTest, EveryMalformedValueNamesItsField) {
  struct Case {
    json parameters;
    std::string field;
    std::string words;
  };
  const std::vector<Case> cases = {
      {{{"alarmEmail", "ops"}}, "parameters.alarmEmail", "no '@'"},
      {{{"alarmEmail", "ops@example.com,,dev@example.com"}}, "parameters.alarmEmail", "empty address"},
      {{{"alarmEmail", "ops@exa mple.com"}}, "parameters.alarmEmail", "domain"},
      {{{"alarmEmail", "o ps@example.com"}}, "parameters.alarmEmail", "before '@'"},
      {{{"alarmEmail", "ops@example.com\r\nBcc: x@evil.example"}}, "parameters.alarmEmail", "not an e-mail address"},
      {{{"alarmEmail", "<ops@example.com>"}}, "parameters.alarmEmail", "not an e-mail address"},
      {{{"alarmEmail", "ops@-example.com"}}, "parameters.alarmEmail", "'-'"},
      {{{"alarmEmail", "ops@example..com"}}, "parameters.alarmEmail", "labels"},
      {{{"alarmEmail", 42}}, "parameters.alarmEmail", "comma-separated"},
      {{{"alarmEmail", json::array({1})}}, "parameters.alarmEmail", "strings"},
      {{{"notifyWebhook", "ftp://example.com/x"}}, "parameters.notifyWebhook", "http:// or https://"},
      {{{"notifyWebhook", "https:///path"}}, "parameters.notifyWebhook", "no host"},
      {{{"notifyWebhook", "https://exa mple.com/"}}, "parameters.notifyWebhook", "spaces"},
      {{{"notifyWebhook", "http://example.com:99999/"}}, "parameters.notifyWebhook", "port"},
      {{{"notifyWebhook", "http://example.com:/"}}, "parameters.notifyWebhook", "port"},
      {{{"notifyWebhook", "https://example.com/" + std::string(3000, 'a')}}, "parameters.notifyWebhook", "longer"},
      {{{"notifyWebhook", true}}, "parameters.notifyWebhook", "string"},
      {{{"notifyOn", "sometimes"}}, "parameters.notifyOn", "'sometimes'"},
      {{{"notifyOn", 1}}, "parameters.notifyOn", "\"failure\""},
  };
  for (const Case& c : cases) {
    Status st = ErrorOf(c.parameters);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << c.parameters.dump();
    EXPECT_EQ(st.field(), c.field) << c.parameters.dump();
    EXPECT_NE(st.message().find(c.words), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find('\n'), std::string::npos) << "one line: " << st.message();
  }
  std::string many;
  for (int i = 0; i < 21; ++i) many += (i ? "," : "") + ("u" + std::to_string(i)) + "@example.com";
  EXPECT_NE(ErrorOf({{"alarmEmail", many}}).message().find("more than 20"), std::string::npos);
}

TEST(NotifySettingsTest, AWebhookUrlIsNeverQuotedBackInAnError) {
  Status st = ErrorOf({{"notifyWebhook", "https://hooks.example.com:0/services/SECRETKEY"}});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().find("SECRETKEY"), std::string::npos) << st.message();
}

TEST(NotifySettingsTest, TaskDefinitionsCheckThemForBothTypes) {
  const std::string s3 = R"({"type": "s3", "parameters": {"source": "s3://a-b/", "destination": "s3://c-d/",
      "alarmEmail": "ops@example.com", "notifyWebhook": "http://127.0.0.1:9/hook", "notifyOn": "always"}})";
  auto ok = ParseTaskDefinition(s3);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->warnings.empty());
  EXPECT_TRUE(S3Spec(ok->parameters).ok()) << "the engine skips the hub's parameters";
  auto bad = ParseTaskDefinition(R"({"type": "s3", "parameters": {"source": "s3://a-b/",
      "destination": "s3://c-d/", "notifyOn": "weekly"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "parameters.notifyOn");
  auto image = ParseTaskDefinition(R"({"type": "image", "parameters": {"srcImageList": "a:1",
      "destRegistry": "127.0.0.1:5000", "alarmEmail": "ops@example.com", "notifyOn": "never"}})");
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_TRUE(ImageSpec(image->parameters).ok());
  auto bad_image = ParseTaskDefinition(R"({"type": "image", "parameters": {"srcImageList": "a:1",
      "destRegistry": "127.0.0.1:5000", "alarmEmail": "nobody"}})");
  ASSERT_FALSE(bad_image.ok());
  EXPECT_EQ(bad_image.status().field(), "parameters.alarmEmail");
  // The original's list form too.
  auto original = ParseTaskDefinition(R"({"type": "S3EC2", "scheduleType": "ONE_TIME", "parameters": [
      {"ParameterKey": "srcBucket", "ParameterValue": "old-src"},
      {"ParameterKey": "destBucket", "ParameterValue": "old-dst"},
      {"ParameterKey": "alarmEmail", "ParameterValue": "not-an-address"}]})");
  ASSERT_FALSE(original.ok());
  EXPECT_EQ(original.status().field(), "parameters.alarmEmail");
}

}  // namespace
}  // namespace dth::control::notify
