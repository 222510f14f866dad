// ControlConformance fixture and the task cases: round trips, revisions, deletes that
// cascade, due tasks, tasks by status. Listing: control_conformance_list_suite.cc.
#include "control/store/conformance/control_conformance.h"

#include <algorithm>
#include <atomic>
#include <regex>
#include <set>
#include <thread>

namespace dth::control {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ControlConformance);

using std::chrono::milliseconds;
using std::chrono::minutes;

std::string ControlTargetName(const ::testing::TestParamInfo<ControlTarget>& info) {
  return info.param.name;
}

void PrintTo(const ControlTarget& target, std::ostream* os) { *os << target.name; }

void ControlConformance::SetUp() {
  handles_ = GetParam().make(&clock_);
  if (!handles_.store) GTEST_SKIP() << "control backend " << GetParam().name << " not available";
}

void ControlConformance::TearDown() {
  handles_.peer.reset();
  handles_.store.reset();
  if (handles_.cleanup) handles_.cleanup();
}

TaskRecord ControlConformance::Task(const std::string& description, const std::string& type,
                                    TaskStatus status) {
  TaskRecord t;
  t.type = type;
  t.description = description;
  t.schedule = "rate(5 minutes)";
  t.parameters = R"({"src":"s3://a/","dst":"s3://b/"})";
  t.status = status;
  return t;
}

TaskRecord ControlConformance::MustCreate(const TaskRecord& task) {
  auto created = store().CreateTask(task);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? *created : TaskRecord{};
}

std::vector<TaskRecord> ControlConformance::ListAll(TaskQuery query) {
  std::vector<TaskRecord> all;
  for (int pages = 0; pages < 100000; ++pages) {
    auto page = store().ListTasks(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    EXPECT_LE(static_cast<int>(page->tasks.size()), query.limit);
    if (!page->next_cursor.empty()) {
      EXPECT_EQ(static_cast<int>(page->tasks.size()), query.limit) << "a short page with a cursor";
    }
    all.insert(all.end(), page->tasks.begin(), page->tasks.end());
    if (page->next_cursor.empty()) break;
    query.cursor = page->next_cursor;
  }
  return all;
}

std::vector<std::string> Ids(const std::vector<TaskRecord>& tasks) {
  std::vector<std::string> ids;
  for (const TaskRecord& t : tasks) ids.push_back(t.id);
  return ids;
}

TEST_P(ControlConformance, CreateFillsIdRevisionAndTimes) {
  TaskRecord in = Task("nightly copy");
  in.id = "t-ignoredbythestore";
  in.revision = 42;
  in.error = "last run failed";
  in.current_run_id = 7;
  in.next_run_at = clock_.Now() + minutes(5);
  in.created_at = clock_.Now() - minutes(60);
  TaskRecord created = MustCreate(in);
  EXPECT_TRUE(std::regex_match(created.id, std::regex("t-[0-9a-f]{12}"))) << created.id;
  EXPECT_EQ(created.revision, 1);
  EXPECT_EQ(created.created_at, clock_.Now());
  EXPECT_EQ(created.updated_at, clock_.Now());
  TaskRecord expected = in;
  expected.id = created.id;
  expected.revision = 1;
  expected.created_at = expected.updated_at = clock_.Now();
  EXPECT_EQ(created, expected);
  auto got = peer().GetTask(created.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, created);
  EXPECT_EQ(store().GetTask("t-000000000000").status().code(), Code::kNotFound);

  std::set<std::string> ids{created.id};
  for (int i = 0; i < 200; ++i) ids.insert(MustCreate(Task("more")).id);
  EXPECT_EQ(ids.size(), 201u);
}

TEST_P(ControlConformance, UpdateReplacesFieldsAndChecksTheRevision) {
  TaskRecord created = MustCreate(Task("before"));
  clock_.Advance(milliseconds(1500));
  TaskRecord change = created;
  change.type = "image";
  change.description = "after";
  change.schedule = "cron(0 12 * * ? *)";
  change.parameters = R"({"images":["a:1"]})";
  change.status = TaskStatus::kInProgress;
  change.error = "";
  change.current_run_id = 12;
  change.next_run_at = clock_.Now() + minutes(1);
  change.created_at = clock_.Now() + minutes(99);  // not the store's to change
  auto updated = store().UpdateTask(change, 1);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  TaskRecord expected = change;
  expected.created_at = created.created_at;
  expected.updated_at = clock_.Now();
  expected.revision = 2;
  EXPECT_EQ(*updated, expected);
  auto got = peer().GetTask(created.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, expected);

  // A writer that read revision 1 loses; the stored task is unchanged.
  TaskRecord stale = created;
  stale.description = "stale";
  auto lost = peer().UpdateTask(stale, 1);
  EXPECT_EQ(lost.status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(store().GetTask(created.id)->description, "after");
  // expected_revision 0: no check.
  auto forced = peer().UpdateTask(stale, 0);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->revision, 3);
  EXPECT_EQ(store().GetTask(created.id)->description, "stale");

  TaskRecord missing = Task("missing");
  missing.id = "t-0123456789ab";
  EXPECT_EQ(store().UpdateTask(missing, 0).status().code(), Code::kNotFound);
  EXPECT_EQ(store().UpdateTask(missing, 1).status().code(), Code::kNotFound);
}

TEST_P(ControlConformance, OfTwoConcurrentUpdatersExactlyOneWins) {
  TaskRecord task = MustCreate(Task("contended"));
  for (int round = 0; round < 20; ++round) {
    auto read = store().GetTask(task.id);
    ASSERT_TRUE(read.ok());
    std::atomic<int> wins{0}, conflicts{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
      writers.emplace_back([&, w] {
        TaskRecord change = *read;
        change.description = "writer " + std::to_string(w);
        auto result = (w == 0 ? store() : peer()).UpdateTask(change, read->revision);
        if (result.ok()) {
          ++wins;
        } else if (result.status().code() == Code::kPreconditionFailed) {
          ++conflicts;
        } else {
          ADD_FAILURE() << result.status().ToString();
        }
      });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 1) << "round " << round;
    EXPECT_EQ(store().GetTask(task.id)->revision, read->revision + 1);
  }
}

TEST_P(ControlConformance, DeleteTaskRemovesItsRunsSamplesAndLogs) {
  TaskRecord doomed = MustCreate(Task("doomed"));
  TaskRecord kept = MustCreate(Task("kept"));
  std::vector<int64_t> doomed_runs;
  int64_t kept_run = 0;
  for (const TaskRecord* t : {&doomed, &kept}) {
    for (int i = 0; i < 3; ++i) {
      auto run = store().StartRun(t->id, "manual");
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      if (t == &doomed) {
        doomed_runs.push_back(run->id);
      } else {
        kept_run = run->id;
      }
      ASSERT_TRUE(store().AppendLog({0, t->id, run->id, clock_.Now(), LogLevel::kInfo, "m"}).ok());
    }
    MetricSample s;
    s.task_id = t->id;
    s.minute = clock_.Now();
    s.bytes = 10;
    ASSERT_TRUE(store().AddSamples({s}).ok());
  }
  ASSERT_TRUE(peer().DeleteTask(doomed.id).ok());
  EXPECT_EQ(store().GetTask(doomed.id).status().code(), Code::kNotFound);
  for (int64_t id : doomed_runs) EXPECT_EQ(store().GetRun(id).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListRuns(doomed.id, 0, 100)->empty());
  MetricQuery mq{doomed.id, clock_.Now() - minutes(1), clock_.Now() + minutes(1), 60};
  EXPECT_TRUE(store().ListSamples(mq)->empty());
  LogQuery lq;
  lq.task_id = doomed.id;
  EXPECT_TRUE(store().ListLogs(lq)->empty());
  EXPECT_EQ(store().DeleteTask(doomed.id).code(), Code::kNotFound);

  EXPECT_TRUE(store().GetTask(kept.id).ok());
  EXPECT_TRUE(store().GetRun(kept_run).ok());
  EXPECT_EQ(store().ListRuns(kept.id, 0, 100)->size(), 3u);
  mq.task_id = lq.task_id = kept.id;
  EXPECT_EQ(store().ListSamples(mq)->size(), 1u);
  EXPECT_EQ(store().ListLogs(lq)->size(), 3u);
}

TEST_P(ControlConformance, DueTasksAreTheSetOnesUpToNowSoonestFirst) {
  const TimePoint now = clock_.Now();
  auto with_next = [&](const std::string& name, TimePoint next) {
    TaskRecord t = Task(name);
    t.next_run_at = next;
    return MustCreate(t);
  };
  with_next("never", TimePoint{});
  TaskRecord late = with_next("late", now - minutes(1));
  TaskRecord exact = with_next("exact", now);
  TaskRecord early = with_next("early", now - minutes(30));
  with_next("future", now + milliseconds(1));
  auto due = peer().DueTasks(now, 10);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(Ids(*due), (std::vector<std::string>{early.id, late.id, exact.id}));
  due = store().DueTasks(now, 2);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(Ids(*due), (std::vector<std::string>{early.id, late.id}));
  EXPECT_EQ(store().DueTasks(now, 0).status().code(), Code::kInvalidArgument);

  // Once the scheduler clears next_run_at, the task is no longer due.
  early.next_run_at = TimePoint{};
  ASSERT_TRUE(store().UpdateTask(early, early.revision).ok());
  EXPECT_EQ(Ids(*store().DueTasks(now, 10)), (std::vector<std::string>{late.id, exact.id}));
}

TEST_P(ControlConformance, TasksInStatusFindsEveryTaskInThoseStatuses) {
  std::set<std::string> interrupted;
  for (TaskStatus s : {TaskStatus::kStarting, TaskStatus::kInProgress, TaskStatus::kDone,
                       TaskStatus::kError, TaskStatus::kStopping, TaskStatus::kStopped}) {
    for (int i = 0; i < 3; ++i) {
      TaskRecord t = MustCreate(Task("x", "s3", s));
      if (s == TaskStatus::kInProgress || s == TaskStatus::kStopping) interrupted.insert(t.id);
    }
  }
  auto found = peer().TasksInStatus({TaskStatus::kInProgress, TaskStatus::kStopping});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::vector<std::string> ids = Ids(*found);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), interrupted);
  EXPECT_EQ(ids.size(), interrupted.size());
  for (const TaskRecord& t : *found) {
    EXPECT_TRUE(t.status == TaskStatus::kInProgress || t.status == TaskStatus::kStopping);
  }
  EXPECT_TRUE(store().TasksInStatus({})->empty());
  EXPECT_EQ(store().TasksInStatus({TaskStatus::kDone, TaskStatus::kDone})->size(), 3u);
}

}  // namespace dth::control
