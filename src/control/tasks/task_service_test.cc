// TaskService and TaskRunner on the real SQLite control store, with tasks between local
// directories (no network): the lifecycle, schedules driven by Tick, logs, per-object
// records, edits, clones, deletes, and a restart that resumes an interrupted run.
#include "control/tasks/task_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "control/store/sqlite/sqlite_control_store.h"
#include "store/local/local_test_util.h"

namespace dth::control {
namespace {

namespace fs = std::filesystem;

class TaskServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = local_test::MakeTempDir();
    fs::create_directories(root_ + "/src/sub");
    fs::create_directories(root_ + "/data");
    Write("src/a.txt", "alpha");
    Write("src/sub/b.txt", "bravo");
    Open();
  }
  void TearDown() override { Close(); }
  void Open() {
    auto store = SqliteControlStore::Open(root_ + "/data/control.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    secrets_ = std::make_unique<SecretService>(*store_);
    HubOptions options;
    options.data_dir = root_ + "/data";
    options.allowed_local_roots = {root_ + "/src", root_ + "/dst"};
    options.progress_period = std::chrono::milliseconds(50);
    options.metrics_period = std::chrono::milliseconds(100);
    runner_ = std::make_unique<TaskRunner>(*store_, *secrets_, events_, nullptr, options);
    tasks_ = std::make_unique<TaskService>(*store_, *runner_, events_);
  }
  void Close() {
    tasks_.reset();
    if (runner_) runner_->Shutdown(std::chrono::seconds(30));
    runner_.reset();
    secrets_.reset();
    store_.reset();
  }
  void Write(const std::string& rel, const std::string& data) {
    std::ofstream(root_ + "/" + rel, std::ios::binary | std::ios::trunc) << data;
  }
  std::string Read(const std::string& rel) {
    std::ifstream in(root_ + "/" + rel, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string Body(const std::string& schedule = "once", const std::string& dst = "dst") {
    return R"({"type": "s3", "description": "local copy", "schedule": ")" + schedule +
           R"(", "parameters": {"source": ")" + root_ + R"(/src", "destination": ")" + root_ + "/" + dst +
           R"(", "workerNumber": 2}})";
  }
  // Waits until the task is no longer running and returns it.
  TaskRecord Settle(const std::string& id) {
    EXPECT_TRUE(runner_->Wait(id, std::chrono::seconds(60)));
    auto task = tasks_->Get(id);
    EXPECT_TRUE(task.ok());
    return task.ok() ? *task : TaskRecord{};
  }
  std::vector<std::string> Messages(const std::string& id) {
    LogQuery q;
    q.task_id = id;
    q.limit = 1000;
    std::vector<std::string> out;
    auto logs = store_->ListLogs(q);
    EXPECT_TRUE(logs.ok());
    if (logs.ok()) {
      for (const LogEntry& e : *logs) out.push_back(e.message);
    }
    return out;
  }
  bool Logged(const std::string& id, const std::string& words) {
    for (const std::string& m : Messages(id)) {
      if (m.find(words) != std::string::npos) return true;
    }
    return false;
  }

  std::string root_;
  EventHub events_;
  std::unique_ptr<ControlStore> store_;
  std::unique_ptr<SecretService> secrets_;
  std::unique_ptr<TaskRunner> runner_;
  std::unique_ptr<TaskService> tasks_;
};

TEST_F(TaskServiceTest, AOneTimeTaskRunsToDoneWithRecordsLogsAndMetrics) {
  std::vector<std::string> statuses;
  events_.Subscribe("", [&](const HubEvent& e) {
    if (e.type == "status") statuses.push_back(e.data);
  });
  auto created = tasks_->Create(Body(), /*start=*/true, nullptr);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->status, TaskStatus::kStarting);
  EXPECT_NE(created->current_run_id, 0);
  TaskRecord done = Settle(created->id);
  EXPECT_EQ(done.status, TaskStatus::kDone) << done.error;
  EXPECT_EQ(done.current_run_id, 0);
  EXPECT_EQ(done.next_run_at, TimePoint{}) << "a one-time task is not scheduled again";
  EXPECT_EQ(Read("dst/a.txt"), "alpha");
  EXPECT_EQ(Read("dst/sub/b.txt"), "bravo");
  auto runs = store_->ListRuns(done.id, 0, 10);
  ASSERT_TRUE(runs.ok() && runs->size() == 1u);
  EXPECT_EQ(runs->front().status, RunStatus::kDone);
  EXPECT_EQ(runs->front().totals.objects_done, 2);
  EXPECT_EQ(runs->front().totals.bytes_done, 10);
  auto objects = tasks_->Objects(done.id, ObjectQuery{});
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->records.size(), 2u);
  EXPECT_EQ(objects->records[0].status, ObjectStatus::kDone);
  auto sub = tasks_->Objects(done.id, ObjectQuery{"", std::nullopt, "", 100, "sub/"});
  ASSERT_TRUE(sub.ok());
  ASSERT_EQ(sub->records.size(), 1u);
  EXPECT_EQ(sub->records[0].key, "sub/b.txt");
  EXPECT_TRUE(Logged(done.id, "run 1 started (manual)"));
  EXPECT_TRUE(Logged(done.id, "plan of " + done.id + ": 2 objects to copy"));
  EXPECT_TRUE(Logged(done.id, "done: 2 objects (10 B) copied"));
  EXPECT_FALSE(Logged(done.id, "copied a.txt")) << "no line per successful object";
  MetricQuery mq;
  mq.task_id = done.id;
  mq.from = std::chrono::system_clock::now() - std::chrono::hours(1);
  mq.to = std::chrono::system_clock::now() + std::chrono::minutes(1);
  auto samples = store_->ListSamples(mq);
  ASSERT_TRUE(samples.ok());
  int64_t objects_done = 0;
  for (const MetricSample& s : *samples) objects_done += s.objects_done;
  EXPECT_EQ(objects_done, 2);
  EXPECT_FALSE(statuses.empty());
}

TEST_F(TaskServiceTest, LocalPathsOutsideTheAllowedRootsAreRefused) {
  auto created = tasks_->Create(
      R"({"type": "s3", "parameters": {"source": "/etc", "destination": ")" + root_ + R"(/dst"}})",
      true, nullptr);
  ASSERT_TRUE(created.ok());
  TaskRecord t = Settle(created->id);
  EXPECT_EQ(t.status, TaskStatus::kError);
  EXPECT_NE(t.error.find("outside the directories this server allows"), std::string::npos) << t.error;
  EXPECT_FALSE(fs::exists(root_ + "/dst"));
}

// A credential a task names must exist, and be of its side's kind, when the task is
// created or edited: a 400 naming the parameter, not a failed run later.
TEST_F(TaskServiceTest, CredentialsATaskNamesMustExist) {
  ASSERT_TRUE(secrets_->Create(R"({"name": "keys", "kind": "s3", "value": {"access_key_id": "AKID", "secret_access_key": "s"}})").ok());
  ASSERT_TRUE(secrets_->Create(R"({"name": "hub", "kind": "registry", "value": {"token": "t"}})").ok());
  auto s3 = [&](const std::string& extra) {
    return R"({"type": "s3", "parameters": {"srcBucket": "src-bucket", "destBucket": "dst-bucket")" + extra + "}}";
  };
  struct Case {
    std::string body, field;
  };
  for (const Case& c : {Case{s3(R"(, "srcCredentials": "nobody")"), "parameters.srcCredentials"},
                        Case{s3(R"(, "srcCredentials": "keys", "destCredentials": "nobody")"), "parameters.destCredentials"},
                        Case{s3(R"(, "destCredentials": "hub")"), "parameters.destCredentials"},  // a registry's
                        Case{R"({"type": "image", "parameters": {"srcRegistry": "127.0.0.1:1", "destRegistry": "127.0.0.1:2",
                               "srcImageList": "app:1", "srcCredential": "nobody"}})", "parameters.srcCredential"},
                        Case{R"({"type": "image", "parameters": {"srcRegistry": "127.0.0.1:1", "destRegistry": "127.0.0.1:2",
                               "srcImageList": "app:1", "destCredential": "keys"}})", "parameters.destCredential"}}) {
    auto created = tasks_->Create(c.body, /*start=*/false, nullptr);
    ASSERT_FALSE(created.ok()) << c.body;
    EXPECT_EQ(created.status().code(), Code::kInvalidArgument) << c.body;
    EXPECT_EQ(created.status().field(), c.field) << created.status().ToString();
  }
  auto task = tasks_->Create(s3(R"(, "srcCredentials": "keys")"), /*start=*/false, nullptr);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  auto image = tasks_->Create(R"({"type": "image", "parameters": {"srcRegistry": "127.0.0.1:1", "destRegistry": "127.0.0.1:2",
                                 "srcImageList": "app:1", "srcCredential": "hub"}})", /*start=*/false, nullptr);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  auto edited = tasks_->Edit(task->id, R"({"parameters": {"srcBucket": "src-bucket", "destBucket": "dst-bucket",
                                                           "destCredentials": "gone"}})", 0);
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.status().field(), "parameters.destCredentials") << edited.status().ToString();
  edited = tasks_->Edit(task->id, R"({"description": "still fine"})", 0);
  EXPECT_TRUE(edited.ok()) << edited.status().ToString();
}

TEST_F(TaskServiceTest, AScheduledTaskRunsAgainAndCopiesOnlyWhatChanged) {
  auto created = tasks_->Create(Body("rate(1 minute)"), true, nullptr);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  TaskRecord first = Settle(created->id);
  ASSERT_EQ(first.status, TaskStatus::kDone) << first.error;
  ASSERT_NE(first.next_run_at, TimePoint{});
  EXPECT_LE(first.next_run_at - first.created_at, std::chrono::seconds(61));
  Write("src/a.txt", "ALPHA");  // same size: the record tells
  Write("src/c.txt", "charlie");
  tasks_->Tick(first.next_run_at - std::chrono::seconds(1));
  EXPECT_FALSE(runner_->Running(first.id)) << "not due yet";
  tasks_->Tick(first.next_run_at);
  TaskRecord second = Settle(first.id);
  EXPECT_EQ(second.status, TaskStatus::kDone) << second.error;
  EXPECT_EQ(second.next_run_at - first.next_run_at, std::chrono::minutes(1)) << "on the grid";
  auto runs = store_->ListRuns(first.id, 0, 10);
  ASSERT_TRUE(runs.ok() && runs->size() == 2u);
  EXPECT_EQ(runs->front().trigger, "schedule");
  EXPECT_EQ(runs->front().totals.objects_done, 2) << "a.txt (rewritten) and c.txt";
  EXPECT_EQ(Read("dst/a.txt"), "ALPHA");
  // Stopped, the schedule waits; started, it runs now and follows the schedule again.
  auto stopped = tasks_->Stop(first.id);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->status, TaskStatus::kStopped);
  EXPECT_EQ(stopped->next_run_at, TimePoint{});
  tasks_->Tick(second.next_run_at + std::chrono::hours(1));
  EXPECT_FALSE(runner_->Running(first.id));
  ASSERT_TRUE(tasks_->Start(first.id).ok());
  EXPECT_EQ(Settle(first.id).status, TaskStatus::kDone);
}

TEST_F(TaskServiceTest, EditCloneAndDelete) {
  auto created = tasks_->Create(Body(), /*start=*/false, nullptr);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, TaskStatus::kStopped);
  auto edited = tasks_->Edit(created->id, R"J({"description": "renamed", "schedule": "rate(2 hours)"})J", 0);
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->description, "renamed");
  EXPECT_EQ(edited->schedule, "rate(2 hours)");
  EXPECT_EQ(edited->revision, created->revision + 1);
  auto stale = tasks_->Edit(created->id, R"({"description": "x"})", created->revision);
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed);
  auto bad = tasks_->Edit(created->id, R"J({"schedule": "cron(nonsense)"})J", 0);
  EXPECT_EQ(bad.status().field(), "schedule");
  auto clone = tasks_->Clone(created->id);
  ASSERT_TRUE(clone.ok());
  EXPECT_NE(clone->id, created->id);
  EXPECT_EQ(clone->parameters, edited->parameters);
  EXPECT_EQ(clone->description, "copy of renamed");
  ASSERT_TRUE(tasks_->Start(clone->id).ok());
  EXPECT_EQ(Settle(clone->id).status, TaskStatus::kDone);
  EXPECT_TRUE(fs::exists(runner_->StatePath(clone->id)));
  ASSERT_TRUE(tasks_->Delete(clone->id).ok());
  EXPECT_FALSE(fs::exists(runner_->TaskDir(clone->id))) << "its state is gone";
  EXPECT_EQ(Read("dst/a.txt"), "alpha") << "the data it copied stays";
  EXPECT_EQ(tasks_->Get(clone->id).status().code(), Code::kNotFound);
  EXPECT_EQ(tasks_->Delete(clone->id).code(), Code::kNotFound);
}

TEST_F(TaskServiceTest, ARunInterruptedByARestartResumesAndFinishes) {
  auto created = tasks_->Create(Body(), /*start=*/false, nullptr);
  ASSERT_TRUE(created.ok());
  // What kill -9 leaves: the task IN_PROGRESS with its run still RUNNING.
  auto run = store_->StartRun(created->id, "manual");
  ASSERT_TRUE(run.ok());
  TaskRecord t = *created;
  t.status = TaskStatus::kInProgress;
  t.current_run_id = run->id;
  ASSERT_TRUE(store_->UpdateTask(t, 0).ok());
  Close();
  Open();
  ASSERT_TRUE(tasks_->Recover().ok());
  TaskRecord done = Settle(created->id);
  EXPECT_EQ(done.status, TaskStatus::kDone) << done.error;
  auto finished = store_->GetRun(run->id);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished->status, RunStatus::kDone) << "the same run finished";
  EXPECT_EQ(Read("dst/sub/b.txt"), "bravo");
  EXPECT_TRUE(Logged(created->id, "resuming run"));
}

TEST_F(TaskServiceTest, RetryingChosenKeysCopiesOnlyThose) {
  auto created = tasks_->Create(Body(), true, nullptr);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(Settle(created->id).status, TaskStatus::kDone);
  fs::remove(root_ + "/dst/a.txt");
  fs::remove(root_ + "/dst/sub/b.txt");
  auto retried = tasks_->Retry(created->id, {"a.txt"});
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(Settle(created->id).status, TaskStatus::kDone);
  EXPECT_EQ(Read("dst/a.txt"), "alpha");
  EXPECT_FALSE(fs::exists(root_ + "/dst/sub/b.txt")) << "only the chosen key";
  EXPECT_EQ(tasks_->Retry(created->id, {"no/such/key"}).status().field(), "keys");
}

}  // namespace
}  // namespace dth::control
