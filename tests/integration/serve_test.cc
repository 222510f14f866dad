// A real `dth serve` process driven over HTTP against Ceph RGW and the two test
// registries: the API's contract (health, 401s, sign-in, problem details for bad
// input), a one-time S3 task to DONE with its objects, logs and metrics, a scheduled
// task that runs twice, stop mid-run and start again (no part sent twice), failed
// objects listed with their reasons and retried once fixed, kill -9 of the server
// mid-run and a restart that finishes the run, two tasks with deletes at once, edit /
// clone / delete, an image task with identical digests, live events, the connection
// test (keys listed, a wrong secret or password explained, an unknown credential a 400)
// — and no secret in any answer or log.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "image_registries.h"
#include "integration/hub_process.h"
#include "run_process.h"
#include "s3_servers.h"
#include "sync_fixture.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using json = nlohmann::json;
using namespace sync_it;  // NOLINT: buckets, data, comparisons

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::RequireServer(S3Server::kRgw, &env_)) GTEST_SKIP() << "RGW not available";
    dir_ = MakeTempDir("dth-serve");
    hub_ = std::make_unique<testing::HubProcess>((dir_ / "data").string(),
                                                 std::vector<std::string>{"--allow-local-root", dir_.string()});
    ASSERT_TRUE(hub_->Start());
    api_ = std::make_unique<testing::HubClient>(hub_->url());
    ASSERT_TRUE(api_->Login("admin", hub_->password()));
    ASSERT_EQ(api_->Post("/api/v1/credentials",
                         {{"name", "rgw"}, {"kind", "s3"},
                          {"value", {{"access_key_id", env_.access_key}, {"secret_access_key", env_.secret_key}}}})
                  .status,
              201);
  }
  void TearDown() override {
    if (api_ && hub_) {
      // No answer and no log line ever carries the secret key.
      EXPECT_EQ(api_->transcript().find(env_.secret_key), std::string::npos) << "a secret in an answer";
      EXPECT_EQ(hub_->output().find(env_.secret_key), std::string::npos) << "a secret in the log";
    }
    hub_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Restarts the server on the same data directory (after a stop or a kill).
  void Restart() {
    hub_ = std::make_unique<testing::HubProcess>((dir_ / "data").string(),
                                                 std::vector<std::string>{"--allow-local-root", dir_.string()});
    ASSERT_TRUE(hub_->Start());
    const std::string token = api_->token();
    api_ = std::make_unique<testing::HubClient>(hub_->url());
    api_->set_token(token);  // sessions survive a restart
  }
  json S3Task(const s3::S3Store& src, const s3::S3Store& dst, const json& extra = json::object(),
              const std::string& endpoint = "") {
    json params = {{"srcType", "s3"},
                   {"srcEndpoint", endpoint.empty() ? env_.endpoint : endpoint},
                   {"srcBucket", Bucket(src)},
                   {"srcCredentials", "rgw"},
                   {"destEndpoint", env_.endpoint},
                   {"destBucket", Bucket(dst)}};
    for (const auto& [k, v] : extra.items()) params[k] = v;
    return {{"type", "s3"}, {"description", "test"}, {"schedule", "once"}, {"parameters", params}};
  }
  std::string Bucket(const s3::S3Store& store) { return store.client().config().bucket; }
  std::string Create(const json& task) {
    testing::ApiAnswer a = api_->Post("/api/v1/tasks", task);
    EXPECT_EQ(a.status, 201) << a.text;
    return a.body.is_object() ? a.body.value("id", "") : "";
  }
  std::vector<std::string> LogMessages(const std::string& id) {
    std::vector<std::string> out;
    const testing::ApiAnswer answer = api_->Get("/api/v1/tasks/" + id + "/logs?limit=1000");
    for (const json& e : answer.body["logs"]) {
      out.push_back(e["message"].get<std::string>());
    }
    return out;
  }
  std::string AllLogs(const std::string& id) {
    std::string all;
    for (const std::string& m : LogMessages(id)) all += m + "\n";
    return all;
  }
  bool Logged(const std::string& id, const std::string& words) {
    for (const std::string& m : LogMessages(id)) {
      if (m.find(words) != std::string::npos) return true;
    }
    return false;
  }

  testing::ServerEnv env_;
  fs::path dir_;
  std::unique_ptr<testing::HubProcess> hub_;
  std::unique_ptr<testing::HubClient> api_;
};

TEST_F(ServeTest, TheContractScriptsRelyOn) {
  testing::HubClient anonymous(hub_->url());
  testing::ApiAnswer health = anonymous.Get("/api/v1/health");
  EXPECT_EQ(health.status, 200) << health.text;
  EXPECT_EQ(health.body["status"], "ok");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/tasks"},       {"POST", "/api/v1/tasks"},       {"GET", "/api/v1/tasks/t-x"},
           {"GET", "/api/v1/credentials"}, {"GET", "/api/v1/openapi.json"}, {"GET", "/api/v1/users"},
           {"GET", "/api/v1/events"},      {"GET", "/metrics"},             {"DELETE", "/api/v1/tasks/t-x"}}) {
    testing::ApiAnswer a = anonymous.Call(method, path, method == "POST" ? "{}" : "");
    EXPECT_EQ(a.status, 401) << method << " " << path << ": " << a.text;
    EXPECT_EQ(a.content_type, "application/problem+json") << path;
  }
  testing::HubClient wrong(hub_->url());
  EXPECT_FALSE(wrong.Login("admin", "not the password"));
  EXPECT_EQ(wrong.Post("/api/v1/auth/token", {{"username", "nobody"}, {"password", "x"}}).status, 401);
  wrong.set_token("dth_forged");
  EXPECT_EQ(wrong.Get("/api/v1/tasks").status, 401);
  EXPECT_EQ(api_->Get("/api/v1/tasks").status, 200);
  EXPECT_EQ(api_->Get("/api/v1/openapi.json").status, 200);
}

// A second `dth serve` on the running hub's data directory would schedule its tasks again
// and resume its running runs as its own: it is refused at start, with the holder's pid,
// and the running hub goes on answering.
TEST_F(ServeTest, ASecondHubOnTheSameDataDirectoryIsRefused) {
  const testing::ProcessResult second = testing::RunProcess(
      DTH_BIN_PATH, {"serve", "--listen", "127.0.0.1:0", "--data-dir", (dir_ / "data").string()},
      {{"DTH_ADMIN_PASSWORD", "another-password-1"}}, 30);
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("is in use by another dth serve (pid "), std::string::npos) << second.err;
  EXPECT_EQ(second.out.find("http://"), std::string::npos) << "it must not have answered: " << second.out;
  EXPECT_EQ(api_->Get("/api/v1/tasks").status, 200);
}

TEST_F(ServeTest, BadInputIsAProblemWithTheRightStatusNeverACrash) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  struct Case {
    std::string method, path, body, content_type;
    int status;
    std::string field;
  };
  const std::string good = S3Task(*src, *dst).dump();
  json bad_cron = S3Task(*src, *dst);
  bad_cron["schedule"] = "cron(0 12 * * * *)";
  json bad_rate = S3Task(*src, *dst);
  bad_rate["schedule"] = "rate(0 minutes)";
  json bad_bucket = S3Task(*src, *dst, {{"destBucket", "Not A Bucket"}});
  json unknown = S3Task(*src, *dst);
  unknown["colour"] = "red";
  json wrong_type = S3Task(*src, *dst, {{"workerNumber", "many"}});
  json unknown_param = S3Task(*src, *dst, {{"wokerNumber", 3}});
  const std::vector<Case> cases = {
      {"POST", "/api/v1/tasks", "{not json", "application/json", 400, ""},
      {"POST", "/api/v1/tasks", good, "text/plain", 415, "Content-Type"},
      {"POST", "/api/v1/tasks", unknown.dump(), "application/json", 400, "colour"},
      {"POST", "/api/v1/tasks", wrong_type.dump(), "application/json", 400, "parameters.workerNumber"},
      {"POST", "/api/v1/tasks", unknown_param.dump(), "application/json", 400, "parameters.wokerNumber"},
      {"POST", "/api/v1/tasks", bad_cron.dump(), "application/json", 400, "schedule"},
      {"POST", "/api/v1/tasks", bad_rate.dump(), "application/json", 400, "schedule"},
      {"POST", "/api/v1/tasks", bad_bucket.dump(), "application/json", 400, "parameters.destBucket"},
      {"POST", "/api/v1/tasks", "[1,2]", "application/json", 400, ""},
      {"POST", "/api/v1/tasks", std::string(2 << 20, ' '), "application/json", 413, ""},
      {"GET", "/api/v1/no-such-route", "", "", 404, ""},
      {"GET", "/api/v1/tasks/t-000000000000", "", "", 404, ""},
      {"PUT", "/api/v1/tasks", "{}", "application/json", 405, ""},
      {"GET", "/api/v1/tasks?limit=0", "", "", 400, "limit"},
      {"GET", "/api/v1/tasks?status=RUNNING", "", "", 400, "status"},
      {"GET", "/api/v1/tasks?cursor=%%%", "", "", 400, ""},
      {"POST", "/api/v1/credentials", R"({"name":"x","kind":"s3","value":{"access_key_id":"a"}})",
       "application/json", 400, "value.secret_access_key"},
  };
  for (const Case& c : cases) {
    testing::ApiAnswer a = api_->Call(c.method, c.path, c.body, c.content_type);
    EXPECT_EQ(a.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80) << ": " << a.text;
    EXPECT_EQ(a.content_type, "application/problem+json") << c.path;
    if (a.body.is_object()) {
      EXPECT_TRUE(a.body.contains("code") && a.body["code"].is_string()) << a.text;
      if (!c.field.empty()) {
        EXPECT_EQ(a.body.value("field", ""), c.field) << a.text;
      }
    }
  }
  EXPECT_EQ(api_->Get("/api/v1/health").status, 200) << "still serving";
}

TEST_F(ServeTest, AOneTimeTaskBetweenRgwBucketsReachesDoneWithObjectsLogsAndMetrics) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(PutString(*src, "d/" + std::to_string(i), Bytes(1000 + i, 'x')).ok());
  ASSERT_TRUE(PutString(*src, "big", Bytes(7u << 20, 'b')).ok());
  const std::string id = Create(S3Task(*src, *dst, {{"multipartThreshold", 5}, {"chunkSize", 5}}));
  json task = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(task["status"], "DONE") << task.dump();
  ExpectIdentical(*src, *dst);
  json objects = api_->Get("/api/v1/tasks/" + id + "/objects?limit=10").body;
  EXPECT_EQ(objects["objects"].size(), 10u);
  ASSERT_TRUE(objects["next_cursor"].is_string());
  json next = api_->Get("/api/v1/tasks/" + id + "/objects?limit=100&cursor=" +
                        objects["next_cursor"].get<std::string>()).body;
  EXPECT_EQ(next["objects"].size(), 21u);
  EXPECT_EQ(api_->Get("/api/v1/tasks/" + id + "/objects?prefix=d/&limit=1000").body["objects"].size(), 30u);
  EXPECT_EQ(api_->Get("/api/v1/tasks/" + id + "/objects/summary").body["done"], 31);
  json runs = api_->Get("/api/v1/tasks/" + id + "/runs").body["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["objects_done"], 31);
  EXPECT_TRUE(Logged(id, "plan of " + id + ": 31 objects to copy")) << AllLogs(id);
  EXPECT_TRUE(Logged(id, "done: 31 objects")) << AllLogs(id);
  json metrics = api_->Get("/api/v1/tasks/" + id + "/metrics?range=1h").body;
  int64_t done = 0, bytes = 0;
  for (const json& p : metrics["points"]) {
    done += p["objects_done"].get<int64_t>();
    bytes += p["bytes"].get<int64_t>();
  }
  EXPECT_EQ(done, 31);
  EXPECT_GE(bytes, int64_t{7} << 20);
  testing::ApiAnswer prom = api_->Get("/metrics");
  EXPECT_EQ(prom.status, 200);
  EXPECT_NE(prom.text.find("dth_tasks{status=\"DONE\"} 1"), std::string::npos) << prom.text;
  // promtool (Debian's prometheus package) accepts the exposition.
  const fs::path scraped = dir_ / "metrics.txt";
  std::ofstream(scraped) << prom.text;
  testing::ProcessResult check = testing::RunProcess("/bin/sh", {"-c", "promtool check metrics < " + scraped.string()});
  if (check.exit_code == 127 && std::getenv("DTH_REQUIRE_SERVERS") == nullptr) {
    std::cerr << "promtool not installed: /metrics not checked\n";
  } else {
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }
}

TEST_F(ServeTest, TestConnectionListsKeysWithGoodCredentialsAndSaysWhyNotWithBadOnes) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(PutString(*src, "k/" + std::to_string(i), "x").ok());
  ASSERT_TRUE(PutString(*dst, "old", "y").ok());
  // Good credentials: each side reached and a few keys (at most 5) listed.
  testing::ApiAnswer a =
      api_->Post("/api/v1/connections/test", S3Task(*src, *dst, {{"destCredentials", "rgw"}}));
  ASSERT_EQ(a.status, 200) << a.text;
  EXPECT_EQ(a.body["source"]["ok"], true) << a.text;
  EXPECT_TRUE(a.body["source"]["error"].is_null()) << a.text;
  EXPECT_EQ(a.body["source"]["sample"], json::array({"k/0", "k/1", "k/2", "k/3", "k/4"})) << a.text;
  EXPECT_EQ(a.body["destination"]["ok"], true) << a.text;
  EXPECT_EQ(a.body["destination"]["sample"], json::array({"old"})) << a.text;
  // A wrong secret on the destination: that side fails with the server's reason.
  ASSERT_EQ(api_->Post("/api/v1/credentials",
                       {{"name", "wrong"}, {"kind", "s3"},
                        {"value", {{"access_key_id", env_.access_key}, {"secret_access_key", "not-the-secret"}}}})
                .status,
            201);
  a = api_->Post("/api/v1/connections/test", S3Task(*src, *dst, {{"destCredentials", "wrong"}}));
  ASSERT_EQ(a.status, 200) << a.text;
  EXPECT_EQ(a.body["source"]["ok"], true) << a.text;
  EXPECT_EQ(a.body["destination"]["ok"], false) << a.text;
  EXPECT_NE(a.body["destination"]["error"].get<std::string>().find("authentication failed"), std::string::npos)
      << a.text;
  EXPECT_EQ(a.body["destination"]["sample"], json::array());
  EXPECT_EQ(a.text.find("not-the-secret"), std::string::npos) << "a credential value in the answer";
  // An unknown credential name: a 400 naming the parameter.
  a = api_->Post("/api/v1/connections/test", S3Task(*src, *dst, {{"srcCredentials", "nobody"}}));
  EXPECT_EQ(a.status, 400) << a.text;
  EXPECT_EQ(a.body.value("field", ""), "parameters.srcCredentials") << a.text;
  // Nothing was written: no task, the destination as it was.
  EXPECT_EQ(api_->Get("/api/v1/tasks").body["tasks"].size(), 0u);
  auto listed = ListAll(*dst, ListOptions{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "old");
}

TEST_F(ServeTest, AScheduledTaskRunsTwiceAndItsSecondRunCopiesOnlyWhatChanged) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutString(*src, "k" + std::to_string(i), "v1").ok());
  json def = S3Task(*src, *dst);
  def["schedule"] = "rate(1 minute)";
  const std::string id = Create(def);
  json first = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(first["status"], "DONE") << first.dump();
  ASSERT_TRUE(first["next_run_at"].is_string());
  ASSERT_TRUE(PutString(*src, "k0", "v2").ok());  // same size
  ASSERT_TRUE(PutString(*src, "new", "n").ok());
  // The next firing is at most a minute away.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);
  json runs;
  while (std::chrono::steady_clock::now() < deadline) {
    runs = api_->Get("/api/v1/tasks/" + id + "/runs").body["runs"];
    if (runs.size() >= 2 && runs[0]["status"] != "RUNNING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_GE(runs.size(), 2u) << runs.dump();
  EXPECT_EQ(runs[0]["trigger"], "schedule");
  EXPECT_EQ(runs[0]["status"], "DONE");
  EXPECT_EQ(runs[0]["objects_done"], 2) << "only the rewritten and the new object";
  EXPECT_EQ(*GetString(*dst, "k0"), "v2");
  EXPECT_EQ(api_->Post("/api/v1/tasks/" + id + "/stop", json::object()).status, 200);
}

TEST_F(ServeTest, StopMidRunThenStartAgainSendsNoPartTwice) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  ASSERT_TRUE(PutString(*src, "big", Bytes(30u << 20, 's')).ok());  // 6 parts
  auto proxy = testing::FaultServer::Start(env_.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule slow;
  slow.method = "PUT";
  slow.target_contains = "partNumber=";
  slow.times = -1;
  slow.action.kind = testing::FaultAction::kDelay;
  slow.action.delay = std::chrono::milliseconds(600);
  (*proxy)->AddRule(slow);
  json def = S3Task(*src, *dst, {{"destEndpoint", (*proxy)->endpoint()}, {"workerNumber", 1},
                                 {"partConcurrency", 1}, {"multipartThreshold", 5}, {"chunkSize", 5}});
  const std::string id = Create(def);
  for (int i = 0; i < 600 && (*proxy)->CountRequests("PUT", "partNumber=") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  testing::ApiAnswer stop = api_->Post("/api/v1/tasks/" + id + "/stop", json::object());
  ASSERT_EQ(stop.status, 200) << stop.text;
  EXPECT_EQ(stop.body["status"], "STOPPING");
  json stopped = api_->WaitFor(id, {"STOPPED"});
  ASSERT_EQ(stopped["status"], "STOPPED");
  EXPECT_FALSE(dst->Head("big").ok()) << "stopped before the object was complete";
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a held part lands
  const int before = (*proxy)->CountRequests("PUT", "partNumber=");
  (*proxy)->ClearRules();
  ASSERT_EQ(api_->Post("/api/v1/tasks/" + id + "/start", json::object()).status, 200);
  json done = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(done["status"], "DONE") << done.dump();
  EXPECT_EQ((*proxy)->CountRequests("PUT", "partNumber="), 6) << "before the restart: " << before;
  ExpectIdentical(*src, *dst);
}

TEST_F(ServeTest, FailedObjectsAreListedWithTheirReasonsAndRetriedOnceFixed) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  for (const char* key : {"a", "locked", "c"}) ASSERT_TRUE(PutString(*src, key, key).ok());
  auto proxy = testing::FaultServer::Start(env_.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule deny;
  deny.method = "GET";
  deny.target_contains = "/locked";
  deny.times = -1;
  deny.action.status = 403;
  deny.action.headers = {{"Content-Type", "application/xml"}};
  deny.action.body = "<Error><Code>AccessDenied</Code><Message>by the test</Message></Error>";
  (*proxy)->AddRule(deny);
  const std::string id = Create(S3Task(*src, *dst, json::object(), (*proxy)->endpoint()));
  json failed = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(failed["status"], "ERROR");
  EXPECT_NE(failed["error"].get<std::string>().find("locked"), std::string::npos) << failed.dump();
  json objects = api_->Get("/api/v1/tasks/" + id + "/objects?status=failed").body["objects"];
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["key"], "locked");
  EXPECT_NE(objects[0]["error"].get<std::string>().find("AccessDenied"), std::string::npos);
  EXPECT_TRUE(Logged(id, "locked: failed (no retry can help)")) << AllLogs(id);
  (*proxy)->ClearRules();  // the cause is fixed
  testing::ApiAnswer retry = api_->Post("/api/v1/tasks/" + id + "/objects/retry", {{"keys", {"locked"}}});
  ASSERT_EQ(retry.status, 200) << retry.text;
  json done = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(done["status"], "DONE") << done.dump();
  EXPECT_TRUE(api_->Get("/api/v1/tasks/" + id + "/objects?status=failed").body["objects"].empty());
  ExpectIdentical(*src, *dst);
}

TEST_F(ServeTest, KillNineOfTheServerMidRunThenARestartFinishesTheRun) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  ASSERT_TRUE(PutString(*src, "big", Bytes(30u << 20, 'k')).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(PutString(*src, "s" + std::to_string(i), "small").ok());
  auto proxy = testing::FaultServer::Start(env_.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule slow;
  slow.method = "PUT";
  slow.target_contains = "partNumber=";
  slow.times = -1;
  slow.action.kind = testing::FaultAction::kDelay;
  slow.action.delay = std::chrono::milliseconds(600);
  (*proxy)->AddRule(slow);
  const std::string id = Create(S3Task(*src, *dst, {{"destEndpoint", (*proxy)->endpoint()}, {"workerNumber", 2},
                                                    {"partConcurrency", 1}, {"multipartThreshold", 5},
                                                    {"chunkSize", 5}}));
  for (int i = 0; i < 600 && (*proxy)->CountRequests("PUT", "partNumber=") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const int64_t run_id = api_->Get("/api/v1/tasks/" + id).body["current_run_id"].get<int64_t>();
  hub_->Kill();
  (*proxy)->ClearRules();
  Restart();
  json done = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(done["status"], "DONE") << done.dump() << hub_->output();
  ExpectIdentical(*src, *dst);
  json run = api_->Get("/api/v1/tasks/" + id + "/runs/" + std::to_string(run_id)).body;
  EXPECT_EQ(run["status"], "DONE") << "the interrupted run itself finished: " << run.dump();
  EXPECT_TRUE(Logged(id, "resuming run")) << AllLogs(id);
}

TEST_F(ServeTest, TwoTasksWithDeletesAtOnceEachEndExactlyRight) {
  std::vector<std::unique_ptr<s3::S3Store>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(testing::MakeBucketStore(S3Server::kRgw));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(PutString(*stores[0], "one/" + std::to_string(i), Bytes(500 + i, '1')).ok());
    ASSERT_TRUE(PutString(*stores[2], "two/" + std::to_string(i), Bytes(700 + i, '2')).ok());
  }
  ASSERT_TRUE(PutString(*stores[1], "stale", "x").ok());
  ASSERT_TRUE(PutString(*stores[3], "stale", "y").ok());
  const std::string a = Create(S3Task(*stores[0], *stores[1], {{"delete", true}}));
  const std::string b = Create(S3Task(*stores[2], *stores[3], {{"delete", true}}));
  EXPECT_EQ(api_->WaitFor(a, {"DONE", "ERROR"})["status"], "DONE");
  EXPECT_EQ(api_->WaitFor(b, {"DONE", "ERROR"})["status"], "DONE");
  ExpectIdentical(*stores[0], *stores[1]);
  ExpectIdentical(*stores[2], *stores[3]);
}

TEST_F(ServeTest, EditCloneAndDeleteKeepTheCopiedData) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  ASSERT_TRUE(PutString(*src, "x", "1").ok());
  testing::ApiAnswer created = api_->Call("POST", "/api/v1/tasks?start=false", S3Task(*src, *dst).dump());
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["status"], "STOPPED");
  const std::string id = created.body["id"];
  testing::ApiAnswer edited = api_->Call("PATCH", "/api/v1/tasks/" + id, R"({"description": "edited"})");
  ASSERT_EQ(edited.status, 200) << edited.text;
  EXPECT_EQ(edited.body["description"], "edited");
  testing::ApiAnswer clone = api_->Post("/api/v1/tasks/" + id + "/clone", json::object());
  ASSERT_EQ(clone.status, 201) << clone.text;
  const std::string copy = clone.body["id"];
  ASSERT_EQ(api_->Post("/api/v1/tasks/" + copy + "/start", json::object()).status, 200);
  EXPECT_EQ(api_->WaitFor(copy, {"DONE", "ERROR"})["status"], "DONE");
  EXPECT_EQ(api_->Call("DELETE", "/api/v1/tasks/" + copy).status, 204);
  EXPECT_EQ(api_->Get("/api/v1/tasks/" + copy).status, 404);
  EXPECT_TRUE(dst->Head("x").ok()) << "deleting a task never deletes the data it copied";
  EXPECT_EQ(api_->Get("/api/v1/tasks/" + id).status, 200) << "the original stays";
}

TEST_F(ServeTest, AnImageTaskBetweenTheTestRegistriesReachesDoneWithIdenticalDigests) {
  testing::RegistryEnv basic, token;
  if (!testing::RequireRegistry(testing::Registry::kBasic, &basic) ||
      !testing::RequireRegistry(testing::Registry::kToken, &token)) {
    GTEST_SKIP() << "registries not available";
  }
  auto src = testing::MakeRegistryClient(testing::Registry::kBasic);
  const std::string repo = testing::UniqueRepo("hub");
  auto single = testing::PushImage(*src, repo, "v1", {testing::RandomBytes(3000), testing::RandomBytes(5000)});
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  auto multi = testing::PushIndex(*src, repo, "multi", {"linux/amd64", "linux/arm64"});
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  ASSERT_EQ(api_->Post("/api/v1/credentials", {{"name", "basic"}, {"kind", "registry"},
                                               {"value", {{"username", basic.user}, {"password", basic.password}}}})
                .status, 201);
  ASSERT_EQ(api_->Post("/api/v1/credentials", {{"name", "token"}, {"kind", "registry"},
                                               {"value", {{"username", token.user}, {"password", token.password}}}})
                .status, 201);
  json def = {{"type", "image"},
              {"schedule", "once"},
              {"parameters", {{"sourceType", "Public"}, {"srcRegistry", basic.url}, {"srcCredential", "basic"},
                              {"srcList", "SELECTED"}, {"srcImageList", repo + ":v1," + repo + ":multi"},
                              {"destRegistry", token.url}, {"destCredential", "token"},
                              {"destPrefix", "mirror"}}}};
  // Test connection first: the first image's tags at the source, the destination's /v2/.
  testing::ApiAnswer test = api_->Post("/api/v1/connections/test", def);
  ASSERT_EQ(test.status, 200) << test.text;
  EXPECT_EQ(test.body["source"]["ok"], true) << test.text;
  std::vector<std::string> tags = test.body["source"]["sample"];
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(tags, (std::vector<std::string>{repo + ":multi", repo + ":v1"})) << test.text;
  EXPECT_EQ(test.body["destination"]["ok"], true) << test.text;
  // A wrong password at the destination: that side says why.
  ASSERT_EQ(api_->Post("/api/v1/credentials", {{"name", "bad-token"}, {"kind", "registry"},
                                               {"value", {{"username", token.user}, {"password", "not-it"}}}})
                .status, 201);
  json bad = def;
  bad["parameters"]["destCredential"] = "bad-token";
  test = api_->Post("/api/v1/connections/test", bad);
  ASSERT_EQ(test.status, 200) << test.text;
  EXPECT_EQ(test.body["source"]["ok"], true) << test.text;
  EXPECT_EQ(test.body["destination"]["ok"], false) << test.text;
  EXPECT_FALSE(test.body["destination"]["error"].get<std::string>().empty()) << test.text;
  const std::string id = Create(def);
  json done = api_->WaitFor(id, {"DONE", "ERROR"});
  ASSERT_EQ(done["status"], "DONE") << done.dump();
  // The run's last line counts images (an image task deletes nothing).
  EXPECT_TRUE(Logged(id, "run " + std::to_string(done["last_run"]["id"].get<int64_t>()) + " done: 2 images (")) << AllLogs(id);
  EXPECT_EQ(AllLogs(id).find("deleted"), std::string::npos) << AllLogs(id);
  json images = api_->Get("/api/v1/tasks/" + id + "/images").body["images"];
  ASSERT_EQ(images.size(), 2u) << images.dump();
  for (const json& image : images) {
    EXPECT_EQ(image["status"], "copied") << image.dump();
    EXPECT_EQ(image["source_digest"], image["destination_digest"]) << image.dump();
  }
  auto dst = testing::MakeRegistryClient(testing::Registry::kToken);
  auto copied = dst->GetManifest("mirror/" + repo, "multi");
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->digest, multi->digest);
}

TEST_F(ServeTest, LiveEventsStreamProgressAndStatus) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  ASSERT_TRUE(PutString(*src, "x", "1").ok());
  testing::ApiAnswer created = api_->Call("POST", "/api/v1/tasks?start=false", S3Task(*src, *dst).dump());
  ASSERT_EQ(created.status, 201);
  const std::string id = created.body["id"];
  // Read the stream with curl for a few seconds while the task runs.
  std::string events;
  std::thread reader([&] {
    events = testing::RunProcess("/usr/bin/curl",
                                 {"-sN", "--max-time", "6", hub_->url() + "/api/v1/tasks/" + id +
                                                                "/events?access_token=" + api_->token()})
                 .out;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_EQ(api_->Post("/api/v1/tasks/" + id + "/start", json::object()).status, 200);
  reader.join();
  EXPECT_NE(events.find("event: status"), std::string::npos) << events;
  EXPECT_NE(events.find("\"status\":\"DONE\""), std::string::npos) << events;
  EXPECT_NE(events.find("event: log"), std::string::npos) << events;
}

}  // namespace
}  // namespace dth
