// `dth task` as operators use it: the dth binary against a real `dth serve` process —
// create from a YAML file, JSON on stdin, or flags; list, get, stop/start, clone, logs
// (also --follow), objects, delete; a bad definition is exit 1 with the field at fault;
// no token says to sign in; an unreachable hub is one line; login prints a token (the
// password from $DTH_PASSWORD or stdin, never from argv); edit of a stopped task (and
// its refusals); an S3 task on RGW.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "image_registries.h"
#include "integration/hub_process.h"
#include "integration/run_process.h"
#include "integration/s3_servers.h"
#include "testing/fault_server.h"
#include "sync_fixture.h"

namespace dth {
namespace {

using json = nlohmann::json;
using testing::ProcessResult;
using namespace sync_it;  // NOLINT: MakeTempDir, Bytes

class TaskCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("dth-task-cli");
    fs::create_directories(dir_ / "src" / "sub");
    std::ofstream(dir_ / "src" / "a.txt") << "alpha";
    std::ofstream(dir_ / "src" / "sub" / "b.bin") << Bytes(100000, 'b');
    hub_ = std::make_unique<testing::HubProcess>((dir_ / "data").string(),
                                                 std::vector<std::string>{"--allow-local-root", dir_.string()});
    ASSERT_TRUE(hub_->Start());
    api_ = std::make_unique<testing::HubClient>(hub_->url());
    ASSERT_TRUE(api_->Login("admin", hub_->password()));
  }
  void TearDown() override {
    hub_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // dth task ARGS against the hub, with the admin's token unless `env` says otherwise.
  ProcessResult Task(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::map<std::string, std::string> e = {{"DTH_SERVER", hub_->url()}, {"DTH_TOKEN", api_->token()},
                                            {"DTH_PASSWORD", ""}};
    for (auto& [k, v] : env) e[k] = v;
    args.insert(args.begin(), "task");
    ProcessResult r = testing::RunProcess(DTH_BIN_PATH, args, e, 120);
    EXPECT_EQ(r.signal, 0) << r.err;
    return r;
  }
  // A shell pipeline: `printf INPUT | dth task ARGS`.
  ProcessResult Piped(const std::string& input, const std::string& args, std::map<std::string, std::string> env = {}) {
    std::map<std::string, std::string> e = {{"DTH_SERVER", hub_->url()}, {"DTH_TOKEN", api_->token()},
                                            {"DTH_PASSWORD", ""}, {"INPUT", input}};
    for (auto& [k, v] : env) e[k] = v;
    return testing::RunProcess("/bin/sh", {"-c", "printf '%s' \"$INPUT\" | \"$0\" task " + args, DTH_BIN_PATH}, e);
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string LocalYaml(const std::string& dst, const std::string& schedule = "once") {
    return "type: s3\ndescription: local copy\nschedule: " + schedule + "\nparameters:\n  source: " +
           (dir_ / "src").string() + "\n  destination: " + (dir_ / dst).string() + "\n  workerNumber: 2\n";
  }
  static std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }
  static void ExpectOneLineError(const ProcessResult& r, int code, const std::string& fragment) {
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    EXPECT_EQ(r.err.rfind("dth: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  }
  std::string StatusOf(const std::string& id) {
    ProcessResult r = Task({"get", id, "--json"});
    json j = json::parse(r.out, nullptr, false);
    return j.is_object() ? j.value("status", "") : "";
  }

  fs::path dir_;
  std::unique_ptr<testing::HubProcess> hub_;
  std::unique_ptr<testing::HubClient> api_;
};

TEST_F(TaskCliTest, CreateFromAFileListGetLogsObjectsDelete) {
  const std::string file = WriteFile("task.yaml", LocalYaml("dst"));
  ProcessResult created = Task({"create", "--file", file, "--wait"});
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  const std::string id = FirstLine(created.out);
  ASSERT_FALSE(id.empty());
  EXPECT_NE(created.err.find("DONE"), std::string::npos) << created.err;
  std::ifstream copied(dir_ / "dst" / "a.txt");
  std::string text;
  copied >> text;
  EXPECT_EQ(text, "alpha");

  ProcessResult list = Task({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.rfind("ID", 0), 0u) << list.out;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("DONE"), std::string::npos) << list.out;
  ProcessResult list_json = Task({"list", "--json"});
  json tasks = json::parse(list_json.out, nullptr, false);
  ASSERT_TRUE(tasks.is_object()) << list_json.out;
  ASSERT_EQ(tasks["tasks"].size(), 1u);
  EXPECT_EQ(tasks["tasks"][0]["id"], id);

  ProcessResult get = Task({"get", id});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.out.find("status:       DONE"), std::string::npos) << get.out;
  EXPECT_NE(get.out.find("description:  local copy"), std::string::npos) << get.out;
  EXPECT_NE(get.out.find("last run:     #"), std::string::npos) << get.out;
  EXPECT_NE(get.out.find(" DONE, 2/2 objects, "), std::string::npos) << get.out;

  ProcessResult logs = Task({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("INFO"), std::string::npos) << logs.out;
  // --follow ends by itself once the task has ended, with the same entries.
  ProcessResult follow = Task({"logs", id, "--follow"});
  ASSERT_EQ(follow.exit_code, 0) << follow.err;
  EXPECT_EQ(follow.out, logs.out);
  ProcessResult logs_json = Task({"logs", id, "--json"});
  EXPECT_TRUE(json::parse(FirstLine(logs_json.out), nullptr, false).contains("message")) << logs_json.out;

  ProcessResult objects = Task({"objects", id});
  ASSERT_EQ(objects.exit_code, 0) << objects.err;
  ExpectOneLineError(Task({"images", id}), 2, "dth task objects " + id);
  EXPECT_NE(objects.out.find("sub/b.bin"), std::string::npos) << objects.out;
  EXPECT_NE(objects.out.find("done"), std::string::npos) << objects.out;
  ProcessResult failed = Task({"objects", id, "--status", "failed", "--json"});
  ASSERT_EQ(failed.exit_code, 0) << failed.err;
  EXPECT_TRUE(json::parse(failed.out)["objects"].empty()) << failed.out;

  ProcessResult deleted = Task({"delete", id});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(api_->Get("/api/v1/tasks/" + id).status, 404);
  ExpectOneLineError(Task({"get", id}), 1, id);
  EXPECT_TRUE(fs::exists(dir_ / "dst" / "a.txt"));  // delete never removes copied data
}

TEST_F(TaskCliTest, FlagsAndStdinStopStartClone) {
  // From flags, created stopped.
  ProcessResult created = Task({"create", "--type", "s3", "--description", "from flags", "--stopped", "--param",
                                "source=" + (dir_ / "src").string(), "-p", "destination=" + (dir_ / "dst2").string()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = FirstLine(created.out);
  EXPECT_EQ(StatusOf(id), "STOPPED");
  EXPECT_FALSE(fs::exists(dir_ / "dst2" / "a.txt"));
  ProcessResult stop = Task({"stop", id});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(stop.out, "task " + id + ": STOPPED\n");
  ProcessResult start = Task({"start", id});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_EQ(start.out.rfind("task " + id + ": ", 0), 0u) << start.out;
  json done = api_->WaitFor(id, {"DONE", "ERROR"});
  EXPECT_EQ(done.value("status", ""), "DONE") << done.dump();
  EXPECT_TRUE(fs::exists(dir_ / "dst2" / "a.txt"));

  ProcessResult clone = Task({"clone", id});
  ASSERT_EQ(clone.exit_code, 0) << clone.err;
  const std::string copy = FirstLine(clone.out);
  EXPECT_NE(copy, id);
  EXPECT_EQ(StatusOf(copy), "STOPPED");

  // JSON on stdin, with the flags laid over it.
  const json def = {{"type", "s3"}, {"schedule", "rate(1 day)"},
                    {"parameters", {{"source", (dir_ / "src").string()}, {"destination", "overridden"}}}};
  ProcessResult piped = Piped(def.dump(), "create --file - --stopped --json --param destination=" +
                                              (dir_ / "dst3").string());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  json task = json::parse(piped.out, nullptr, false);
  ASSERT_TRUE(task.is_object()) << piped.out;
  EXPECT_EQ(task["schedule"], "rate(1 day)");
  EXPECT_EQ(task["parameters"]["destination"], (dir_ / "dst3").string());
  EXPECT_EQ(Task({"list", "--json"}).out.find("overridden"), std::string::npos);
}

TEST_F(TaskCliTest, BadInputIsOneLineWithTheField) {
  // The hub's validation: exit 1, the detail and the field.
  const std::string bad = WriteFile(
      "bad.json", R"({"type":"s3","schedule":"once","parameters":{"source":")" + (dir_ / "src").string() +
                      R"(","destination":")" + (dir_ / "d").string() + R"(","workerNumber":"many"}})");
  ExpectOneLineError(Task({"create", "-f", bad}), 1, "(field parameters.workerNumber)");
  ExpectOneLineError(Task({"create", "-f", WriteFile("cron.yaml", LocalYaml("d", "'cron(0 12 * * * *)'"))}), 1,
                     "(field schedule)");
  EXPECT_EQ(api_->Get("/api/v1/tasks").body["tasks"].size(), 0u);
  // A local directory outside the allowed roots is refused when the task runs: --wait
  // says so, exit 1.
  ProcessResult outside = Task({"create", "--wait", "--type", "s3", "-p", "source=/etc", "-p",
                                "destination=" + (dir_ / "d").string()});
  EXPECT_EQ(outside.exit_code, 1) << outside.err;
  EXPECT_NE(outside.err.find("dth: error: task "), std::string::npos) << outside.err;
  EXPECT_NE(outside.err.find("outside the directories"), std::string::npos) << outside.err;
  // Local usage errors: exit 2, nothing sent.
  ExpectOneLineError(Task({"create", "-f", (dir_ / "missing.yaml").string()}), 2, "missing.yaml");
  ExpectOneLineError(Task({"create", "-f", WriteFile("broken.json", "{\"type\": ")}), 2, "not valid JSON");
  ExpectOneLineError(Task({"create"}), 2, "--file");
  ExpectOneLineError(Task({"create", "--type", "s3", "-p", "novalue"}), 2, "KEY=VALUE");
  EXPECT_EQ(Task({"create", "--type", "ftp"}).exit_code, 2);
  EXPECT_EQ(Task({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Task({"get"}).exit_code, 2);
  ExpectOneLineError(Task({"get", "t-000000000000"}), 1, "t-000000000000");
}

TEST_F(TaskCliTest, EditAStoppedTaskWithTheFlagsOfCreate) {
  ProcessResult created = Task({"create", "--type", "s3", "--description", "before", "--stopped", "-p",
                                "source=" + (dir_ / "src").string(), "-p", "destination=" + (dir_ / "old").string(),
                                "-p", "workerNumber=2"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = FirstLine(created.out);
  auto get = [&] { return json::parse(Task({"get", id, "--json"}).out, nullptr, false); };
  const int64_t revision = get().value("revision", int64_t{0});

  // Flags: replace description and schedule, set one parameter, remove another; the rest stays.
  ProcessResult edited = Task({"edit", id, "--description", "after", "--schedule", "rate(1 day)", "-p",
                               "destination=" + (dir_ / "new").string(), "--unset", "workerNumber"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(edited.out, "task " + id + " edited (revision " + std::to_string(revision + 1) + ")\n");
  json task = get();
  EXPECT_EQ(task["description"], "after");
  EXPECT_EQ(task["schedule"], "rate(1 day)");
  EXPECT_EQ(task["status"], "STOPPED");
  EXPECT_EQ(task["parameters"]["source"], (dir_ / "src").string());
  EXPECT_EQ(task["parameters"]["destination"], (dir_ / "new").string());
  EXPECT_FALSE(task["parameters"].contains("workerNumber")) << task.dump();
  // From a file (JSON on stdin), --json prints the task; the same change again changes nothing.
  ProcessResult piped = Piped(R"({"schedule": "once", "description": "from stdin"})", "edit " + id + " -f - --json");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(json::parse(piped.out, nullptr, false).value("description", ""), "from stdin") << piped.out;
  ProcessResult same = Task({"edit", id, "--description", "from stdin"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out.rfind("task " + id + " unchanged", 0), 0u) << same.out;
  // The edit is what runs.
  ASSERT_EQ(Task({"start", id}).exit_code, 0);
  EXPECT_EQ(api_->WaitFor(id, {"DONE", "ERROR"}).value("status", ""), "DONE");
  EXPECT_TRUE(fs::exists(dir_ / "new" / "a.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "old"));

  // Bad values: the hub's reason and field, nothing changed.
  ExpectOneLineError(Task({"edit", id, "--schedule", "rate(0 minutes)"}), 1, "(field schedule)");
  ExpectOneLineError(Task({"edit", id, "-p", "workerNumber=many"}), 1, "(field parameters.workerNumber)");
  ExpectOneLineError(Task({"edit", id, "-p", "srcCredentials=nobody"}), 1, "(field parameters.srcCredentials)");
  ExpectOneLineError(Task({"edit", id, "--type", "image"}), 1, "(field type)");
  EXPECT_EQ(get()["description"], "from stdin");
  // Usage: exit 2, nothing sent.
  ExpectOneLineError(Task({"edit", id}), 2, "nothing to change");
  ExpectOneLineError(Task({"edit", id, "-p", "novalue"}), 2, "KEY=VALUE");
  ExpectOneLineError(Task({"edit", id, "--unset", "nothing"}), 2, "no parameter 'nothing'");
  ExpectOneLineError(Task({"edit", id, "-f", WriteFile("extra.json", R"({"id": "t-1"})")}), 2, "'id' cannot be edited");
  EXPECT_EQ(Task({"edit"}).exit_code, 2);
  // An unknown task.
  ExpectOneLineError(Task({"edit", "t-000000000000", "--description", "x"}), 1, "t-000000000000");

  // A running task: its source stalls, so it stays running while we try.
  auto stalled = testing::FaultServer::Start();
  ASSERT_TRUE(stalled.ok());
  testing::FaultRule slow;
  slow.times = -1;
  slow.action.kind = testing::FaultAction::kDelay;
  slow.action.delay = std::chrono::seconds(60);
  (*stalled)->AddRule(slow);
  ProcessResult running = Task({"create", "--type", "s3", "-p", "srcEndpoint=" + (*stalled)->endpoint(), "-p",
                                "srcBucket=stalled-bucket", "-p", "destination=" + (dir_ / "never").string()});
  ASSERT_EQ(running.exit_code, 0) << running.err;
  const std::string busy = FirstLine(running.out);
  ExpectOneLineError(Task({"edit", busy, "--description", "x"}), 1, "stop it first (`dth task stop " + busy + "`)");
  // The hub refuses too (409) when the client's look is stale.
  testing::ApiAnswer refused = api_->Call("PATCH", "/api/v1/tasks/" + busy, R"({"description": "x"})");
  EXPECT_EQ(refused.status, 409) << refused.text;
  stalled->reset();  // its pending answers end: the run fails and the hub stops at once
}

TEST_F(TaskCliTest, TokensSignInAndUnreachableHubs) {
  ExpectOneLineError(Task({"list"}, {{"DTH_TOKEN", ""}}), 1, "not signed in: run `dth task login");
  ExpectOneLineError(Task({"list"}, {{"DTH_TOKEN", "not-a-token"}}), 1, "sign in again");
  ExpectOneLineError(Task({"list", "--server", "http://127.0.0.1:1"}), 1, "cannot reach the hub at http://127.0.0.1:1");
  ExpectOneLineError(Task({"--server", "http://127.0.0.1:1", "get", "t-1"}), 1, "cannot reach the hub at http://127.0.0.1:1");

  // login: the password from $DTH_PASSWORD, or stdin; the token works.
  ProcessResult login = Task({"login", "--username", "admin"}, {{"DTH_TOKEN", ""}, {"DTH_PASSWORD", hub_->password()}});
  ASSERT_EQ(login.exit_code, 0) << login.err;
  const std::string token = FirstLine(login.out);
  EXPECT_EQ(login.out, token + "\n");
  EXPECT_EQ(login.err.find(hub_->password()), std::string::npos);
  EXPECT_EQ(Task({"list"}, {{"DTH_TOKEN", token}}).exit_code, 0);
  ProcessResult piped = Piped(hub_->password() + "\n", "login -u admin", {{"DTH_TOKEN", ""}});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(Task({"list"}, {{"DTH_TOKEN", FirstLine(piped.out)}}).exit_code, 0);
  ProcessResult wrong = Piped("not the password\n", "login -u admin", {{"DTH_TOKEN", ""}});
  ExpectOneLineError(wrong, 1, "sign-in failed for user admin");
  EXPECT_EQ(wrong.out, "");
  ExpectOneLineError(Piped("", "login -u admin", {{"DTH_TOKEN", ""}}), 2, "no password");
}

TEST_F(TaskCliTest, AnS3TaskOnRgw) {
  testing::ServerEnv env;
  if (!testing::RequireServer(testing::S3Server::kRgw, &env)) GTEST_SKIP() << "RGW not available";
  ASSERT_EQ(api_->Post("/api/v1/credentials", {{"name", "rgw"}, {"kind", "s3"},
                                               {"value", {{"access_key_id", env.access_key},
                                                          {"secret_access_key", env.secret_key}}}})
                .status,
            201);
  auto src = testing::MakeBucketStore(testing::S3Server::kRgw);
  auto dst = testing::MakeBucketStore(testing::S3Server::kRgw);
  ASSERT_TRUE(src && dst);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(PutString(*src, "k/" + std::to_string(i), Bytes(1000 + i, 'k')).ok());
  }
  const std::string src_bucket = src->client().config().bucket, dst_bucket = dst->client().config().bucket;
  ProcessResult created = Task({"create", "--type", "s3", "--wait", "--description", "rgw copy",
                                "-p", "srcEndpoint=" + env.endpoint, "-p", "srcBucket=" + src_bucket,
                                "-p", "srcCredentials=rgw", "-p", "destEndpoint=" + env.endpoint,
                                "-p", "destBucket=" + dst_bucket, "-p", "destCredentials=rgw"});
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  const std::string id = FirstLine(created.out);
  ExpectIdentical(*src, *dst);
  ProcessResult objects = Task({"objects", id, "--status", "done", "--limit", "2", "--all"});
  ASSERT_EQ(objects.exit_code, 0) << objects.err;
  EXPECT_EQ(std::count(objects.out.begin(), objects.out.end(), '\n'), 6) << objects.out;  // header + 5
  ProcessResult bad = Task({"create", "--type", "s3", "-p", "srcEndpoint=" + env.endpoint, "-p",
                            "srcBucket=" + src_bucket, "-p", "destBucket=Not A Bucket"});
  ExpectOneLineError(bad, 1, "(field parameters.destBucket)");
  for (const ProcessResult& r : {created, objects, bad}) {
    EXPECT_EQ(r.out.find(env.secret_key), std::string::npos);
    EXPECT_EQ(r.err.find(env.secret_key), std::string::npos);
  }
}

TEST_F(TaskCliTest, AnImageTaskListsItsImages) {
  testing::RegistryEnv basic, token;
  if (!testing::RequireRegistry(testing::Registry::kBasic, &basic) ||
      !testing::RequireRegistry(testing::Registry::kToken, &token)) {
    GTEST_SKIP() << "registries not available";
  }
  auto src = testing::MakeRegistryClient(testing::Registry::kBasic);
  const std::string repo = testing::UniqueRepo("cli");
  auto pushed = testing::PushImage(*src, repo, "v1", {testing::RandomBytes(2000)});
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  for (const auto& [name, env] : {std::pair{"basic", basic}, std::pair{"token", token}}) {
    ASSERT_EQ(api_->Post("/api/v1/credentials", {{"name", name}, {"kind", "registry"},
                                                 {"value", {{"username", env.user}, {"password", env.password}}}})
                  .status,
              201);
  }
  ProcessResult created = Task({"create", "--type", "image", "--wait", "-p", "srcRegistry=" + basic.url,
                                "-p", "srcCredential=basic", "-p", "srcList=SELECTED", "-p",
                                "srcImageList=" + repo + ":v1", "-p", "destRegistry=" + token.url, "-p",
                                "destCredential=token"});
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  const std::string id = FirstLine(created.out);
  ProcessResult images = Task({"images", id});
  ASSERT_EQ(images.exit_code, 0) << images.err;
  EXPECT_EQ(images.out.rfind("STATUS", 0), 0u) << images.out;
  EXPECT_NE(images.out.find("copied  " + repo + ":v1"), std::string::npos) << images.out;
  EXPECT_NE(images.out.find(pushed->digest), std::string::npos) << images.out;
  ProcessResult as_json = Task({"images", id, "--json"});
  json j = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << as_json.out;
  ASSERT_EQ(j["images"].size(), 1u) << as_json.out;
  EXPECT_EQ(j["images"][0]["destination_digest"], pushed->digest);
  // `objects` of an image task points to `images`.
  ExpectOneLineError(Task({"objects", id}), 2, "dth task images " + id);
  for (const ProcessResult& r : {created, images, as_json}) {
    EXPECT_EQ(r.out.find(basic.password), std::string::npos);
    EXPECT_EQ(r.err.find(token.password), std::string::npos);
  }
}

}  // namespace
}  // namespace dth
