// Notifications of a real `dth serve` process: a one-time task that reaches DONE posts
// its JSON document to a webhook (an in-process HTTP receiver) and sends an e-mail
// through a real SMTP server (python3-aiosmtpd, with AUTH) with the right content; a
// failing task sends ERROR with its reason (by default, without notifyOn); an
// unreachable webhook is a line in the task's log and the task stays DONE; a webhook the
// hub had not delivered when it was killed (kill -9) is delivered after a restart. The SMTP
// password appears in no answer, log line or output; the webhook's key in no log line.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/hub_process.h"
#include "integration/smtp_sink.h"
#include "sync_fixture.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSmtpPassword = "smtp-pa55word";
constexpr const char* kHookKey = "HOOKKEY0123";

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sync_it::MakeTempDir("dth-notify");
    fs::create_directories(dir_ / "src" / "sub");
    std::ofstream(dir_ / "src" / "a.txt") << "alpha";
    std::ofstream(dir_ / "src" / "sub" / "b.txt") << "bravo";
    sink_ = std::make_unique<testing::SmtpSink>((dir_ / "mail").string(), std::string("mailer:") + kSmtpPassword);
    if (!sink_->Start()) GTEST_SKIP() << "python3-aiosmtpd not available";
    auto hook = testing::FaultServer::Start();
    ASSERT_TRUE(hook.ok());
    hook_ = std::move(*hook);
    hub_args_ = {"--allow-local-root", dir_.string(), "--smtp",
                 "smtp://mailer:" + std::string(kSmtpPassword) + "@127.0.0.1:" + std::to_string(sink_->port()),
                 "--smtp-from", "dth@hub.example.com", "--public-url", "https://hub.example.com/"};
    hub_ = std::make_unique<testing::HubProcess>((dir_ / "data").string(), hub_args_);
    ASSERT_TRUE(hub_->Start());
    api_ = std::make_unique<testing::HubClient>(hub_->url());
    ASSERT_TRUE(api_->Login("admin", hub_->password()));
  }
  void TearDown() override {
    if (api_ && hub_) {
      std::string logs;
      for (const std::string& id : created_) {
        for (const std::string& m : LogMessages(id)) logs += m + "\n";
      }
      // The webhook URL is a task parameter (shown back to the task's users, so they can
      // edit it) but never written to a log; the SMTP password appears nowhere.
      EXPECT_EQ(api_->transcript().find(kSmtpPassword), std::string::npos) << "a secret in an answer";
      for (const std::string& secret : {std::string(kSmtpPassword), std::string(kHookKey)}) {
        EXPECT_EQ(hub_->output().find(secret), std::string::npos) << "a secret in the output";
        EXPECT_EQ(logs.find(secret), std::string::npos) << "a secret in a task's log:\n" << logs;
      }
    }
    hub_.reset();
    sink_.reset();
    hook_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  json LocalTask(const json& notify, const std::string& source = "") {
    json params = {{"source", source.empty() ? (dir_ / "src").string() : source},
                   {"destination", (dir_ / "dst").string()}};
    for (const auto& [k, v] : notify.items()) params[k] = v;
    return {{"type", "s3"}, {"description", "notify test"}, {"schedule", "once"}, {"parameters", params}};
  }
  std::string Create(const json& task) {
    testing::ApiAnswer a = api_->Post("/api/v1/tasks", task);
    EXPECT_EQ(a.status, 201) << a.text;
    const std::string id = a.body.is_object() ? a.body.value("id", "") : "";
    if (!id.empty()) created_.push_back(id);
    return id;
  }
  std::string HookUrl() const { return hook_->endpoint() + "/services/" + kHookKey; }
  std::vector<std::string> LogMessages(const std::string& id) {
    std::vector<std::string> out;
    testing::ApiAnswer a = api_->Get("/api/v1/tasks/" + id + "/logs?limit=1000");
    if (!a.body.is_object() || !a.body.contains("logs")) return out;
    for (const json& e : a.body["logs"]) out.push_back(e.value("message", ""));
    return out;
  }
  // Waits for a log line with these words (a notification is sent after the run ends).
  std::string WaitForLog(const std::string& id, const std::string& words, int timeout_seconds = 90) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    do {
      for (const std::string& m : LogMessages(id)) {
        if (m.find(words) != std::string::npos) return m;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return "";
  }
  std::vector<testing::RecordedRequest> HookRequests() {
    std::vector<testing::RecordedRequest> out;
    for (const auto& r : hook_->requests()) {
      if (r.method == "POST") out.push_back(r);
    }
    return out;
  }

  fs::path dir_;
  std::vector<std::string> hub_args_;
  std::unique_ptr<testing::SmtpSink> sink_;
  std::unique_ptr<testing::FaultServer> hook_;
  std::unique_ptr<testing::HubProcess> hub_;
  std::unique_ptr<testing::HubClient> api_;
  std::vector<std::string> created_;
};

TEST_F(NotifyTest, AOneTimeTaskThatEndsDoneSendsItsWebhookAndItsEmail) {
  const std::string id = Create(LocalTask({{"alarmEmail", "ops@example.com, dev@example.org"},
                                           {"notifyWebhook", HookUrl()},
                                           {"notifyOn", "always"}}));
  ASSERT_FALSE(id.empty());
  json task = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(task.value("status", ""), "DONE") << task.dump();
  ASSERT_NE(WaitForLog(id, "notification sent: e-mail to ops@example.com, dev@example.org"), "")
      << ::testing::PrintToString(LogMessages(id));
  ASSERT_NE(WaitForLog(id, "notification sent: webhook " + hook_->endpoint() + "/..."), "");

  auto posts = HookRequests();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].target, std::string("/services/") + kHookKey);
  const std::string* type = FindHeader(posts[0].headers, "Content-Type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(*type, "application/json");
  json doc = json::parse(posts[0].body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << posts[0].body;
  EXPECT_EQ(doc["event"], "run.ended");
  EXPECT_EQ(doc["task_id"], id);
  EXPECT_EQ(doc["description"], "notify test");
  EXPECT_EQ(doc["type"], "s3");
  EXPECT_EQ(doc["status"], "DONE");
  EXPECT_GT(doc["run_id"].get<int64_t>(), 0);
  EXPECT_EQ(doc["objects_done"], 2);
  EXPECT_EQ(doc["objects_failed"], 0);
  EXPECT_EQ(doc["bytes_done"], 10);
  EXPECT_EQ(doc["error"], "");
  EXPECT_EQ(doc["link"], "https://hub.example.com/tasks/" + id);
  EXPECT_NE(doc["started_at"].get<std::string>(), "");
  EXPECT_GE(doc["ended_at"].get<std::string>(), doc["started_at"].get<std::string>());
  EXPECT_EQ(doc["text"], "dth task " + id + " \"notify test\" DONE (run " + std::to_string(doc["run_id"].get<int64_t>()) +
                             "): 2 objects copied (10 B), 0 failed");

  auto mails = sink_->WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  const json& mail = mails[0];
  EXPECT_EQ(mail["mail_from"], "dth@hub.example.com");
  EXPECT_EQ(mail["rcpt_tos"], json::array({"ops@example.com", "dev@example.org"}));
  EXPECT_EQ(mail["from"], "dth@hub.example.com");
  EXPECT_EQ(mail["to"], "ops@example.com, dev@example.org");
  EXPECT_EQ(mail["subject"], "[dth] " + id + " \"notify test\" DONE (run " +
                                 std::to_string(doc["run_id"].get<int64_t>()) + ")");
  const std::string body = mail["body"];
  EXPECT_NE(body.find("Task " + id + " (notify test) DONE."), std::string::npos) << body;
  EXPECT_NE(body.find("Copied:     2 objects, 10 B (10 bytes)"), std::string::npos) << body;
  EXPECT_NE(body.find("Failed:     0 objects"), std::string::npos) << body;
  EXPECT_NE(body.find("Task:       https://hub.example.com/tasks/" + id), std::string::npos) << body;
  EXPECT_EQ(body.find("Reason:"), std::string::npos) << body;
}

TEST_F(NotifyTest, AFailingTaskSendsErrorWithItsReasonByDefault) {
  // A source outside the allowed roots: the run fails with a reason.
  const std::string id = Create(LocalTask({{"alarmEmail", "ops@example.com"}, {"notifyWebhook", HookUrl()}}, "/etc"));
  ASSERT_FALSE(id.empty());
  json task = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(task.value("status", ""), "ERROR") << task.dump();
  const std::string reason = task.value("error", "");
  ASSERT_NE(reason.find("outside the directories this server allows"), std::string::npos) << reason;
  ASSERT_NE(WaitForLog(id, "notification sent: e-mail to ops@example.com"), "");
  ASSERT_NE(WaitForLog(id, "notification sent: webhook"), "");
  auto posts = HookRequests();
  ASSERT_EQ(posts.size(), 1u);
  json doc = json::parse(posts[0].body, nullptr, false);
  EXPECT_EQ(doc["status"], "ERROR");
  EXPECT_NE(doc["error"].get<std::string>().find("outside the directories this server allows"), std::string::npos)
      << doc.dump();
  EXPECT_NE(doc["text"].get<std::string>().find("ERROR"), std::string::npos);
  auto mails = sink_->WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0]["subject"].get<std::string>().find("ERROR"), std::string::npos);
  const std::string body = mails[0]["body"];
  EXPECT_NE(body.find("Reason:     "), std::string::npos) << body;
  EXPECT_NE(body.find("outside the directories this server allows"), std::string::npos) << body;

  // A task that ends DONE with the default (failure) sends nothing.
  const std::string quiet = Create(LocalTask({{"alarmEmail", "ops@example.com"}, {"notifyWebhook", HookUrl()}}));
  ASSERT_EQ(api_->WaitFor(quiet, {"DONE", "ERROR"}).value("status", ""), "DONE");
  // Notifications go out in order on one thread: a later one would be logged; none is.
  const std::string marker = Create(LocalTask({{"notifyWebhook", HookUrl()}, {"notifyOn", "always"}}));
  ASSERT_EQ(api_->WaitFor(marker, {"DONE", "ERROR"}).value("status", ""), "DONE");
  ASSERT_NE(WaitForLog(marker, "notification sent: webhook"), "");
  EXPECT_EQ(HookRequests().size(), 2u);
  EXPECT_EQ(sink_->Messages().size(), 1u);
  for (const std::string& m : LogMessages(quiet)) EXPECT_EQ(m.find("notification"), std::string::npos) << m;
}

TEST_F(NotifyTest, AnUnreachableWebhookIsLoggedAndTheTaskStaysDone) {
  int closed_port = 0;
  {
    auto gone = testing::FaultServer::Start();
    ASSERT_TRUE(gone.ok());
    closed_port = (*gone)->port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port) + "/services/" + kHookKey;
  const std::string id = Create(LocalTask({{"notifyWebhook", url}, {"notifyOn", "always"}}));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(api_->WaitFor(id, {"DONE", "ERROR"}).value("status", ""), "DONE");
  const std::string line = WaitForLog(id, "notification failed: webhook");
  ASSERT_NE(line, "") << ::testing::PrintToString(LogMessages(id));
  EXPECT_NE(line.find("http://127.0.0.1:" + std::to_string(closed_port) + "/..."), std::string::npos) << line;
  EXPECT_NE(line.find("3 attempts"), std::string::npos) << line;
  json task = api_->Get("/api/v1/tasks/" + id).body;
  EXPECT_EQ(task.value("status", ""), "DONE") << "a notification never fails the task";
  EXPECT_TRUE(!task.contains("error") || task["error"].is_null() || task["error"] == "") << task.dump();
}

TEST_F(NotifyTest, AWebhookNotSentWhenTheHubIsKilledIsSentAfterARestart) {
  // The receiver holds the first POST without answering: the hub is killed mid-delivery.
  testing::FaultRule hold;
  hold.method = "POST";
  hold.times = -1;
  hold.action.kind = testing::FaultAction::kDelay;
  hold.action.delay = std::chrono::seconds(120);
  hook_->AddRule(hold);
  const std::string id = Create(LocalTask({{"notifyWebhook", HookUrl()}, {"notifyOn", "always"}}));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(api_->WaitFor(id, {"DONE", "ERROR"}).value("status", ""), "DONE");
  for (int i = 0; i < 3000 && HookRequests().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(HookRequests().size(), 1u);
  const std::string document = HookRequests()[0].body;
  hub_->Kill();
  hook_->ClearRules();  // the receiver answers now (200)
  const std::string token = api_->token();
  hub_ = std::make_unique<testing::HubProcess>((dir_ / "data").string(), hub_args_);
  ASSERT_TRUE(hub_->Start());
  api_ = std::make_unique<testing::HubClient>(hub_->url());  // a new port
  api_->set_token(token);  // sessions survive a restart
  const std::string line = WaitForLog(id, "notification sent: webhook");
  ASSERT_NE(line, "") << ::testing::PrintToString(LogMessages(id));
  auto posts = HookRequests();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[1].body, document) << "the same run's document";
  EXPECT_EQ(json::parse(posts[1].body, nullptr, false).value("status", ""), "DONE");
}

TEST_F(NotifyTest, BadNotificationParametersAreProblemsNamingTheField) {
  struct Case {
    json notify;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{{{"alarmEmail", "not-an-address"}}, "parameters.alarmEmail"},
                                         {{{"notifyWebhook", "ftp://example.com/"}}, "parameters.notifyWebhook"},
                                         {{{"notifyOn", "weekly"}}, "parameters.notifyOn"}}) {
    testing::ApiAnswer a = api_->Post("/api/v1/tasks", LocalTask(c.notify));
    EXPECT_EQ(a.status, 400) << a.text;
    EXPECT_EQ(a.content_type, "application/problem+json");
    EXPECT_NE(a.text.find(c.field), std::string::npos) << a.text;
  }
}

}  // namespace
}  // namespace dth
