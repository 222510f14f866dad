// The Notifier against a real HTTP receiver (the in-process fault server): what it sends
// and when, retries of what a retry can cure, one attempt for what it cannot, and log
// lines that say what happened without any credential or webhook key; with a store, the
// outbox that carries what was not sent over to the next start.
#include "control/notify/notifier.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "control/store/sqlite/sqlite_control_store.h"
#include "testing/fault_server.h"

namespace dth::control::notify {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = FaultServer::Start();
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  std::unique_ptr<Notifier> Make(NotifierOptions options = {}, ControlStore* store = nullptr) {
    options.retry.base_delay = std::chrono::milliseconds(1);
    options.retry.max_delay = std::chrono::milliseconds(5);
    return std::make_unique<Notifier>(
        options,
        [this](const std::string& task, int64_t run, LogLevel level, const std::string& message) {
          std::lock_guard lock(mu_);
          logs_.push_back(task + " " + std::to_string(run) + " " + LogLevelName(level) + " " + message);
        },
        store);
  }
  static TaskRecord Task(TaskStatus status, const nlohmann::json& parameters) {
    TaskRecord t;
    t.id = "t-00000000000a";
    t.type = "s3";
    t.description = "nightly";
    t.schedule = "once";
    t.status = status;
    t.parameters = parameters.dump();
    t.error = status == TaskStatus::kError ? "1 object failed: k: AccessDenied" : "";
    return t;
  }
  static RunRecord Run(RunStatus status) {
    RunRecord r;
    r.id = 7;
    r.task_id = "t-00000000000a";
    r.trigger = "manual";
    r.status = status;
    r.error = status == RunStatus::kError ? "1 object failed: k: AccessDenied" : "";
    r.totals.objects_done = 4;
    r.totals.bytes_done = 4096;
    r.totals.objects_failed = status == RunStatus::kError ? 1 : 0;
    r.started_at = FromUnixMs(1764680700000);
    r.finished_at = FromUnixMs(1764680760000);
    return r;
  }
  std::string Hook(const std::string& path = "/hook/KEY123") { return server_->endpoint() + path; }
  std::vector<std::string> Logs() {
    std::lock_guard lock(mu_);
    return logs_;
  }
  std::string AllLogs() {
    std::string all;
    for (const std::string& l : Logs()) all += l + "\n";
    return all;
  }

  std::unique_ptr<FaultServer> server_;
  std::mutex mu_;
  std::vector<std::string> logs_;
};

TEST_F(NotifierTest, AFailedRunPostsItsDocumentAndLogsThatItWasSent) {
  auto n = Make();
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  n->Drain();
  auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hook/KEY123");
  ASSERT_NE(FindHeader(requests[0].headers, "Content-Type"), nullptr);
  EXPECT_EQ(*FindHeader(requests[0].headers, "Content-Type"), "application/json");
  auto j = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(j["status"], "ERROR");
  EXPECT_EQ(j["task_id"], "t-00000000000a");
  EXPECT_EQ(j["run_id"], 7);
  EXPECT_EQ(j["error"], "1 object failed: k: AccessDenied");
  EXPECT_EQ(j["objects_done"], 4);
  EXPECT_EQ(j["objects_failed"], 1);
  EXPECT_EQ(j["link"], "/tasks/t-00000000000a");
  EXPECT_NE(j["text"].get<std::string>().find("ERROR"), std::string::npos);
  ASSERT_EQ(Logs().size(), 1u);
  EXPECT_EQ(Logs()[0], "t-00000000000a 7 info notification sent: webhook " + server_->endpoint() + "/...");
}

TEST_F(NotifierTest, ADoneRunIsAnnouncedOnlyWhenAskedFor) {
  auto n = Make();
  n->OnRunEnded(Task(TaskStatus::kDone, {{"notifyWebhook", Hook()}}), Run(RunStatus::kDone));
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}, {"notifyOn", "never"}}), Run(RunStatus::kError));
  n->Drain();
  EXPECT_EQ(server_->requests().size(), 0u) << "failure is the default; never is never";
  NotifierOptions options;
  options.public_url = "https://hub.example.com";
  auto linked = Make(options);
  linked->OnRunEnded(Task(TaskStatus::kDone, {{"notifyWebhook", Hook()}, {"notifyOn", "always"}}),
                     Run(RunStatus::kDone));
  linked->OnRunEnded(Task(TaskStatus::kStopped, {{"notifyWebhook", Hook()}, {"notifyOn", "always"}}),
                     Run(RunStatus::kStopped));
  linked->Drain();
  auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  auto j = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(j["status"], "DONE");
  EXPECT_EQ(j["error"], "");
  EXPECT_EQ(j["link"], "https://hub.example.com/tasks/t-00000000000a");
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["status"], "STOPPED");
}

TEST_F(NotifierTest, WhatARetryCanCureIsRetried) {
  server_->AddRule(FaultRule{"POST", "/hook", 2, FaultAction{FaultAction::kRespond, 503, {}, "busy", {}}});
  auto n = Make();
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  n->Drain();
  EXPECT_EQ(server_->CountRequests("POST", "/hook"), 3);
  ASSERT_EQ(Logs().size(), 1u);
  EXPECT_NE(Logs()[0].find("notification sent"), std::string::npos) << Logs()[0];
}

TEST_F(NotifierTest, ARefusalIsNotRetriedAndIsLoggedWithItsReason) {
  server_->AddRule(FaultRule{"POST", "/hook", -1, FaultAction{FaultAction::kRespond, 404, {}, "no such hook", {}}});
  auto n = Make();
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  n->Drain();
  EXPECT_EQ(server_->CountRequests("POST", "/hook"), 1);
  ASSERT_EQ(Logs().size(), 1u);
  EXPECT_EQ(Logs()[0], "t-00000000000a 7 warn notification failed: webhook " + server_->endpoint() +
                           "/...: answered HTTP 404 (NotFound, 1 attempt)");
}

TEST_F(NotifierTest, AnUnreachableWebhookIsTriedAFewTimesAndLoggedWithoutItsKey) {
  const std::string url = "http://user:pa55word@127.0.0.1:" + std::to_string(server_->port()) + "/hook/KEY123?sig=SIG";
  server_.reset();  // nothing listens there any more
  auto n = Make();
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", url}}), Run(RunStatus::kError));
  n->Drain();
  ASSERT_EQ(Logs().size(), 1u);
  const std::string line = Logs()[0];
  EXPECT_NE(line.find("warn notification failed: webhook http://127.0.0.1:"), std::string::npos) << line;
  EXPECT_NE(line.find("3 attempts"), std::string::npos) << line;
  for (const char* secret : {"pa55word", "KEY123", "SIG", "user:"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in: " << line;
  }
}

TEST_F(NotifierTest, EmailWithoutAnSmtpServerIsLoggedAndAnUnreachableOneToo) {
  auto none = Make();
  none->OnRunEnded(Task(TaskStatus::kError, {{"alarmEmail", "ops@example.com"}}), Run(RunStatus::kError));
  none->Drain();
  ASSERT_EQ(Logs().size(), 1u);
  EXPECT_NE(Logs()[0].find("warn notification not sent: e-mail to ops@example.com: this server has no SMTP"),
            std::string::npos)
      << Logs()[0];
  NotifierOptions options;
  options.smtp_url = "smtp://mailer:pa55word@127.0.0.1:" + std::to_string(server_->port());
  options.smtp_from = "dth@example.com";
  server_.reset();
  auto unreachable = Make(options);
  unreachable->OnRunEnded(Task(TaskStatus::kError, {{"alarmEmail", "ops@example.com"}}), Run(RunStatus::kError));
  unreachable->Drain();
  ASSERT_EQ(Logs().size(), 2u);
  EXPECT_NE(Logs()[1].find("warn notification failed: e-mail to ops@example.com: SMTP to smtp://127.0.0.1:"),
            std::string::npos)
      << Logs()[1];
  EXPECT_EQ(Logs()[1].find("pa55word"), std::string::npos) << Logs()[1];
  EXPECT_EQ(Logs()[1].find("mailer"), std::string::npos) << Logs()[1];
}

TEST_F(NotifierTest, StopGivesWhatIsQueuedOneAttempt) {
  server_->AddRule(FaultRule{"POST", "/hook", -1, FaultAction{FaultAction::kRespond, 503, {}, "", {}}});
  NotifierOptions options;
  auto n = Make(options);
  for (int i = 0; i < 3; ++i) {
    n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  }
  n->Stop();
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  const std::string all = AllLogs();
  EXPECT_NE(all.find("notification not sent: webhook " + server_->endpoint() + "/...: the server is stopping"),
            std::string::npos)
      << all;
  EXPECT_LE(server_->CountRequests("POST", "/hook"), 9);
  EXPECT_EQ(Logs().size(), 4u) << all;
}

std::unique_ptr<ControlStore> MemoryStore() {
  auto store = SqliteControlStore::Open(":memory:");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

size_t Pending(ControlStore& store) {
  auto pending = store.ListNotifications(100);
  EXPECT_TRUE(pending.ok());
  return pending.ok() ? pending->size() : 0;
}

TEST_F(NotifierTest, WithAStoreWhatIsSentLeavesNothingInTheOutbox) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto n = Make({}, store.get());
  n->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  n->Drain();
  EXPECT_EQ(server_->CountRequests("POST", "/hook"), 1);
  EXPECT_EQ(Pending(*store), 0u);
}

// A notification the hub could not send before it went away (here: stopped while
// retrying; a killed hub leaves the same outbox record, written before it was queued)
// is sent by the next notifier on the same store.
TEST_F(NotifierTest, WhatWasNotSentIsSentAtTheNextStart) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  server_->AddRule(FaultRule{"POST", "/hook", -1, FaultAction{FaultAction::kRespond, 503, {}, "", {}}});
  NotifierOptions options;
  options.retry.max_attempts = 1000000;  // still retrying when stopped
  auto first = Make(options, store.get());
  first->OnRunEnded(Task(TaskStatus::kError, {{"notifyWebhook", Hook()}}), Run(RunStatus::kError));
  for (int i = 0; i < 6000 && server_->CountRequests("POST", "/hook") < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_GE(server_->CountRequests("POST", "/hook"), 2);
  EXPECT_EQ(Pending(*store), 1u) << "kept while it is being retried";
  first->Stop();
  first.reset();
  EXPECT_EQ(Pending(*store), 1u) << "a retry could still cure it: kept for the next start";
  EXPECT_NE(AllLogs().find("tried again at its next start"), std::string::npos) << AllLogs();
  const auto body = server_->requests().back().body;

  server_->ClearRules();  // the receiver is back
  auto second = Make(options, store.get());
  second->Drain();
  auto requests = server_->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().body, body) << "the same document";
  EXPECT_EQ(Pending(*store), 0u);
  EXPECT_NE(AllLogs().find("info notification sent: webhook"), std::string::npos) << AllLogs();
}

TEST(NotifierOptionsTest, TheServerOptionsAreChecked) {
  NotifierOptions o;
  EXPECT_TRUE(CheckNotifierOptions(o).ok());
  o.smtp_url = "http://127.0.0.1:25";
  o.smtp_from = "dth@example.com";
  EXPECT_NE(CheckNotifierOptions(o).message().find("--smtp"), std::string::npos);
  o.smtp_url = "smtp://user:pa55word@127.0.0.1:25?x=1";
  EXPECT_FALSE(CheckNotifierOptions(o).ok());
  EXPECT_EQ(CheckNotifierOptions(o).message().find("pa55word"), std::string::npos) << CheckNotifierOptions(o).message();
  o.smtp_url = "smtp://127.0.0.1:2525";
  EXPECT_TRUE(CheckNotifierOptions(o).ok()) << CheckNotifierOptions(o).ToString();
  o.smtp_from = "";
  EXPECT_NE(CheckNotifierOptions(o).message().find("--smtp-from"), std::string::npos);
  o.smtp_from = "not an address";
  EXPECT_NE(CheckNotifierOptions(o).message().find("--smtp-from"), std::string::npos);
  o.smtp_from = "dth@example.com";
  o.smtp_url = "smtps://127.0.0.1:465";
  o.smtp_starttls = true;
  EXPECT_NE(CheckNotifierOptions(o).message().find("--smtp-starttls"), std::string::npos);
  o.smtp_starttls = false;
  o.public_url = "hub.example.com";
  EXPECT_NE(CheckNotifierOptions(o).message().find("--public-url"), std::string::npos);
  NotifierOptions from_only;
  from_only.smtp_from = "dth@example.com";
  EXPECT_NE(CheckNotifierOptions(from_only).message().find("--smtp"), std::string::npos);
}

}  // namespace
}  // namespace dth::control::notify
